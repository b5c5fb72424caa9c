"""The Workflows screen and a join request's detail say a policy and a deciding rule in
words, as `shequn entry show` and `shequn joins` do: a group-scoped policy by its group's
name (群：好物群, not 群：4), a rule's code (admission:all, entry:referral_depth,
door_check) as its kind and scope or as the catalogue says it. Expected text written by
hand from the host's words and the plugins' catalogues."""

from __future__ import annotations

from console.i18n import translate
from console.tui.detail_queries import join_request
from console.tui.vtable import VirtualTable

from .world import NOW, make_app, settle


def _group_policy(ws, name: str | None = "vip-welcome") -> int:
    """A welcome for one group, renamed 好物群, saved under a name of the operator's own or,
    with none, under its default name welcome:group:ID."""
    from plugins.entry_rules.api import save_policy

    gid = ws.store.scalar("SELECT id FROM groups ORDER BY id LIMIT 1")
    with ws.store.write() as c:
        c.execute("UPDATE groups SET name = '好物群' WHERE id = ?", (gid,))
    save_policy(ws, "welcome", {"template": "欢迎 {nickname}"}, scope=f"group:{gid}", name=name)
    return gid


def test_a_join_requests_deciding_rule_reads_in_words(tui_ws):
    gid = _group_policy(tui_ws)
    rules = {"admission:all": ("入群审核 · 所有群", "admission · all groups"),
             "entry:referral_depth": ("推荐层级上限（法律红线）", "entry referral depth"),
             "entry:family": ("同一群矩阵限进一个群", "entry family"),
             "door_check": ("入群前核查", "door check"), "blacklist": ("拉黑", "blacklist"),
             "vip-welcome": ("欢迎语 · 群：好物群", "welcome · group: 好物群"),
             "ads": ("广告", "ads")}
    with tui_ws.store.write() as c:
        c.executemany("INSERT INTO join_requests(connection_id, platform_request_id, group_id, requested_at, status,"
                      " rule, decided_by) VALUES ('sandbox', ?, ?, ?, 'rejected', ?, ?)",
                      [(f"w{i}", gid, NOW - 60, rule, f"rule:{rule}") for i, rule in enumerate(rules)])
    ids = {r["rule"]: r["id"] for r in tui_ws.store.query("SELECT id, rule FROM join_requests WHERE"
                                                           " platform_request_id LIKE 'w%'")}
    extra = tui_ws.registry.translations

    def zh(s, **k):
        return translate(s, "zh-CN", extra).format(**k)

    def en(s, **k):
        return s.format(**k)

    for rule, (zh_words, en_words) in rules.items():
        for t, words, sep in ((zh, zh_words, "："), (en, en_words, ": ")):  # zh-CN's colon: full-width, no space
            body = join_request(tui_ws, ids[rule], t)["body"]
            said = next(line for line in body if line.startswith(f"[b]{t('rule')}[/]{sep}"))
            assert said == f"[b]{t('rule')}[/]{sep}{words}", (rule, said)
            by = next(line for line in body if line.startswith(f"[b]{t('decided by')}[/]{sep}"))
            assert by == f"[b]{t('decided by')}[/]{sep}{t('rule')}{sep}{words}", (rule, by)
    assert zh(": ") == "：" and zh("decided by") == "决定人"  # the decider reads 规则：入群前核查, not rule:door_check


async def test_the_policies_tab_names_a_groups_policy_by_the_groups_name(tui_ws):
    gid = _group_policy(tui_ws, None)
    app = make_app(tui_ws, lang="zh-CN")
    async with app.run_test(size=(140, 30)) as pilot:
        await pilot.press("w")
        await settle(pilot)
        for tab, table_id in (("2", "policies"), ("3", "welcomes")):
            await pilot.press(tab)
            await settle(pilot)
            table = app.screen.query_one(f"#{table_id}", VirtualTable)
            row = next(i for i, r in enumerate(table.source.rows(0, 50)) if r["name"] == f"welcome:group:{gid}")
            drawn = "".join(s.text for s in table.render_line(row + 1))
            # the rule column and the scope column both name the group
            assert drawn.count("群：好物群") == 2 and f"群：{gid}" not in drawn, (table_id, drawn)
            assert drawn.strip().startswith("欢迎语 · 群：好物群"), (table_id, drawn)
        await pilot.press("2")
        await settle(pilot)
        policies = app.screen.query_one("#policies", VirtualTable)
        lines = ["".join(s.text for s in policies.render_line(i + 1)) for i in range(policies.total)]
        assert any(line.strip().startswith("入群审核 · 类型：引流群 ") for line in lines), lines
        assert any("满员分流 · 所有群" in line for line in lines), lines


async def test_a_policys_line_and_its_detail_say_it_in_words(tui_ws):
    """The line under the Policies table was the raw config ("modes: referral, invite, activity",
    "combine: any"); it is the summary `shequn entry show` prints and the state, with the
    editor (E) for the whole config. Enter shows the policy in words too. By hand, both languages."""
    zh_does, en_does = "推荐制 / 邀请制 / 活动码（满足其一即可）", "referral / invite-only / activity code (any of them)"
    want = {"zh-CN": (f"{zh_does} · 已启用\n按 E 查看和修改完整配置", "入群审核 · 所有群",
                      ["规则：入群审核 · 所有群", "类型：入群审核", "范围：所有群", "状态：已启用", f"作用：{zh_does}",
                       "操作人：插件：沙盒"]),
            "en": (f"{en_does} · enabled\nE shows and edits its whole config", "admission · all groups",
                   ["rule: admission · all groups", "kind: admission", "scope: all groups", "state: enabled",
                    f"does: {en_does}", "by: plugin: sandbox"])}
    for lang, (line, title, body) in want.items():
        app = make_app(tui_ws, lang=lang)
        async with app.run_test(size=(140, 30)) as pilot:
            await pilot.press("w", "2")
            await settle(pilot)
            assert app.screen.query_one("#policies", VirtualTable).current_row["name"] == "admission:all"
            assert str(app.screen.query_one("#policy-detail").render()) == line
            await pilot.press("enter")
            await settle(pilot)
            assert app.screen.title_text == title
            assert str(app.screen.query_one("#detail-body").render()).splitlines()[:6] == body
    app = make_app(tui_ws, lang="zh-CN", read_only=True)  # E refuses there: not offered
    async with app.run_test(size=(140, 30)) as pilot:
        await pilot.press("w", "2")
        await settle(pilot)
        assert str(app.screen.query_one("#policy-detail").render()) == f"{zh_does} · 已启用"
