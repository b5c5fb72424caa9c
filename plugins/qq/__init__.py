"""QQ through a OneBot v11 bridge (NapCat, Lagrange.OneBot, LLOneBot, go-cqhttp).

Registers the ``qq`` connector; see docs/connectors/qq.md for pointing a bridge at
shequn. The connection itself is in ``connector.py``; the bridge action for each
request in ``actions.py``; what the bridge's answers mean in ``answers.py``; events
coming in (HTTP POST or WebSocket) in ``intake.py``; message formats in ``cq.py``;
event normalisation in ``normalize.py``.
"""

from console.hookspecs import hookimpl

from .connector import QQConnector

__version__ = "0.1.0"


@hookimpl
def register_connectors(register):
    register(QQConnector)


@hookimpl
def register_translations(register):
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
    })
