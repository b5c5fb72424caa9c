"""Fuzzing with hypothesis (issue 16, item 10): what arrives from a bridge or an operator,
however mangled, is either taken or refused with the module's own error, never a crash.

- the CQ parser: any text parses leniently; strict parsing raises only CQError; what
  render writes parses back to the same segments;
- the QQ normaliser: any JSON-shaped payload gives an Event or an EventError;
- the moderation text normaliser: any text gives text, and normalising is idempotent
  on what it produced (so a rule cannot match a message's form only on a second pass);
- templates: any template is refused with TemplateError or renders with any values,
  and a value holding braces is never filled in again;
- config: any TOML text or parsed table gives Settings or a ConfigError naming the file.

Examples are bounded (``max_examples``) and no deadline applies: a loaded machine must
not fail a test by being slow.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from console.config import ConfigError, load_settings, parse_settings
from plugins.entry_rules.templates import WELCOME_VARS, TemplateError, fields_of, render
from plugins.moderation.normalize import normalize as mod_normalize
from plugins.qq.cq import CQError, parse, render as cq_render
from plugins.qq.normalize import EventError, normalize as qq_normalize

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

#: Text that is likely to hit the parsers' edges: brackets, escapes, commas, CJK, odd code points.
edgy = st.lists(st.sampled_from(list("[]{}:,=&#;CQatqimge0123 \n\t字\u200b\ud800")
                                + ["&#91;", "&#93;", "&#44;", "&amp;", "[CQ:", "[CQ:at,qq=1]"]), max_size=40).map("".join)
any_text = st.one_of(st.text(max_size=200), edgy)

json_scalar = st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70), st.floats(allow_nan=True),
                        any_text)
json_value = st.recursive(json_scalar, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=5)), max_leaves=20)


@FUZZ
@given(any_text)
def test_cq_parser_never_crashes(text):
    segments = parse(text, strict=False)
    assert all(isinstance(s["data"], dict) and s["type"] for s in segments)
    try:
        parse(text)
    except CQError:
        pass


segment = st.one_of(
    st.builds(lambda t: {"type": "text", "data": {"text": t}}, st.text(min_size=1, max_size=30)),
    st.builds(lambda k, d: {"type": k, "data": d}, st.sampled_from(["at", "face", "image", "reply"]),
              st.dictionaries(st.sampled_from(["qq", "id", "file", "url"]), st.text(max_size=20), max_size=3)))


@FUZZ
@given(st.lists(segment, max_size=6))
def test_what_render_writes_parses_back(segments):
    merged: list[dict] = []  # adjacent text segments read back as one
    for s in segments:
        if s["type"] == "text" and merged and merged[-1]["type"] == "text":
            merged[-1] = {"type": "text", "data": {"text": merged[-1]["data"]["text"] + s["data"]["text"]}}
        else:
            merged.append(s)
    assert parse(cq_render(segments)) == merged


payload = st.one_of(json_value, st.fixed_dictionaries({
    "post_type": st.sampled_from(["message", "notice", "request", "meta_event", "message_sent", "x"]),
    "message_type": st.sampled_from(["group", "private", "guild"]),
    "notice_type": st.sampled_from(["group_increase", "group_decrease", "group_recall", "group_card", "notify"]),
    "request_type": st.sampled_from(["group", "friend"]),
    "sub_type": st.sampled_from(["approve", "invite", "kick", "leave", "add", "normal", ""]),
    "time": json_scalar, "self_id": json_scalar, "group_id": json_scalar, "user_id": json_scalar,
    "message_id": json_scalar, "message": st.one_of(any_text, json_value), "raw_message": json_scalar,
    "sender": json_value, "comment": json_scalar, "flag": json_scalar, "operator_id": json_scalar,
}))


@FUZZ
@given(payload)
def test_qq_normaliser_gives_an_event_or_its_own_error(raw):
    try:
        ev = qq_normalize("qq1", raw)
    except EventError:
        return
    assert ev.connection == "qq1" and isinstance(ev.id, str) and ev.id
    assert isinstance(ev.ts, int) and (ev.text is None or isinstance(ev.text, str))


@FUZZ
@given(any_text)
def test_moderation_normaliser_is_total_and_settles(text):
    once = mod_normalize(text)
    assert isinstance(once, str)
    assert mod_normalize(once) == once


@FUZZ
@given(any_text, st.dictionaries(st.sampled_from(sorted(WELCOME_VARS)), st.one_of(st.none(), any_text, st.integers())))
def test_a_template_is_refused_or_renders_and_values_are_never_filled_again(template, values):
    try:
        names = fields_of(template, WELCOME_VARS)
    except TemplateError:
        return
    out = render(template, values)
    assert isinstance(out, str)
    marked = {k: f"{{{k}}}" for k in names}  # a value that looks like a field stays as it is
    assert render(template, marked) == render(template, {k: f"{{{k}}}" for k in names})
    assert set(names) <= WELCOME_VARS


toml_text = st.one_of(st.text(max_size=300), st.lists(st.sampled_from([
    "[serve]", "port = 8765", "port = 99999", "port = -1", "port = \"x\"", "max_body_bytes = 0",
    "[database]", "path = \"x.db\"", "[connections.a]", "platform = \"qq\"", "enabled = true", "secret = \"env:NOPE\"",
    "[console]", "language = \"zh-CN\"", "language = \"fr\"", "[operator]", "timezone = \"Mars/Base\"",
    "timezone = \"Asia/Shanghai\"", "[[x]]", "a = [1, \"b\"]", "= broken", "[serve", "rate = 0",
]), max_size=12).map("\n".join))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(toml_text)
def test_config_text_gives_settings_or_a_config_error_naming_the_file(tmp_path, text):
    p = tmp_path / "config.toml"
    p.write_bytes(text.encode("utf-8", "replace"))
    try:
        load_settings(p)
    except ConfigError as e:
        assert str(p.name) in str(e) or str(p) in str(e)


@FUZZ
@given(st.dictionaries(st.sampled_from(["serve", "database", "console", "operator", "connections", "plugins",
                                         "moderation", "kpi", "x"]), json_value, max_size=5))
def test_config_tables_give_settings_or_a_config_error(data):
    try:
        parse_settings(data, Path("/tmp/fuzz/config.toml"))
    except ConfigError:
        pass
