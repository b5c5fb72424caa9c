"""Fixtures of the fake OneBot bridge's own tests: a go-cqhttp-shaped and a NapCat-shaped
bridge with one populated group, and a webhook receiver standing in for the console."""

from __future__ import annotations

import pytest

from .onebot import FakeOneBot
from .onebot_testkit import Receiver, populated


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def bot():
    with populated(FakeOneBot()) as b:
        yield b


@pytest.fixture
def napcat():
    with populated(FakeOneBot(dialect="napcat")) as b:
        yield b
