"""kpi plugin (being built)."""
