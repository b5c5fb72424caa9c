"""The functions the console's KPI panel (and anyone else) calls: plain functions
taking the workspace. The CLI uses the same ones."""

from .alerts import check as check_alerts
from .cohorts import cohorts
from .leaves import leaves
from .metrics import KPIS, by_group, panel
from .segments import member_segment, segments
from .tags import tags
from .window import Scope, Window, make_window

__all__ = ["panel", "by_group", "cohorts", "segments", "member_segment", "tags", "leaves", "check_alerts",
           "KPIS", "Scope", "Window", "make_window"]
