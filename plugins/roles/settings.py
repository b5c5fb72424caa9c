"""The ``[roles]`` section: staffing guidelines from the trade sources (DOMAIN.md, Roles).

They are guidelines, not laws: breaking one never blocks an assignment, it only shows
the group or owner as understaffed/overloaded (with the reason) and raises an alert.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from shequn import ConfigError


@dataclass
class RolesSettings:
    owner_groups_min: int = 5
    """Fewest groups a full-time owner is expected to run; below it the owner shows as "light"."""
    owner_groups_max: int = 10
    """Most groups one owner should run; above it the owner shows as overloaded."""
    admins_min: int = 1
    """Fewest admins a group should have; below it the group is understaffed."""
    admins_max: int = 3
    """Most admins a group should have; above it the group is overstaffed."""
    cheer_min: int = 2
    """Fewest cheer-squad members (气氛组) a group should have; below it the group is understaffed."""
    cheer_max: int = 3
    """Most cheer-squad members a group should have; above it the group is overstaffed."""
    new_group_insiders: int = 10
    """Insiders (自己人) a new group should hold while it is new: it needs people who talk first."""
    new_group_days: int = 14
    """A group counts as new for this many days after shequn first saw it."""
    family_roles: list[str] = field(default_factory=lambda: ["cheer", "admin"])
    """Roles that follow a person into another group of the same family (overflow siblings share one squad): someone who holds one in a sibling gets it here on joining. [] turns this off."""

    def __post_init__(self) -> None:
        for low, high in (("owner_groups_min", "owner_groups_max"), ("admins_min", "admins_max"),
                          ("cheer_min", "cheer_max")):
            lo, hi = getattr(self, low), getattr(self, high)
            if lo < 0:
                raise ConfigError(None, f"roles.{low}", f"is {lo}", "0 or more")
            if hi < lo:
                raise ConfigError(None, f"roles.{high}", f"is {hi}, below roles.{low} ({lo})",
                                  f"a number of {lo} or more")
        if not isinstance(self.family_roles, list) or any(r not in ("cheer", "admin", "kol") for r in self.family_roles):
            raise ConfigError(None, "roles.family_roles", f"is {self.family_roles!r}",
                              "a list of roles from cheer, admin, kol (owners and the lead are never copied)")
        for name in ("new_group_insiders", "new_group_days"):
            if getattr(self, name) < 0:
                raise ConfigError(None, f"roles.{name}", f"is {getattr(self, name)}", "0 or more")
