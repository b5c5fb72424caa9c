"""The Activity screen's audit log in words (console/tui/audit_words.py): who, what happened,
on what and the detail, ids named with a bounded number of queries a page, a code or key the
words do not know kept as stored, and every code and target type the codebase's ``audit(`` calls
write has words (found by reading the source, tests/tui/audit_scan.py, so a new one cannot slip in
untranslated)."""

from __future__ import annotations

import ast
import json
from pathlib import Path

from console.i18n import translate
from console.tui import audit_words
from console.tui.activity_sources import audit_source
from console.tui.audit_words import ACTIONS, PREFIXES, action_words, audit_rows

from .audit_scan import built_codes, written_codes

ROOT = Path(__file__).resolve().parents[2]


def zh_of(ws):
    def t(text, **kw):
        out = translate(text, "zh-CN", ws.registry.translations)
        return out.format(**kw) if kw else out
    return t


def en(text, **kw):
    return text.format(**kw) if kw else text


def _world(ws):
    """Two groups, three people, a send and an approve_join action, a join request of 王五."""
    with ws.store.write() as c:
        c.executemany("INSERT INTO groups(id, connection_id, platform, platform_group_id, name) VALUES (?,?,?,?,?)",
                      [(7, "sandbox", "sandbox", "g7", "宝妈群"), (8, "sandbox", "sandbox", "g8", "读书会")])
        c.executemany("INSERT INTO people(id, display_name, created_at) VALUES (?, ?, 1)",
                      [(21, "张三"), (22, "李四"), (23, "王五")])
        c.executemany("INSERT INTO actions(id, connection_id, kind, requested_by, idempotency_key, created_at,"
                      " updated_at) VALUES (?, 'sandbox', ?, 'outbox', ?, 1, 1)",
                      [(9046, "send", "k1"), (9003, "approve_join", "k2")])
        c.execute("INSERT INTO join_requests(id, connection_id, group_id, person_id, platform_request_id, requested_at)"
                  " VALUES (55, 'sandbox', 8, 23, 'f55', 1)")


def _row(actor, action, ttype, tid, detail):
    return {"id": 1, "ts": 1, "actor": actor, "action": action, "target_type": ttype, "target_id": tid,
            "detail": json.dumps(detail, ensure_ascii=False) if isinstance(detail, dict) else detail}


ROWS = [
    ("outbox", "action_done", "action", "9046", {"kind": "send", "message": "已发送"}),
    ("rule:abuse", "case_opened", "case", "418", {"rule": "abuse", "step": "mute:10", "offence": 2, "group_id": 7,
                                                  "person_id": 21, "category": "abuse word"}),
    ("outbox", "join_request_approved", "join_request", "55", {"action_id": 9003, "platform": "已同意入群",
                                                               "decided_by": "rule:admission:all"}),
    ("operator:root", "blacklist_added", "person", "22", {"scope": "all", "reason": "广告", "case_id": 5, "kicks": 2}),
    ("plugin:content", "frobnicated", "widget", "3", {"source_app": "小程序", "note": "试一下"}),
]


def test_rows_in_chinese(ws):
    _world(ws)
    got = [(r["who"], r["what"], r["on"], r["said"]) for r in audit_rows(ws, [_row(*x) for x in ROWS], zh_of(ws))]
    assert got == [
        ("待执行操作", "操作完成", "发消息 #9046", "平台：已发送"),
        ("规则 abuse", "开立处理记录", "处理记录 #418", "处理：禁言 10 分钟 · 第 2 次违规 · 群 宝妈群 · 成员 张三 · 类别：辱骂用语"),
        ("待执行操作", "入群申请已通过", "申请人 王五", "操作 #9003 · 平台：已同意入群 · 决定者 规则 admission:all"),
        ("操作员 root", "加入黑名单", "李四", "范围 所有群 · 理由：广告 · 处理记录 #5 · kicks: 2"),
        # a code, a target type and a key the words do not know: as stored (the type with spaces), nothing hidden
        ("插件 内容", "frobnicated", "widget #3", "source_app: 小程序 · 备注：试一下"),
    ]


