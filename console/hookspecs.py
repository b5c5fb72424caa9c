"""The plugin contract: every hook a shequn plugin may implement, grouped by lifecycle.

Plugins are registered through the ``shequn`` entry-point group (built-ins too) and
mark implementations with :data:`hookimpl`::

    from shequn import hookimpl

    @hookimpl
    def register_connectors(register):
        register(MyConnector)

Registration hooks receive a ``register`` callback rather than returning values, so
the host can check and name what each plugin hands in (an error says which plugin).
A plugin that raises inside any hook is reported by name (stderr, the audit log and
``shequn plugins``) and the others carry on; during ingest its writes for that batch
are rolled back to a savepoint, so it cannot leave half a change behind.

Every hook is documented with its exact signature in docs/plugins.md and has a
``test_hook_<name>`` test; tests/test_hook_docs.py fails when either is missing.
"""

from __future__ import annotations

import pluggy

hookspec = pluggy.HookspecMarker("shequn")
hookimpl = pluggy.HookimplMarker("shequn")


# --- 1. Registration: called once when a workspace opens -----------------------------


@hookspec
def register_settings(register):
    """Declare a plugin's config section.

    Fires: when the workspace opens, before migrations.
    ``register(section: str, cls: type)``: ``cls`` is a dataclass whose fields (each with
    a docstring under it) describe ``[section]`` in config.toml; ``shequn config check``
    validates the section with it. Returns: nothing. Not firstresult.
    """


@hookspec
def register_migrations(register):
    """Add the plugin's tables.

    Fires: when the workspace opens, before anything reads the store.
    ``register(name: str, fn: Callable[[Store], None])``: ``name`` is recorded as
    ``<plugin>.<name>`` in the ``migrations`` table, so it runs exactly once; keep names
    append-only (``m001_...``, ``m002_...``). ``fn`` runs inside a write transaction;
    use ``shequn.run_script(store, sql)`` for several statements. Returns: nothing.
    """


@hookspec
def register_connectors(register):
    """Provide platform connectors.

    Fires: when the workspace opens. ``register(cls: type[shequn.Connector])``:
    one class per platform name (``cls.platform``); config connections name it in
    ``platform = "..."``. Returns: nothing. Not firstresult.
    """


@hookspec
def register_rule_kinds(register):
    """Provide kinds of rules (conduct rules, entry policies) kept in the ``rules`` table.

    Fires: when the workspace opens. ``register(kind: shequn.RuleKind)``: the
    kind's ``validate(config) -> config`` is called when a rule is saved and raises
    ``ValueError`` with the reason, so a bad rule is refused before it is stored.
    Returns: nothing.
    """


@hookspec
def register_kpis(register):
    """Provide KPIs for reports and the dashboard.

    Fires: when the workspace opens. ``register(kpi: shequn.KpiSpec)``; its
    ``compute(ws, scope="all", since="YYYY-MM-DD", until="YYYY-MM-DD")`` returns a number,
    None (no data) or ``{"value": ..., "note": "..."}``; ``shequn kpi`` and the dashboard
    show it with the previous window of the same length (``console.kpis``).
    Returns: nothing.
    """


@hookspec
def register_labels(register):
    """Provide per-person labels (segments, predicted tags) kept in the plugin's own tables.

    Fires: when the workspace opens. ``register(source: shequn.LabelSource)``:
    Members and profiles read them through ``console.labels.labels(ws, person_ids)``
    beside the core ``tags`` table, never from the plugin's tables. Returns: nothing.
    """


@hookspec
def register_jobs(register):
    """Provide scheduled jobs (rule tags, alerts, flash-group closing, retention...).

    Fires: when the workspace opens. ``register(job: shequn.Job)``; the
    scheduler in ``shequn serve`` (and the console's in-process engine) runs each job
    every ``job.every`` seconds, in a write-safe thread, and records its last run.
    Returns: nothing.
    """


@hookspec
def register_commands(cli):
    """Add CLI verbs.

    Fires: when the ``shequn`` command starts. ``cli`` is the root ``click.Group``; add
    commands or groups to it. Inside a command, ``shequn.cli.workspace()``
    gives the workspace for the ``--config`` in force. Returns: nothing.
    """


@hookspec
def register_screens(register):
    """Add console screens (Textual modes).

    Fires: when the console starts (never in headless runs).
    ``register(screen: shequn.ScreenSpec)``: the spec names a module path
    (``"plugins.x.screens:MyScreen"``) that only the console imports, so the plugin's
    core stays free of Textual. Returns: nothing.
    """


@hookspec
def register_panels(register):
    """Add panels to a console screen (the dashboard, a group's detail).

    Fires: when the console starts. ``register(panel: shequn.PanelSpec)``,
    with a module path the console imports lazily. Returns: nothing.
    """


@hookspec
def register_translations(register):
    """Add strings in other languages.

    Fires: when the workspace opens. ``register(language: str, strings: dict[str, str])``
    where keys are the English strings (or message ids) and values their translation,
    e.g. ``register("zh-CN", {"Cases": "处理记录"})``. Returns: nothing.
    """


# --- 2. Event flow: called by the engine for every ingested batch -----------------------


@hookspec
def process_events(events, ws):
    """Look at newly stored events and propose actions.

    Fires: once per ingest batch, inside the batch's write transaction, after events
    are deduplicated and stored and memberships and rollups updated. ``events`` is a
    ``shequn.EventBatch``: a list of ``shequn.Event`` in arrival order,
    with ``group_id``/``person_id`` resolved and duplicates left out, that also keeps the
    engine's split (``.messages``; ``.others``, every other event in time order: read
    through ``others_of``/``messages_of``, which accept a plain list too). ``ws`` is
    the ``console.workspace.Workspace`` (store, settings, clock, ``audit``, ``add_task``). A plugin may write its own tables here (same
    transaction). Returns: a list of ``shequn.Proposal`` (or None); the host stores
    them in the outbox with the plugin's name as requester. Not firstresult.
    """


@hookspec(firstresult=True)
def decide_join_request(request, ws):
    """Decide a join request: approve, reject with a reason, or hold for a person.

    Fires: once for each new join request, after ``process_events`` for its batch.
    ``request`` is a dict of the ``join_requests`` row (plus ``connection_id``,
    ``platform_group_id``). Returns: a ``shequn.Decision`` or None to let the next
    plugin decide. firstresult: the first non-None answer wins, so a blacklist check
    should be ``tryfirst``. With no answer the request stays pending for a person.
    """


@hookspec
def action_done(action, result, ws):
    """Learn how an outbox action ended.

    Fires: when an action reaches a final state (done, failed, unsupported), outside
    the ingest transaction. ``action`` is the ``actions`` row as a dict, ``result`` a
    ``shequn.ActionResult``. Returns: a list of ``Proposal`` for follow-ups (or None).
    Not firstresult.
    """


@hookspec
def fetch_orders(since, ws):
    """Feed orders from a shop integration.

    Fires: from the ``orders`` job (every 10 minutes in ``serve``) and on
    ``shequn import orders --from-plugins``. ``since`` is a unix time (the last fetch).
    Returns: a list of dicts with ``order_id, amount, ordered_at`` and one of
    ``person_id`` / ``platform`` + ``platform_user_id``, optionally ``group_id``,
    ``product``; the host validates and stores them (duplicates by ``order_id`` ignored).
    """


# --- 3. Workspace lifecycle ----------------------------------------------------------------


@hookspec
def workspace_opened(ws):
    """The workspace is open and migrated.

    Fires: once per process after migrations, before the engine starts. Good for seeding
    default rules or policies the first time. Returns: nothing.
    """
