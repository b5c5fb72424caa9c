"""The prebuilt encoders write exactly what the json.dumps call they replace writes:
stored JSON and idempotency keys must not change with this speed-up."""

from __future__ import annotations

import json
from datetime import date

import pytest

from console.jsonenc import canonical, compact, dumps
from console.model import Proposal

VALUES = [{"b": 1, "a": [1, 2.5, None, True], "文": "中文 \"quoted\" \n"}, [], {}, "plain", 3, -0.0, float("inf"),
          {"when": date(2026, 1, 2), "nested": {"z": {"y": [date(2025, 5, 6)]}}}, {1: "int key", "x": "str key"}]


@pytest.mark.parametrize("value", VALUES)
def test_each_encoder_matches_its_json_dumps(value):
    assert compact(value) == json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
    assert dumps(value) == json.dumps(value, ensure_ascii=False, default=str)
    if not (isinstance(value, dict) and any(isinstance(k, int) for k in value)):
        assert canonical(value) == json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def test_idempotency_key_is_stable():
    """The key of a known proposal, as every earlier version derived it."""
    p = Proposal(kind="send", reason="r", group_id=3, person_id=4, params={"text": "欢迎", "mentions": ["u1"]},
                 rule="welcome", evidence="sandbox:m1", connection="sandbox")
    import hashlib

    blob = json.dumps([p.kind, p.connection, p.group_id, p.person_id, p.params, p.evidence, p.rule, p.case_id],
                      sort_keys=True, default=str, ensure_ascii=False)
    assert p.derive_key() == hashlib.sha1(blob.encode()).hexdigest()