def test_rows_in_english(ws):
    _world(ws)
    got = [(r["who"], r["what"], r["on"], r["said"]) for r in audit_rows(ws, [_row(*x) for x in ROWS], en)]
    assert got == [
        ("outbox", "action done", "send #9046", "platform: 已发送"),
        ("rule abuse", "case opened", "case #418", "step: muted 10 min · offence: 2 · group 宝妈群 · member 张三 · "
                                                   "category: abuse word"),
        ("outbox", "join request approved", "applicant 王五", "action #9003 · platform: 已同意入群 · "
                                                             "decided by rule admission:all"),
        ("operator root", "blacklist added", "李四", "scope all groups · reason: 广告 · case #5 · kicks: 2"),
        ("plugin Content", "frobnicated", "widget #3", "source_app: 小程序 · note: 试一下"),
    ]


def test_ids_nobody_knows_stay_numbers_and_a_detail_not_json_is_shown_as_stored(ws):
    rows = [_row("outbox", "action_done", "action", "77", {"kind": "send"}),
            _row("rule:x", "join_request_hold", "join_request", "78", {"group_id": 99}),
            _row("job:entry_rules.expiry", "join_request_expired", "join_request", "x", "not json"),
            _row("engine", "retention_blanked", "messages", None, {"count": 3}),
            _row("job:entry_rules.expiry", "join_request_expired", "join_request", "79",
                 {"why": "lifetime", "expired_at": 1795697807, "was": "held", "goal": 3})]
    got = [(r["who"], r["what"], r["on"], r["said"]) for r in audit_rows(ws, rows, zh_of(ws))]
    assert got == [("待执行操作", "操作完成", "操作 #77", "类型：发消息"),
                   ("规则 x", "入群申请暂缓", "入群申请 #78", "群 #99"),
                   ("定时任务 entry_rules.expiry", "入群申请已过期", "入群申请 #x", "not json"),
                   ("引擎", "清空过期消息正文", "过期消息", "数量 3"),
                   # a moment in the operator's time zone (12:56:47 UTC is 20:56 in Asia/Shanghai); a key the
                   # catalogue has a word for said with it
                   ("定时任务 entry_rules.expiry", "入群申请已过期", "入群申请 #79",
                    "原因：超过有效期 · 过期于 11-26 20:56 · 原为 暂缓 · 目标：3")]


def test_a_family_code_the_list_lacks_reads_by_its_prefix(ws):
    t = zh_of(ws)
    assert action_words("task_done", t) == "任务已完成"
    assert action_words("task_snoozed", t) == "任务：snoozed"
    assert action_words("join_request_pending", t) == "入群申请：待执行"  # the rest is a word the catalogue has
    assert action_words("task_snoozed", en) == "task snoozed"  # English: the code with spaces
    assert action_words("task_", t) == "task "  # a bare prefix is no code of the family: spaced as stored


def test_a_page_costs_one_query_per_kind_it_names(ws):
    _world(ws)
    for i in range(60):  # a page of the real source: the screen's own path
        ws.audit("action_done", "action", 9046 if i % 2 else 9003, {"kind": "send"}, actor="outbox")
        ws.audit("case_opened", "case", i, {"group_id": 7 + i % 2, "person_id": 21 + i % 3}, actor="rule:abuse")
        ws.audit("join_request_approved", "join_request", 55, {"action_id": 9003}, actor="outbox")
        ws.audit("group_update", "group", 8, {"name": "读书会"})
    src = audit_source(ws)
    statements: list[str] = []
    ws.store.conn.set_trace_callback(statements.append)
    try:
        first = audit_rows(ws, src.rows(0, 100), en)
        n_first = len(statements)
        statements.clear()
        second = audit_rows(ws, src.rows(100, 100), en)
        n_second = len(statements)
    finally:
        ws.store.conn.set_trace_callback(None)
    # the page's own SELECT, then groups, people, actions and join requests: once each, however many rows
    assert n_first == n_second == 5, (n_first, n_second)
    assert {r["on"] for r in first + second} >= {"send #9046", "approve join #9003", "applicant 王五", "读书会"}
    assert {r["said"] for r in second if r["action"] == "case_opened"} == {
        f"group {g} · member {p}" for g in ("宝妈群", "读书会") for p in ("张三", "李四", "王五")}


