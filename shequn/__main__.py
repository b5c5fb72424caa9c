"""``python -m shequn`` and the ``shequn`` command (the console script's entry point)."""

from __future__ import annotations


def main(argv: list[str] | None = None) -> None:
    from console.cli import main as run

    run(argv)


if __name__ == "__main__":
    main()
