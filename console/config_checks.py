"""Checks of the core settings beyond their types, and secrets kept out of sight.

A value of the right type can still not work: ``serve.port = 99999`` let ``serve`` run
with no webhook server and no error, ``max_body_bytes = 0`` refuses every webhook, a
negative timeout or retention means nothing. Every load of config.toml (so ``config
check``, ``config set`` and every verb) refuses them, naming the key and the range.

Errors carry an English template and its values, so the CLI can say them in zh-CN
(console/i18n.py); ``str(error)`` stays the English line.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from .config import ConfigError

#: (section, field): (lowest, highest, unit): the unit is also the zh-CN catalogue's key.
RANGES: dict[tuple[str, str], tuple[float, float, str]] = {
    ("database", "busy_timeout_ms"): (0, 600_000, "milliseconds"),
    ("database", "message_retention_days"): (0, 36_500, "days (0 keeps text forever)"),
    ("database", "open_check_seconds"): (0, 600, "seconds (0: no limit)"),
    ("serve", "port"): (1, 65_535, "(a TCP port)"),
    ("serve", "max_body_bytes"): (1_024, 64 * 1_048_576, "bytes"),
    ("console", "refresh_seconds"): (0.1, 3_600, "seconds (0: never)"),
}
#: settings whose 0 means "off", allowed beside their range (the console never polls)
ZERO_IS_OFF = {("console", "refresh_seconds")}

RANGE_TEMPLATE = "{file}: {key}: is {value} (expected {low} to {high} {unit})"


def config_error(file: Any, key: str, template: str, **values: Any) -> ConfigError:
    """A ConfigError whose message is ``template`` filled (``file`` and ``key`` are values too)."""
    values = {"file": str(file or "config"), "key": key, **values}
    err = ConfigError(file, key, "")
    err.args = (template.format(**values),)
    err.template, err.values = template, values
    return err


def _num(v: float) -> str:
    return f"{v:,}" if isinstance(v, int) else f"{v:g}"


def check_ranges(settings: Any, file: Path | None) -> None:
    """Refuse a core setting outside its range, naming the key and the range."""
    for (section, name), (low, high, unit) in RANGES.items():
        value = getattr(getattr(settings, section), name)
        if value == 0 and (section, name) in ZERO_IS_OFF:
            continue
        if not low <= value <= high:
            shown = f"{value:g}" if isinstance(value, float) else value
            raise config_error(file, f"{section}.{name}", RANGE_TEMPLATE, value=shown, low=_num(low), high=_num(high),
                               unit=unit)


def missing_config(path: Path) -> ConfigError:
    """A config file named by --config or $SHEQUN_CONFIG that is not there: an error, not
    the defaults (a mistyped path silently made a new, empty workspace)."""
    return config_error(path, "(file)", "{file}: no such config file. Give the path of an existing config.toml, "
                        "or leave out --config and $SHEQUN_CONFIG to use ./config.toml")


# --- secrets -----------------------------------------------------------------------------

#: keys whose values are secret wherever they appear (a plugin's section, a connector that
#: declares nothing): tokens, secrets, passwords, AES and API keys
SECRET_NAME = re.compile(r"token|secret|passw|aes|api_?key|private_?key|signing_?key|credential", re.IGNORECASE)


def mask(value: Any) -> Any:
    """What ``config get`` shows of a secret: a reference to the environment is not a
    secret and shows as written; a literal shows only that it is set."""
    if value is None or value == "":
        return value
    if isinstance(value, str) and value.startswith("env:"):
        return value
    return "******"


def masked(value: Any, secret_keys: frozenset[str] = frozenset(), key: str = "") -> Any:
    """``value`` with every secret inside it masked: keys named in ``secret_keys`` (a
    connector's declared secret options) or whose name says secret."""
    if key and (key in secret_keys or SECRET_NAME.search(key)):
        return mask(value) if not isinstance(value, (dict, list)) else _walk(value, secret_keys, force=True)
    return _walk(value, secret_keys)


def _walk(value: Any, secret_keys: frozenset[str], force: bool = False) -> Any:
    if isinstance(value, dict):
        return {k: (mask(v) if force and not isinstance(v, (dict, list)) else masked(v, secret_keys, str(k)))
                for k, v in value.items()}
    if isinstance(value, list):
        return [mask(v) if force else _walk(v, secret_keys) for v in value]
    return value


def secret_options(connector_cls: Any) -> frozenset[str]:
    """The option names a connector declares secret (Option(secret=True))."""
    if connector_cls is None:
        return frozenset()
    return frozenset(o.name for o in connector_cls.all_options() if getattr(o, "secret", False))


# --- serve's port --------------------------------------------------------------------------

def port_in_use(file: Any, host: str, port: int) -> ConfigError | None:
    """Bind ``host:port`` as the webhook server will (SO_REUSEADDR, as uvicorn), then let
    go: the error when it cannot, so ``serve`` exits 2 saying so before it starts anything
    (serve.py also fails when the server cannot bind later: another program may be quicker)."""
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError) as e:
        return config_error(file, "serve.host", "{file}: {key}: {host} is not an address of this machine ({reason})",
                            host=host, reason=str(e))
    family, kind, proto, _, addr = infos[0]
    try:
        with socket.socket(family, kind, proto) as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(addr)
    except OSError as e:
        return config_error(file, "serve.port", "{file}: {key}: {host}:{port} cannot be bound ({reason}); another "
                            "program, or another shequn serve, listens there. Stop it, or choose a free port: "
                            "shequn config set serve.port N", host=host, port=port, reason=e.strerror or str(e))
    return None


