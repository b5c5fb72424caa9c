"""Default policies, written once per workspace (an operator's later edits are never
overwritten: the meta key ``entry_rules.seeded`` records that seeding happened).

The defaults admit by referral or by an admin's invitation and hold everyone else for a
person (nobody is rejected by a default they did not choose; a campaign's keywords and
codes are the operator's, added with ``api.add_campaign``). Traffic groups (引流群) are
the exception: their goal is follower growth, so they are open to anyone the door check
(blacklist, recent penalties) lets through, and newcomer probation deals with whoever
posts an ad first; holding "进群看看" there only loses the follower. Welcome newcomers per
group type, and route newcomers of a full group to its siblings. The nickname format is
seeded switched off: its fields depend on the operation.
"""

from __future__ import annotations

import json

from .policies import PLUGIN, VALIDATORS

DEFAULTS = [
    ("admission:all", "admission", "all", "", True,
     {"modes": ["referral", "invite"], "combine": "any", "on_fail": "hold"}),
    ("admission:type:traffic", "admission", "type", "traffic", True,
     {"modes": ["open"], "combine": "any", "on_fail": "hold"}),
    ("welcome:type:traffic", "welcome", "type", "traffic", True,
     {"template": "欢迎 {nickname} 加入「{group}」！先看看群公告，有问题随时问～ {rules}"}),
    ("welcome:type:welfare", "welcome", "type", "welfare", True,
     {"template": "欢迎 {nickname} 来到「{group}」福利群！每天都有专属优惠，记得关注群公告。{rules}"}),
    ("welcome:type:flash", "welcome", "type", "flash", True,
     {"template": "欢迎 {nickname}！「{group}」是限时快闪群，活动结束后关闭，抓紧参与哦。{rules}"}),
    ("overflow:all", "overflow", "all", "", True, {"threshold": 1.0, "auto_create": True}),
    ("nickname:all", "nickname", "all", "", False, {"template": "{city}-{name}"}),
]


def seed_defaults(ws) -> int:
    if ws.read_only or ws.store.get_meta("entry_rules.seeded"):
        return 0
    n = 0
    with ws.store.write() as c:
        for name, kind, st, sv, enabled, cfg in DEFAULTS:
            clean = VALIDATORS[kind](cfg)
            cur = c.execute("INSERT OR IGNORE INTO rules(name, plugin, kind, scope_type, scope_value, config, enabled,"
                            " updated_by, updated_at) VALUES (?,?,?,?,?,?,?,?,?)",
                            (name, PLUGIN, kind, st, sv, json.dumps(clean, ensure_ascii=False), int(enabled),
                             f"plugin:{PLUGIN}", ws.now()))
            n += cur.rowcount
        c.execute("INSERT INTO meta(key, value) VALUES ('entry_rules.seeded', ?)"
                  " ON CONFLICT(key) DO UPDATE SET value = excluded.value", (str(ws.now()),))
        ws.audit("entry_policies_seeded", "plugin", PLUGIN, {"rules": n}, actor=f"plugin:{PLUGIN}")
    return n
