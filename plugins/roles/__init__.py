"""roles plugin (being built)."""
