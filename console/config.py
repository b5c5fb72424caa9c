"""Typed settings read from ``config.toml``.

Every field carries a docstring under it (``shequn config get`` shows them). Values
are checked against the field's type; an error names the file, the key, what is wrong
and what is expected, and nothing is written. Secrets may be written as
``"env:NAME"`` so that they live in the environment, and they are never copied into
SQLite (teams pass that file around).

Plugins keep their own sections (``[moderation]``, ``[kpi]`` ...) and read them with
:func:`load_section` into their own dataclasses, with the same error messages.
"""

from __future__ import annotations

import functools
import getpass
import os
import tomllib
import types
import typing
from dataclasses import MISSING, dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar

T = TypeVar("T")

DEFAULT_CONFIG_NAME = "config.toml"


class ConfigError(Exception):
    """A config problem, said with where it is: file, key, what is wrong, what is expected."""

    template: str = ""  # set by console/config_checks.py: the CLI translates it
    values: dict = {}

    def __init__(self, file: str | Path | None, key: str, problem: str, expected: str = ""):
        self.file, self.key, self.problem, self.expected = str(file or "config"), key, problem, expected
        msg = f"{self.file}: {key}: {problem}"
        if expected:
            msg += f" (expected {expected})"
        super().__init__(msg)

    def with_file(self, file: str | Path | None) -> "ConfigError":
        """This error naming ``file`` when it was raised without one (a plugin's settings
        check raises ConfigError(None, ...): it does not know which file it reads)."""
        if not file or self.file != "config":
            return self
        self.file = str(file)
        if self.template:
            self.values = {**self.values, "file": self.file}
            self.args = (self.template.format(**self.values),)
        else:
            self.args = (f"{self.file}: {self.key}: {self.problem}"
                         + (f" (expected {self.expected})" if self.expected else ""),)
        return self


# --- the settings ------------------------------------------------------------------


def _os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no passwd entry in some containers
        return os.environ.get("USER", "operator")


@dataclass
class OperatorSettings:
    name: str = ""
    """Who is at the keyboard. Recorded with everything they do in the audit log. Default: the OS user."""
    timezone: str = "Asia/Shanghai"
    """IANA time zone that decides where a day starts for rollups and KPIs."""


@dataclass
class DatabaseSettings:
    path: str = "data/shequn.db"
    """The SQLite workspace, relative to the folder of config.toml."""
    busy_timeout_ms: int = 5000
    """How long a writer waits for another process's lock before giving up."""
    message_retention_days: int = 180
    """Message text older than this is blanked (the row and its counts stay). 0 keeps text forever."""
    open_check_seconds: float = 2.0
    """Longest time the quick integrity check may take when the workspace opens for writing (0: no limit); a larger file opens after that, and `shequn db check` checks it whole."""


@dataclass
class ServeSettings:
    host: str = "127.0.0.1"
    """Address the webhook receiver binds to. Keep 127.0.0.1 unless a reverse proxy sits in front."""
    port: int = 8765
    """Port of the webhook receiver."""
    max_body_bytes: int = 1_048_576
    """Largest webhook body accepted; larger requests get 413 and a dead-letter record."""
    log_file: str = "data/shequn.log"
    """Where `shequn serve` writes its log besides stderr, relative to config.toml's folder."""


@dataclass
class ConsoleSettings:
    language: Literal["en", "zh-CN"] = "en"
    """Language of every visible string: en or zh-CN."""
    owner: str = ""
    """The signed-in owner (a person's display name) whose queue the Owner screen shows."""
    bindings: dict[str, str] = field(default_factory=dict)
    """Remapped key bindings: binding id = key, e.g. "groups.filter" = "f"."""
    refresh_seconds: float = 1.0
    """How often live views look for new events and action results."""


from .member_text import MembersSettings  # noqa: E402  (the [members] section: what members read)


@dataclass
class PluginsSettings:
    disabled: list[str] = field(default_factory=list)
    """Plugins that are not loaded, by name (see `shequn plugins`)."""
    dirs: list[str] = field(default_factory=list)
    """Folders whose .py files are loaded as one-file plugins, each named after its file (relative to config.toml's folder); see docs/plugins.md."""


@dataclass
class ConnectionSettings:
    name: str
    """The connection's name: the table key under [connections]."""
    platform: str
    """Which connector serves it: sandbox, qq, wechat, douyin, or a third party's."""
    enabled: bool = False
    """Only enabled connections receive events and carry out actions."""
    rate: float | None = None
    """Actions per second for this account (default: the connector's conservative figure)."""
    burst: int | None = None
    """How many actions may go at once before pacing applies (default: the connector's)."""
    options: dict[str, Any] = field(default_factory=dict)
    """Every other key of the table: the connector's declared options."""


