"""entry_rules plugin (being built)."""
