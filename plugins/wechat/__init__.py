"""WeChat through WeCom (企业微信) customer groups (客户群).

Registers the ``wechat`` connector (``connector.py``): customer groups read through the
WeCom server API, changes pushed as encrypted callbacks (``callbacks.py``,
``crypto.py``, ``normalize.py``), welcome templates and join ways as actions
(``actions.py``), messages as customer-group mass sends the owner confirms in WeCom
(``groupmsg.py``, ``mass_sends.py``), WeCom's statistics kept beside shequn's own (``statistics.py``), and
what ties them to the rest of shequn (``hooks.py``: the entry plugin's welcomes become
WeCom templates, a group WeCom opened through a join way joins its family, notices go
to the group robot); ``shequn wechat`` in ``cli.py``. Setup: docs/connectors/wechat.md.
"""

from shequn import Job, hookimpl

from . import admission, hooks, mass_sends
from .connector import WeChatConnector

__version__ = "0.1.0"


@hookimpl
def register_connectors(register):
    register(WeChatConnector)


@hookimpl
def register_migrations(register):
    from .migrations import MIGRATIONS

    for name, fn in MIGRATIONS:
        register(name, fn)


@hookimpl
def register_jobs(register):
    register(Job("wechat.welcomes", 300, hooks.sync_welcomes,
                 "keep WeCom's welcome templates equal to the welcome policies"))
    register(Job("wechat.notices", 60, hooks.send_notices, "send new alerts to each WeChat connection's group robot"))
    register(Job("wechat.mass_sends", 300, mass_sends.poll,
                 "read WeCom's progress of customer-group mass sends awaiting the owner's confirmation"))
    register(Job("wechat.statistics", 6 * 3600, hooks.pull_statistics,
                 "pull WeCom's daily customer-group statistics (the second source of shequn kpi crosscheck)"))


@hookimpl
def process_events(events, ws):
    hooks.created_groups(ws, events)
    admission.judge_joins(ws, events)  # join scenes and inviters as admission evidence


@hookimpl
def action_done(action, result, ws):
    if action.get("kind") == "set_welcome" and ws.connector_class(action["connection_id"]) is WeChatConnector:
        hooks.welcome_done(ws, action, result)
    elif action.get("kind") in ("send", "announce") and ws.connector_class(action["connection_id"]) is WeChatConnector:
        mass_sends.recorded(ws, action, result)
    elif action.get("kind") == "join_way":
        hooks.join_way_done(ws, action, result)


@hookimpl
def register_commands(cli):
    from .cli import wechat_group

    cli.add_command(wechat_group)


@hookimpl
def register_translations(register):
    from .translations import ZH

    register("zh-CN", ZH)