def test_a_page_with_nothing_to_name_asks_nothing_more(ws):
    rows = [_row("engine", "retention_blanked", "messages", None, {"count": 3}) for _ in range(5)]
    statements: list[str] = []
    ws.store.conn.set_trace_callback(statements.append)
    try:
        audit_rows(ws, rows, en)
    finally:
        ws.store.conn.set_trace_callback(None)
    assert statements == []


# --- every code the codebase writes has words ----------------------------------------------------


def test_the_scan_finds_the_codes_it_should():
    """The scanner itself: literal, conditional, built, appended and stored-in-a-dict codes."""
    found = {(k, v) for k, v, _ in written_codes()}
    assert {("code", "action_done"), ("code", "rule_disabled"), ("code", "case_would_open"),
            ("code", "wechat_join_judged"), ("code", "role_assigned"), ("code", "staff_unmarked"),
            ("prefix", "join_request_"), ("prefix", "role_"), ("code", "action_proposed")} <= found
    assert len({v for k, v in found if k == "code"}) > 90


def _chinese(s):
    return any("\u4e00" <= c <= "\u9fff" for c in s)


def test_every_code_written_has_words(ws):
    """Host or plugin, each code and target type an ``audit(`` call writes reads in zh-CN through the
    workspace's whole catalogue (the host's and every plugin's register_translations); a host-built
    family has its words in PREFIXES, a plugin-built one its codes in ``built_codes``."""
    zh, built = zh_of(ws), built_codes()
    written = written_codes()
    codes = {(v, w) for k, v, w in written if k == "code"}
    codes |= {(c, w) for k, v, w in written if k == "prefix" and w.startswith("plugins/") for c in built.get(v, ())}
    missing = sorted((v, w) for v, w in codes if not _chinese(action_words(v, zh)))
    unknown_families = sorted({(v, w) for k, v, w in written if k == "prefix"
                               and v not in (PREFIXES if w.startswith("console/") else built)})
    unread = sorted({(v, w) for k, v, w in written if k in ("?", "target?")})
    # and each target type, by number and by name (a group or person is named by its number only)
    names = {"group": {7: "宝妈群"}, "person": {7: "张三"}, "action": {7: "send"}, "join_request": {7: "王五"}}
    ids = {"unnumbered": (None,), "membership": ("7:7",), "group": ("7",), "person": ("7",)}
    missing += sorted((tt, i, w) for k, tt, w in written if k in ("target", "unnumbered")
                      for i in ids.get(k, ids.get(tt, ("7", "spring")))
                      if not _chinese(audit_words.target_words({"target_type": tt, "target_id": i}, names, zh)))
    assert not missing, ("audit codes or target types with no zh-CN words: a plugin's go in its own catalogue with "
                         "spaces ('blacklist added', 'content item #{id}', 'holiday {id}'), the host's in ACTIONS or "
                         f"NUMBERED and console/i18n_audit.py: {missing}")
    assert not unknown_families, f"built audit codes with no family (PREFIXES, or audit_scan.built_codes): {unknown_families}"
    assert not unread, f"audit( calls whose code the scan cannot read (make it literal): {unread}"


