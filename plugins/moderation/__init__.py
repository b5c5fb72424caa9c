"""moderation plugin (being built)."""
