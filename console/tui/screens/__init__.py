"""The console's core screens (one per mode) and the pushed detail screens."""