def test_a_plugins_code_is_its_code_with_spaces_and_the_hosts_keep_their_phrase(ws):
    """Pinned by hand: the host's own code (and target type) by its phrase; a plugin's by its own
    catalogue in zh-CN and with spaces in English; one no catalogue knows, with spaces in both."""
    zh = zh_of(ws)
    said = {c: (action_words(c, zh), action_words(c, en)) for c in (
        "action_done", "join_request_would_have", "blacklist_added", "content_points_spend", "group_capacity_set",
        "wechat_mass_send_expired", "role_unassigned", "frobnicated_widget")}
    assert said == {"action_done": ("操作完成", "action done"),
                    "join_request_would_have": ("试运行：入群审核", "join request (dry run)"),
                    "blacklist_added": ("加入黑名单", "blacklist added"),
                    "content_points_spend": ("积分消费", "content points spend"),
                    "group_capacity_set": ("设置群容量", "group capacity set"),
                    "wechat_mass_send_expired": ("群发已过期", "wechat mass send expired"),
                    "role_unassigned": ("角色已取消", "role unassigned"),
                    "frobnicated_widget": ("frobnicated widget", "frobnicated widget")}
    assert not any(c.startswith(("content_", "blacklist_", "case_", "role_", "wechat_", "entry_policy"))
                   for c in ACTIONS), "the host lists a plugin's code"
    # a target: the host's by its phrase; a plugin's by its catalogue as "<type> #{id}" (a name: "<type> {id}")
    targets = [("content_item", "12"), ("holiday", "2026-10-01"), ("content_keyword_rule", "早安"), ("content", None),
               ("announcement", "3"), ("file", "orders.csv"), ("case", "4")]
    assert [tuple(audit_words.target_words({"target_type": tt, "target_id": i}, {}, t) for t in (zh, en))
            for tt, i in targets] == [
        ("素材 #12", "content item #12"), ("节假日 2026-10-01", "holiday 2026-10-01"),
        ("关键词回复 早安", "content keyword rule 早安"), ("内容计划", "content"), ("群公告 #3", "announcement #3"),
        ("文件 orders.csv", "file orders.csv"), ("处理记录 #4", "case #4")]
    assert not any(tt.startswith(("content", "holiday", "file", "announcement", "activity"))
                   for tt in [*audit_words.NUMBERED, *audit_words.UNNUMBERED]), "the host lists a plugin's target"


def test_a_plugins_detail_keys_are_said_by_its_catalogue(ws):
    """A plugin's own detail key is not in the host's KEYS: its catalogue's "<key with spaces>: {v}"
    says it (content's plan counts, kpi's import counts, moderation's probation); English reads
    ``key: value``."""
    rows = [("plugin:content", "content_planned", "content", None,
             {"queued": 12, "withdrawn": 0, "tasks": 1, "skipped": 2, "missed": 3}),
            ("plugin:kpi", "import_orders", "file", "orders.csv", {"stored": 40, "skipped": 1}),
            ("operator:root", "content_points_adjust", "person", "9", {"delta": -5}),
            ("rule:ads", "case_opened", "case", "4", {"offence": 1, "probation": True})]
    zh = [r["said"] for r in audit_rows(ws, [_row(*x) for x in rows], zh_of(ws))]
    english = [r["said"] for r in audit_rows(ws, [_row(*x) for x in rows], en)]
    assert zh == ["排入 12 条 · 撤下 0 条 · 任务 1 个 · 跳过 2 条 · 错过 3 条", "已存 40 条 · 跳过 1 条", "积分 -5",
                  "第 1 次违规 · 新人观察期：✓"]
    assert english == ["queued: 12 · withdrawn: 0 · tasks: 1 · skipped: 2 · missed: 3", "stored: 40 · skipped: 1",
                       "delta: -5", "offence: 1 · probation: ✓"]
    assert not {"queued", "stored", "delta", "offence", "probation", "items", "schedules"} & audit_words.KEYS.keys()


def test_a_plugins_action_words_change_no_host_word():
    """A plugin's catalogue wins over the host's everywhere (console/i18n.translate): the code
    with spaces (or a detail key's "<key>: {v}") a plugin translates must not be a host string
    with other words."""
    from console.i18n import ZH_CN
    from plugins.content.translations import ZH_CN as CONTENT
    from plugins.douyin.translations import ZH as DOUYIN
    from plugins.entry_rules.i18n_audit import ZH_CN_AUDIT as ENTRY
    from plugins.kpi.i18n import ZH as KPI
    from plugins.moderation.i18n import ZH_CN as MODERATION
    from plugins.roles.words import ZH_CN as ROLES
    from plugins.wechat.translations import ZH as WECHAT

    written = written_codes()
    spaced = {v.replace("_", " ") for k, v, _ in written if k == "code"}
    spaced |= {v.replace("_", " ") + f for k, v, _ in written if k in ("target", "unnumbered") for f in ("", " {id}",
                                                                                                       " #{id}")}
    spaced |= {c.replace("_", " ") for cs in built_codes().values() for c in cs}
    clash = {(k, ZH_CN[k], cat[k]) for cat in (CONTENT, DOUYIN, ENTRY, KPI, MODERATION, ROLES, WECHAT)
             for k in cat.keys() & spaced | {k for k in cat if k.endswith(": {v}")}  # and detail keys' phrases
             if k in ZH_CN and ZH_CN[k] != cat[k]}
    assert clash == set()


