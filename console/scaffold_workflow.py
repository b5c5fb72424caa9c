'''The files of a workflow plugin from ``shequn plugin new NAME --kind workflow``: rules on
events, no platform of its own (console/scaffold.py; the shared files in scaffold_common.py).'''

FILES: dict[str, str] = {}

FILES["shequn___NAME__/counting.py"] = """
\"\"\"What __NAME__ counts and proposes. A workflow brings no connector: it acts on any
platform through the outbox, which checks each connection's capabilities.\"\"\"

from shequn import Proposal, messages_of

CONNECTORS = ()  # a workflow registers none; `shequn plugin new X --kind connector` shows one


def counted(events, ws, settings):
    \"\"\"The messages of the batch that contain the keyword (all of them when it is empty).\"\"\"
    return [e for e in messages_of(events) if e.text and (not settings.keyword or settings.keyword in e.text)]


def proposals(counted, ws, settings):
    \"\"\"One reply per person, group and day: the key makes a second proposal the same action.\"\"\"
    if not settings.reply:
        return []
    return [Proposal("send", "__NAME__: reply to a counted message", group_id=e.group_id,
                     params={"text": settings.reply}, evidence=e.id,
                     key=f"__NAME__:{e.group_id}:{e.person_id}:{ws.day(e.ts)}") for e in counted]
"""

FILES["tests/conftest.py"] = """
import pytest

from shequn.testing import workspace_for_tests

# a connection of the built-in sandbox platform, switched off: events are ingested by hand
CONFIG = '''
[connections.t1]
platform = "sandbox"
enabled = false

[__NAME__]
reply = "收到"
'''


@pytest.fixture
def ws(tmp_path):
    w = workspace_for_tests(tmp_path, CONFIG)
    yield w
    w.close()
"""