@dataclass
class Settings:
    """The whole config, plus the raw plugin sections for plugins to read."""

    path: Path | None = None
    operator: OperatorSettings = field(default_factory=OperatorSettings)
    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    serve: ServeSettings = field(default_factory=ServeSettings)
    console: ConsoleSettings = field(default_factory=ConsoleSettings)
    members: MembersSettings = field(default_factory=MembersSettings)
    plugins: PluginsSettings = field(default_factory=PluginsSettings)
    connections: dict[str, ConnectionSettings] = field(default_factory=dict)
    sections: dict[str, dict[str, Any]] = field(default_factory=dict)
    written: dict[str, dict[str, Any]] = field(default_factory=dict)  # the core tables as the file has them

    @property
    def root(self) -> Path:
        return self.path.parent if self.path else Path.cwd()

    def resolve_path(self, value: str) -> Path:
        p = Path(value).expanduser()
        return p if p.is_absolute() else self.root / p

    @property
    def db_path(self) -> Path:
        return self.resolve_path(self.database.path)

    def section(self, name: str) -> dict[str, Any]:
        """The raw table of a plugin's section (empty if absent)."""
        return dict(self.sections.get(name, {}))

    def where(self) -> str:
        return str(self.path) if self.path else "config"


CORE_SECTIONS = {
    "operator": OperatorSettings,
    "database": DatabaseSettings,
    "serve": ServeSettings,
    "console": ConsoleSettings,
    "members": MembersSettings,
    "plugins": PluginsSettings,
}


# --- reading -----------------------------------------------------------------------