def test_every_english_phrase_has_chinese_words(ws):
    phrases = [*ACTIONS.values(), *PREFIXES.values(), *audit_words.ACTORS.values(), *audit_words.NUMBERED.values(),
               *audit_words.UNNUMBERED.values(), *audit_words.KEYS.values(), *audit_words.ACTORS_ALONE.values(),
               *audit_words.PLUGINS.values()]
    # the host's catalogue, or a plugin's for its own name (Content 内容)
    lacking = [p for p in phrases if translate(p, "zh-CN", ws.registry.translations) == p and p != "KPI"]
    assert not lacking, lacking


async def test_the_screen_says_it_in_words_filters_by_the_stored_actor_and_shows_the_record(tui_ws):
    """The Activity screen's audit tab in zh-CN: the newest row in words, ``f rule:`` keeps the rows
    whose stored actor starts with it (every page of them), enter shows the words and the record."""
    from console.tui.detail import DetailScreen
    from console.tui.dialogs import PromptScreen
    from console.tui.vtable import VirtualTable

    from .world import make_app, settle

    gid, gname = tui_ws.store.one("SELECT id, name FROM groups ORDER BY id LIMIT 1").values()
    tui_ws.audit("group_capacity_set", "group", gid, {"capacity": 300, "was": 200})
    rules = tui_ws.store.scalar("SELECT count(*) FROM audit_log WHERE actor LIKE 'rule:%'")
    assert rules, "the seeded world should have rules' audit rows"
    app = make_app(tui_ws, lang="zh-CN")
    async with app.run_test(size=(140, 30)) as pilot:
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        table = app.screen.query_one("#audit", VirtualTable)
        row = table.current_row
        assert (row["who"], row["what"], row["on"], row["said"]) == (
            f"操作员 {tui_ws.operator}", "设置群容量", gname, "容量 300 · 原为 200")
        await pilot.press("enter")
        await settle(pilot)
        detail = app.screen
        assert isinstance(detail, DetailScreen) and detail.title_text == "设置群容量"
        assert any("记录原文" in line and f"group_capacity_set · group:{gid}" in line for line in detail.body)
        assert detail.links == {"group": gid}
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)
        app.screen.query_one("#answer").value = "rule:"
        await pilot.press("enter")
        await settle(pilot)
        table = app.screen.query_one("#audit", VirtualTable)
        assert table.total == rules
        shown = table.source.rows(0, table.total)  # the screen's own source and page function, every row
        assert all(r["actor"].startswith("rule:") and r["who"].startswith("规则 ") for r in shown)


def test_the_audit_words_never_change_anyone_elses():
    """console/i18n_audit.py is merged last into the host's catalogue: a key another catalogue
    (the host's or a plugin's) already translates must keep its words ('all groups' is 所有群 on
    the moderation rules' summary; the audit words once said 全部群 and changed it)."""
    from console.i18n_audit import ZH_CN_AUDIT

    others: dict[str, set[str]] = {}
    for path in [*ROOT.joinpath("console").glob("i18n*.py"), *ROOT.joinpath("plugins").rglob("*.py")]:
        if path.name == "i18n_audit.py":
            continue
        for d in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(d, ast.Dict):
                for k, v in zip(d.keys, d.values):
                    if isinstance(k, ast.Constant) and isinstance(v, ast.Constant) and isinstance(v.value, str):
                        others.setdefault(k.value, set()).add(v.value)
    clash = {k: (others[k], v) for k, v in ZH_CN_AUDIT.items() if k in others and v not in others[k]
             and any(any("\u4e00" <= c <= "\u9fff" for c in o) for o in others[k])}
    assert clash == {}
