"""console.refresh_seconds: 0 means the console never polls (docs/console.md), so it is
allowed beside its range; a value between 0 and 0.1 s (a busy poll) is refused."""

from __future__ import annotations

import pytest

from console.config import ConfigError, load_settings


def write(tmp_path, value):
    p = tmp_path / "config.toml"
    p.write_text(f"[console]\nrefresh_seconds = {value}\n", encoding="utf-8")
    return p


@pytest.mark.parametrize("value", ["0", "0.1", "1.0", "3600"])
def test_zero_and_the_range_are_accepted(tmp_path, value):
    assert load_settings(write(tmp_path, value)).console.refresh_seconds == float(value)


@pytest.mark.parametrize("value", ["0.05", "-1", "3601"])
def test_outside_are_refused_naming_the_key(tmp_path, value):
    with pytest.raises(ConfigError, match=r"console.refresh_seconds: is .* \(expected 0.1 to 3,600 seconds \(0: never\)\)"):
        load_settings(write(tmp_path, value))
