"""Sandbox connector (being completed: world simulation, demo back-fill)."""

from console.connector import Connector, Option, Pacing
from console.model import ActionRequest, ActionResult, Capability


class SandboxConnector(Connector):
    platform = "sandbox"
    title = "Sandbox (simulated platform)"
    options = (
        Option("seed", "seed of the generator", int, default=42),
        Option("groups", "how many groups", int, default=12),
        Option("members", "how many people", int, default=3000),
        Option("speed", "activity multiplier of live traffic", float, default=60.0),
    )
    capabilities = frozenset(c for c in Capability if c not in (Capability.WELCOME_TEMPLATE, Capability.JOIN_WAY,
                                                                 Capability.STATISTICS))
    intake = frozenset({"poll"})
    pacing = Pacing(rate=20.0, burst=20)
    poll_interval = 1.0

    async def act(self, request: ActionRequest) -> ActionResult:
        return ActionResult.done()
