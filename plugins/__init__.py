"""Built-in plugins. Each registers through the ``shequn`` entry-point group exactly as a
third party's plugin would (see pyproject.toml), and uses no private host API."""
