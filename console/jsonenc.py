"""JSON encoders built once, for the hot paths.

``json.dumps`` with any option builds a new encoder object on every call: about a
microsecond of set-up per call, more than encoding a small dict. Ingest encodes a few
values per event (message meta, action params, idempotency keys, audit details), so
these three encoders are built once from the C scanner and produce exactly what the
``json.dumps`` call named beside each would (tests compare them).
"""

from __future__ import annotations

import json
from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]


def _build(key_sep: str, item_sep: str, sort_keys: bool):
    if c_make_encoder is None:  # a Python without the C accelerator: plain json.dumps
        py = json.JSONEncoder(ensure_ascii=False, separators=(item_sep, key_sep), sort_keys=sort_keys, default=str)
        return py.encode
    # markers=None: no cycle check (values here are freshly built dicts, never cyclic)
    enc = c_make_encoder(None, str, encode_basestring, None, key_sep, item_sep, sort_keys, False, True)
    return lambda value: "".join(enc(value, 0))


compact = _build(":", ",", False)
"""``json.dumps(v, ensure_ascii=False, separators=(",", ":"), default=str)``: stored JSON columns."""

dumps = _build(": ", ", ", False)
"""``json.dumps(v, ensure_ascii=False, default=str)``: audit details, evidence, params."""

canonical = _build(": ", ", ", True)
"""``json.dumps(v, sort_keys=True, ensure_ascii=False, default=str)``: idempotency keys, which
must not change between versions (a changed key would let a proposal be stored twice)."""
