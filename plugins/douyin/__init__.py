"""Douyin fan groups (抖音粉丝群) through the Douyin open platform.

Registers the ``douyin`` connector (``connector.py``; see docs/connectors/douyin.md for
the account types that may use it, authorising it and what the platform cannot do). Its
parts: OAuth tokens in ``oauth.py``, the platform's answers in ``answers.py``, actions in
``actions.py``, webhooks in ``webhook.py`` and ``normalize.py``, tasks for a person in
``notices.py``; the greeting kept in step with the entry plugin's welcome in ``hooks.py``
(members first seen speaking are counted by the host: console/headcount.py); the ``shequn
douyin`` verbs in ``cli.py``; zh-CN words in ``translations.py``.
"""

from shequn import Job, hookimpl

from . import hooks
from .connector import DouyinConnector
from .translations import ZH

__version__ = "0.1.0"


@hookimpl
def register_connectors(register):
    register(DouyinConnector)


@hookimpl
def register_migrations(register):
    register("m001_seen_speaking", hooks.m001_seen_speaking)
    register("m002_greetings", hooks.m002_greetings)


@hookimpl
def register_jobs(register):
    register(Job("douyin.greetings", 3600, hooks.greetings_job,
                 "keep each Douyin fan group's greeting (入群欢迎语) in step with its welcome policy"))


@hookimpl
def register_commands(cli):
    from .cli import douyin_group

    cli.add_command(douyin_group)


@hookimpl
def register_translations(register):
    register("zh-CN", ZH)
