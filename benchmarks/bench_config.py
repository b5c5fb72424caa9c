"""The sandbox workspace the ingest and rules benchmarks share (one seed, 12 groups,
3,000 members), so their figures describe the same traffic."""

SANDBOX_CONFIG = """
[operator]
name = "bench"
timezone = "Asia/Shanghai"
[database]
path = "{db}"
[connections.sandbox]
platform = "sandbox"
enabled = true
seed = 42
groups = 12
members = 3000
"""
