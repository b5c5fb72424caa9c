"""shequn: a console for people who run private communities (社群).

The host lives in this package: plugin contract, store, engine, outbox, config, CLI.
It knows no platform and no business rule; every feature is a plugin in ``plugins/``.
Nothing outside ``console/tui/`` imports Textual, so the host runs headless.
"""

__version__ = "0.1.0"
