"""qq plugin (being built)."""
