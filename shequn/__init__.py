"""shequn's public plugin API: everything a connector or workflow author imports.

::

    from shequn import hookimpl, Connector, Option, Capability, Event, Proposal

The names in ``__all__`` here and in :mod:`shequn.cli`, :mod:`shequn.testing`,
:mod:`shequn.tui` and the small modules beside them (:mod:`shequn.numbers`,
:mod:`shequn.people`, :mod:`shequn.joins`, :mod:`shequn.queues`, :mod:`shequn.kpis`,
:mod:`shequn.connections`) are the API, with the promise in docs/plugins.md ("The public API"):
within a major ``API_VERSION`` they keep their meaning and signature; a name is removed
only after a minor release in which using it warns. Everything else (``console.*``, and
``shequn.console.*`` in an installed wheel) is the host's inside and may change.

The host's code lives in the repository's ``console/`` and ``plugins/`` folders; a wheel
carries them as ``shequn.console`` and ``shequn.plugins`` (setup.py rewrites their
imports when it builds one), so an installed shequn adds no top-level name but this one.
This module imports only what does not pull in Textual or the engine.
"""

from __future__ import annotations

from console import __version__
from console.config import ConfigError, load_section
from console.connector import (
    ConnectionCheck,
    Connector,
    ConnectorError,
    EventSink,
    NotSupported,
    NullSink,
    Option,
    Pacing,
    Route,
    WebhookRequest,
    WebhookResult,
    WebSocketRequest,
)
from console.account_health import HealthPolicy
from console.hookspecs import hookimpl
from console.intake import StoreUnavailable
from console.jsonenc import dumps as _dumps
from console.labels import Label
from console.model import (
    ACTION_CAPABILITY,
    ACTION_PARAMS,
    IDEMPOTENT_ACTIONS,
    ActionRequest,
    ActionResult,
    Capability,
    DeadLetter,
    Decision,
    Event,
    EventBatch,
    GroupInfo,
    Kind,
    MemberInfo,
    Proposal,
    Status,
    messages_of,
    others_of,
)
from console.registry import Job, KpiSpec, LabelSource, PanelSpec, RuleKind, ScreenSpec
from console.store import rows_in, run_script

def json_text(value: object) -> str:
    """``value`` as the JSON the host keeps in its text columns (a case's evidence, audit
    details, action params): ``json.dumps(value, ensure_ascii=False, default=str)``, with
    the encoder built once (console/jsonenc.py), so Chinese text stays readable in SQLite."""
    return _dumps(value)


#: The API's version: the major number changes only when a name of ``__all__`` is removed
#: or changes meaning (docs/plugins.md, "The public API").
API_VERSION = "1.1"

__all__ = [
    "API_VERSION", "__version__",
    # hooks
    "hookimpl",
    # connectors
    "Connector", "Option", "Pacing", "HealthPolicy", "ConnectionCheck", "ConnectorError", "NotSupported",
    "EventSink", "NullSink", "StoreUnavailable", "Route", "WebhookRequest", "WebhookResult", "WebSocketRequest",
    # events in, actions out
    "Event", "EventBatch", "Kind", "messages_of", "others_of", "DeadLetter",
    "Capability", "ACTION_CAPABILITY", "ACTION_PARAMS", "IDEMPOTENT_ACTIONS",
    "Proposal", "Decision", "ActionRequest", "ActionResult", "Status", "GroupInfo", "MemberInfo",
    # what registration hooks hand in
    "RuleKind", "KpiSpec", "LabelSource", "Label", "Job", "ScreenSpec", "PanelSpec",
    # settings and the store
    "ConfigError", "load_section", "rows_in", "run_script", "json_text",
]
