"""WeChat through WeCom (企业微信) customer groups (客户群).

Registers the ``wechat`` connector (``connector.py``): customer groups read through the
WeCom server API, changes pushed as encrypted callbacks (``callbacks.py``,
``crypto.py``, ``normalize.py``), welcome templates and join ways as actions
(``actions.py``), WeCom's statistics kept beside shequn's own (``statistics.py``), and
what ties them to the rest of shequn (``hooks.py``: the entry plugin's welcomes become
WeCom templates, a group WeCom opened through a join way joins its family, notices go
to the group robot). Setup: docs/connectors/wechat.md.
"""

from console.hookspecs import hookimpl

from .connector import WeChatConnector

__version__ = "0.1.0"


@hookimpl
def register_connectors(register):
    register(WeChatConnector)


@hookimpl
def register_translations(register):
    from .translations import ZH

    register("zh-CN", ZH)