def find_config(explicit: str | Path | None = None) -> Path:
    """The config file: --config, $SHEQUN_CONFIG, or ./config.toml."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("SHEQUN_CONFIG")
    if env:
        return Path(env)
    return Path.cwd() / DEFAULT_CONFIG_NAME


def load_settings(path: str | Path | None = None, *, must_exist: bool = False) -> Settings:
    """Read and validate config.toml. A missing ./config.toml gives the defaults (sandbox
    on); a missing file named by ``path`` or $SHEQUN_CONFIG is an error."""
    p = find_config(path)
    if not p.exists():
        if must_exist or path or os.environ.get("SHEQUN_CONFIG"):
            from .config_checks import missing_config

            raise missing_config(p)
        s = parse_settings(default_config_data(), None)
        s.path = p.resolve()
        return s
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(p, "(syntax)", str(e), "valid TOML") from None
    except UnicodeDecodeError:
        raise ConfigError(p, "(encoding)", "the file is not UTF-8", "a UTF-8 text file") from None
    return parse_settings(data, p.resolve())


def parse_settings(data: dict[str, Any], path: Path | None) -> Settings:
    s = Settings(path=path)
    for name, cls in CORE_SECTIONS.items():
        raw = data.get(name, {})
        if not isinstance(raw, dict):
            raise ConfigError(path, name, f"is {type(raw).__name__}", "a table [" + name + "]")
        setattr(s, name, build(cls, raw, path, name))
        s.written[name] = raw
    if not s.operator.name:
        s.operator.name = _os_user()
    _check_timezone(s.operator.timezone, path)
    conns = data.get("connections", {})
    if not isinstance(conns, dict):
        raise ConfigError(path, "connections", "is not a table", "[connections.NAME] tables")
    for cname, raw in conns.items():
        if not isinstance(raw, dict):
            raise ConfigError(path, f"connections.{cname}", "is not a table", f"[connections.{cname}]")
        known = {f.name for f in fields(ConnectionSettings)} - {"name", "options"}
        core = {k: v for k, v in raw.items() if k in known}
        opts = {k: v for k, v in raw.items() if k not in known}
        if "platform" not in core:
            raise ConfigError(path, f"connections.{cname}.platform", "is missing", 'a platform name such as "qq"')
        conn = build(ConnectionSettings, {"name": cname, **core}, path, f"connections.{cname}")
        conn.options = opts
        if conn.rate is not None and conn.rate <= 0:
            raise ConfigError(path, f"connections.{cname}.rate", f"is {conn.rate}", "a number above 0")
        if conn.burst is not None and conn.burst < 1:
            raise ConfigError(path, f"connections.{cname}.burst", f"is {conn.burst}", "a whole number of 1 or more")
        s.connections[cname] = conn
    from .config_checks import check_ranges

    check_ranges(s, path)
    s.sections = {k: v for k, v in data.items() if k not in CORE_SECTIONS and k != "connections"}
    for k, v in s.sections.items():
        if not isinstance(v, dict):
            raise ConfigError(path, k, f"is {type(v).__name__}", f"a table [{k}]")
    return s


def _check_timezone(tz: str, path: Path | None) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(path, "operator.timezone", f"unknown time zone {tz!r}", 'an IANA name such as "Asia/Shanghai"') from None


# --- generic dataclass building with clear errors -----------------------------------


@functools.lru_cache(maxsize=512)
def _hints(cls: type) -> dict[str, Any]:
    """``cls``'s resolved annotations, once per class (read only): get_type_hints compiles each string
    annotation anew, and a plugin may build its section per batch (23,000 compiles in operator_day's 5 days)."""
    return typing.get_type_hints(cls)


def build(cls: type[T], data: dict[str, Any], file: str | Path | None, prefix: str) -> T:
    """Build dataclass ``cls`` from a TOML table, checking every value's type.

    Unknown keys are errors (a typo should not silently do nothing)."""
    names = {f.name: f for f in fields(cls)}  # type: ignore[arg-type]
    hints = _hints(cls)
    for key in data:
        if key not in names:
            raise ConfigError(file, f"{prefix}.{key}", "is not a known setting",
                              "one of " + ", ".join(sorted(names)))
    kwargs = {}
    for name, f in names.items():
        if name in data:
            kwargs[name] = check_value(data[name], hints[name], file, f"{prefix}.{name}")
        elif f.default is MISSING and f.default_factory is MISSING:  # type: ignore[misc]
            raise ConfigError(file, f"{prefix}.{name}", "is missing", describe_type(hints[name]))
    try:
        return cls(**kwargs)
    except ConfigError as e:  # a plugin's own checks (__post_init__) do not know the file
        raise e.with_file(file) from None


def load_section(cls: type[T], settings: Settings, name: str) -> T:
    """A plugin's typed settings from its ``[name]`` section (defaults if absent)."""
    return build(cls, settings.section(name), settings.where(), name)


def describe_type(tp: Any) -> str:
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is Literal:
        return "one of " + ", ".join(repr(a) for a in args)
    if origin in (types.UnionType, typing.Union):
        return " or ".join(describe_type(a) for a in args)
    if origin is list:
        return f"a list of {describe_type(args[0])}" if args else "a list"
    if origin is dict:
        return "a table"
    if is_dataclass(tp):
        return "a table"
    return {str: "a string", int: "a whole number", float: "a number", bool: "true or false",
            type(None): "nothing", Any: "any value"}.get(tp, getattr(tp, "__name__", str(tp)))


def check_value(value: Any, tp: Any, file: str | Path | None, key: str) -> Any:
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    bad = ConfigError(file, key, f"is {value!r}", describe_type(tp))
    if tp is Any:
        return value
    if origin is Literal:
        if value not in args:
            raise bad
        return value
    if origin in (types.UnionType, typing.Union):
        for a in args:
            try:
                return check_value(value, a, file, key)
            except ConfigError:
                continue
        raise bad
    if tp is type(None):
        if value is not None:
            raise bad
        return None
    if origin is list:
        if not isinstance(value, list):
            raise bad
        return [check_value(v, args[0], file, f"{key}[{i}]") for i, v in enumerate(value)] if args else value
    if origin is dict:
        if not isinstance(value, dict):
            raise bad
        if args:
            return {k: check_value(v, args[1], file, f"{key}.{k}") for k, v in value.items()}
        return value
    if is_dataclass(tp):
        if not isinstance(value, dict):
            raise bad
        return build(tp, value, file, key)
    if tp is bool:
        if not isinstance(value, bool):
            raise bad
        return value
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise bad
        return value
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise bad
        return float(value)
    if tp is str:
        if not isinstance(value, str):
            raise bad
        return value
    return value


# --- secrets -------------------------------------------------------------------------


def resolve_secret(value: Any, where: str, file: str | Path | None = None) -> str | None:
    """Turn ``"env:NAME"`` into the environment variable's value; plain strings pass.

    Raises ConfigError when the variable is not set, naming the file and the key."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ConfigError(file, where, f"is {value!r}", 'a string or "env:NAME"')
    if value.startswith("env:"):
        var = value[4:]
        got = os.environ.get(var)
        if got is None:
            raise ConfigError(file, where, f"refers to ${var}, which is not set", f"the environment variable {var}")
        return got
    return value


from .config_docs import field_docs  # noqa: E402,F401  (the docstring under each field; `config get`)


def default_config_data() -> dict[str, Any]:
    """The defaults used when no config.toml exists: the sandbox connection on."""
    return {"connections": {"sandbox": {"platform": "sandbox", "enabled": True}}}