# --- every connection, enabled or not ------------------------------------------------------

STAND_IN = "(not set yet)"


def check_connections(settings: Any, connectors: dict[str, type]) -> list[str]:
    """Check every connection's options against its connector, disabled ones too (a typo
    or a bad number in a disabled connection would otherwise surface only the day it is
    enabled).

    An enabled connection's error is raised, and so is a disabled one's, except what a
    prepared, switched-off connection may lack: an ``env:`` secret whose variable is not
    set, a required text left empty or out, a platform no loaded plugin serves. Those are
    returned as warnings, each naming the file and the key."""
    import os

    file = settings.where()
    warnings: list[str] = []
    for name, conn in settings.connections.items():
        where = f"connections.{name}"
        cls = connectors.get(conn.platform)
        if cls is None:
            if not conn.enabled:
                warnings.append(f"{file}: {where}.platform: no connector for platform {conn.platform!r} is "
                                "installed, so its options are not checked (the connection is disabled)")
            continue  # an enabled one is refused by workspace.check_plugin_sections
        options = dict(conn.options)
        stand_ins: set[str] = set()
        if not conn.enabled:
            for o in cls.all_options():
                value = options.get(o.name, o.default)
                if o.secret and isinstance(value, str) and value.startswith("env:") and value[4:] not in os.environ:
                    warnings.append(f"{file}: {where}.{o.name}: refers to ${value[4:]}, which is not set "
                                    "(the connection is disabled; set it before enabling)")
                elif o.required and o.type is str and value in (None, ""):
                    warnings.append(f"{file}: {where}.{o.name}: is empty (the connection is disabled; "
                                    "fill it in before enabling)")
                else:
                    continue
                options[o.name] = STAND_IN  # so the other options are still checked
                stand_ins.add(f"{where}.{o.name}")
        try:
            cls.check_options(options, where, file)
        except ConfigError as e:
            if e.key in stand_ins:  # a connector's own check of a stand-in: already warned
                continue
            if not conn.enabled and e.problem.startswith("is missing"):
                warnings.append(f"{e.with_file(file)} (the connection is disabled; fill it in before enabling)")
                continue
            raise e.with_file(file) from None
    return warnings
