"""The console (Textual). The only place, with plugins' screens.py/panels.py, that imports Textual.

``launch.run_console`` is what ``shequn`` runs; it imports Textual only when called."""
