"""QQ through a OneBot v11 bridge (NapCat, Lagrange.OneBot, LLOneBot, go-cqhttp).

Registers the ``qq`` connector; see docs/connectors/qq.md for pointing a bridge at
shequn. The connection itself is in ``connector.py``; the bridge action for each
request in ``actions.py``; what the bridge's answers mean in ``answers.py``; events
coming in (HTTP POST or WebSocket) in ``intake.py``, the bridge dialling shequn
(reverse WebSocket) in ``reverse_ws.py``; message formats in ``cq.py``;
event normalisation in ``normalize.py`` (the notices each bridge says its own way in
``dialects.py``, cards in ``cards.py``, names asked of the bridge in ``lookups.py``);
invitations of the bot and the account pushed offline in ``hooks.py``; the ``[qq]``
section in ``settings.py``.
"""

from shequn import Job, hookimpl

from . import hooks
from .connector import QQConnector
from .settings import SECTION, QQSettings

__version__ = "0.1.0"


@hookimpl
def register_connectors(register):
    register(QQConnector)


@hookimpl
def register_settings(register):
    register(SECTION, QQSettings)


@hookimpl
def register_jobs(register):
    register(Job("qq.invitations", 3600, hooks.expire_held_invitations,
                 "mark invitations of the bot that the platform has forgotten expired"))


@hookimpl
def process_events(events, ws):
    hooks.process_events(events, ws)


@hookimpl
def action_done(action, result, ws):
    hooks.action_done(action, result, ws)


@hookimpl
def register_translations(register):
    register("zh-CN", {"account offline": "账号离线"})  # an alert kind (console.words.kind_text)
    register("zh-CN", {
        "QQ (OneBot v11 bridge: NapCat, Lagrange, go-cqhttp)": "QQ（OneBot v11 桥接：NapCat、Lagrange、go-cqhttp）",
        "the bridge refused the access token": "桥接端拒绝了 access token",
        "the bridge is unreachable": "无法连接桥接端",
        "no heartbeat from the bridge": "桥接端无心跳",
        "queued by the bridge": "已由桥接端排队发送",
        "does not support": "不支持",
        "unsigned event refused": "已拒绝未签名的事件",
        "forged or mis-signed event refused": "已拒绝签名不符的事件",
        "reconciled: no longer a member of the group": "核对：已不在群内",
        "reconciled: already muted": "核对：已禁言",
        "reconciled: already a member": "核对：已是群成员",
        "QQ logged the account of connection {connection} out: {words}": "QQ 已将连接 {connection} 的账号下线：{words}",
        "The bridge reported bot_offline; nothing is sent or received until the account logs in again on the bridge.":
            "桥接端报告 bot_offline（账号被下线）；在账号重新登录桥接端之前，不会收发任何消息。",
        "no reason given": "未说明原因",
        "Invited by {person}, whom {rule} lists": "邀请人 {person} 在 {rule} 名单中",
        "events from the bridge could not be stored ({why})": "桥接端发来的事件无法入库（{why}）",
        "the reverse WebSocket was closed so the bridge reconnects": "已关闭反向 WebSocket，桥接端会重新连接",
        "the bridge closed its reverse WebSocket ({role})": "桥接端关闭了反向 WebSocket（{role}）",
        "the bridge has not connected its reverse WebSocket (and no base_url is set)":
            "桥接端尚未连接反向 WebSocket（且未设置 base_url）",
        "waiting for the bridge to connect its reverse WebSocket": "等待桥接端连接反向 WebSocket",
        "the bridge's reverse WebSocket closed before the request was sent": "请求发出前桥接端的反向 WebSocket 已关闭",
    })
