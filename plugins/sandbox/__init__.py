"""The sandbox: a simulated platform so a new workspace is alive on first run."""

from console.hookspecs import hookimpl

from .connector import SandboxConnector

__version__ = "0.1.0"


@hookimpl
def register_connectors(register):
    register(SandboxConnector)
