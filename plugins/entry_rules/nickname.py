"""Checking group nicknames (群名片) against the group's nickname format.

On a join or a nickname change a misnamed member gets a reminder (a ``send`` mentioning
them) and a grace period. When it has passed and the nickname is still wrong, the job
proposes ``set_card`` with a nickname built from what shequn knows (people.city, the
display name, tags named like the fields, their role, the policy's defaults), where
the platform can set it; otherwise, or when a field has no known value, the group's
owner gets a ``fix_nickname`` task.

The reminder is for members, in their group's language (console.member_text): the
format is shown in words (``{city}-{name}`` reads 城市-名字), its example is a nickname a
person would write (上海-小明, or what shequn would set), and a sentence whose value is
unknown (the member's name) is left out rather than sent with a hole.
"""

from __future__ import annotations

import json
from typing import Any

from shequn.people import for_members
from shequn import Capability, Proposal

from .i18n import tr
from .nickname_format import NicknameFormat, compile_format
from .policies import policy_for
from .settings import settings_of
from .templates import render_for_members

ROLE_WORDS = {"lead": "总负责人", "owner": "群主", "admin": "管理员", "kol": "KOL", "cheer": "气氛组"}
#: A format's fields in words a member understands, and a sample value of each, per language.
FIELD_WORDS = {
    "zh-CN": {"city": ("城市", "上海"), "name": ("名字", "小明"), "nickname": ("昵称", "小明"),
              "occupation": ("职业", "设计师"), "job": ("职业", "设计师"), "role": ("身份", "学员"),
              "age": ("年龄", "25"), "gender": ("性别", "女"), "sex": ("性别", "女"), "school": ("学校", "复旦"),
              "company": ("公司", "星辰科技"), "industry": ("行业", "教育"), "region": ("地区", "华东"),
              "province": ("省份", "江苏"), "grade": ("年级", "大二"), "major": ("专业", "会计")},
    "en": {"city": ("city", "Shanghai"), "name": ("name", "Ming"), "nickname": ("nickname", "Ming"),
           "occupation": ("occupation", "designer"), "job": ("job", "designer"), "role": ("role", "student"),
           "age": ("age", "25"), "gender": ("gender", "F"), "sex": ("sex", "F"), "school": ("school", "Fudan"),
           "company": ("company", "Xingchen"), "industry": ("industry", "education"), "region": ("region", "East"),
           "province": ("province", "Jiangsu"), "grade": ("grade", "sophomore"), "major": ("major", "accounting")},
}


def format_words(fmt: NicknameFormat, language: str) -> tuple[str, str]:
    """The format in words (城市-名字) and an example a person would write (上海-小明) in
    ``language``; the example falls back to the format's own when a field has no sample."""
    words = FIELD_WORDS.get(language, FIELD_WORDS["zh-CN"])
    shown = fmt.template
    for name in fmt.names:
        shown = shown.replace("{" + name + "}", words.get(name, (name, ""))[0])
    sample = fmt.build({n: words[n][1] for n in fmt.names if n in words}) if all(n in words for n in fmt.names) else None
    return shown, sample if sample and fmt.matches(sample) else fmt.example
_cache: dict[tuple[str, str], NicknameFormat] = {}


def format_of(policy: dict[str, Any]) -> NicknameFormat:
    cfg = policy["config"]
    key = (policy["name"], json.dumps(cfg, sort_keys=True, ensure_ascii=False))
    fmt = _cache.get(key)
    if fmt is None:
        fmt = compile_format(cfg["template"], cfg.get("fields"), example=cfg.get("example", ""), max_length=10_000)
        if len(_cache) > 256:
            _cache.clear()
        _cache[key] = fmt
    return fmt


def suggest(ws, group: dict[str, Any], person_id: int, fmt: NicknameFormat, cfg: dict[str, Any]) -> str | None:
    """A nickname in the format from known facts, or None when a field has no known value."""
    person = ws.store.one("SELECT display_name, city FROM people WHERE id = ?", (person_id,)) or {}
    values: dict[str, str] = dict(cfg.get("defaults", {}))
    for tag in ws.store.query("SELECT tag, value FROM tags WHERE person_id = ? AND value != ''", (person_id,)):
        if tag["tag"] in fmt.names:
            values[tag["tag"]] = tag["value"]
    role = ws.store.scalar("SELECT role FROM roles WHERE person_id = ? AND (group_id = ? OR group_id IS NULL)"
                           " ORDER BY group_id IS NULL, id LIMIT 1", (person_id, group["id"]))
    if role:
        values["role"] = ROLE_WORDS.get(role, role)
    if person.get("city"):
        values["city"] = person["city"]
    if person.get("display_name"):
        values.setdefault("name", person["display_name"])
        values.setdefault("nickname", person["display_name"])
    return fmt.build(values)


def check_member(ws, group: dict[str, Any], person_id: int, nickname: str, ts: int, evidence: str) -> list[Proposal]:
    pol = policy_for(ws, group, "nickname")
    if pol is None or group["status"] != "active":
        return []
    fmt = format_of(pol)
    open_row = ws.store.one("SELECT * FROM entry_nickname_checks WHERE group_id = ? AND person_id = ?",
                            (group["id"], person_id))
    if fmt.matches(nickname or ""):
        if open_row and open_row["status"] in ("reminded", "fixing", "task"):
            with ws.store.write() as c:
                c.execute("UPDATE entry_nickname_checks SET status = ?, nickname = ?, resolved_at = ? WHERE id = ?",
                          ("fixed" if open_row["status"] == "fixing" else "ok", nickname, ts, open_row["id"]))
        return []
    if open_row and open_row["status"] in ("reminded", "fixing", "task"):
        with ws.store.write() as c:  # still wrong: keep the original deadline, no second reminder
            c.execute("UPDATE entry_nickname_checks SET nickname = ? WHERE id = ?", (nickname, open_row["id"]))
        return []
    s = settings_of(ws)
    cfg = pol["config"]
    suggestion = suggest(ws, group, person_id, fmt, cfg) or ""
    with ws.store.write() as c:
        c.execute("INSERT INTO entry_nickname_checks(group_id, person_id, rule, nickname, suggestion, status,"
                  " noticed_at, due_at) VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(group_id, person_id) DO UPDATE SET"
                  " rule = excluded.rule, nickname = excluded.nickname, suggestion = excluded.suggestion,"
                  " status = 'reminded', noticed_at = excluded.noticed_at, due_at = excluded.due_at, resolved_at = NULL",
                  (group["id"], person_id, pol["name"], nickname or "", suggestion, "reminded", ts,
                   ts + s.nickname_grace_seconds))
        cid = c.execute("SELECT id FROM entry_nickname_checks WHERE group_id = ? AND person_id = ?",
                        (group["id"], person_id)).fetchone()[0]
        ws.audit("nickname_misformatted", "membership", f"{group['id']}:{person_id}",
                 {"nickname": nickname, "format": fmt.template, "suggestion": suggestion},
                 actor=f"rule:{pol['name']}")
    user = ws.store.scalar("SELECT platform_user_id FROM identities WHERE person_id = ? AND platform = ?"
                           " ORDER BY id LIMIT 1", (person_id, group["platform"]))
    shown, example = format_words(fmt, for_members(ws, group).language)
    text = render_for_members(cfg.get("reminder", ""), {
        "nickname": "" if nickname == user and nickname.isdigit() else nickname, "format": shown, "example": suggestion or example,
        "group": group["name"], "grace_minutes": max(1, s.nickname_grace_seconds // 60)})
    if not text:
        return []
    return [Proposal(kind="send", reason=tr(ws, "Nickname {nickname} does not follow {format}", nickname=nickname,
                                            format=fmt.template),
                     group_id=group["id"], person_id=person_id,
                     params={"text": text, "mentions": [user] if user else []}, rule=pol["name"],
                     evidence=f"nickname_check:{cid}:{ts}", dry_run=bool(pol["dry_run"]))]


def fix_due(ws) -> list[Proposal]:
    """Members whose grace period is over: propose set_card, or a task for the owner."""
    now = ws.now()
    proposals: list[Proposal] = []
    for chk in ws.store.query("SELECT * FROM entry_nickname_checks WHERE status = 'reminded' AND due_at <= ?"
                              " ORDER BY id", (now,)):
        group = ws.store.one("SELECT * FROM groups WHERE id = ?", (chk["group_id"],))
        m = ws.store.one("SELECT status, group_nickname FROM memberships WHERE group_id = ? AND person_id = ?",
                         (chk["group_id"], chk["person_id"]))
        pol = policy_for(ws, group, "nickname") if group else None
        if not m or m["status"] != "member" or pol is None:
            _set(ws, chk["id"], "left" if not m or m["status"] != "member" else "ok", now)
            continue
        fmt = format_of(pol)
        current = m["group_nickname"] or chk["nickname"]
        if fmt.matches(current):
            _set(ws, chk["id"], "ok", now)
            continue
        suggestion = suggest(ws, group, chk["person_id"], fmt, pol["config"])
        can = Capability.SET_CARD in ws.group_capabilities(group["id"])
        if suggestion and can and pol["config"].get("auto_fix", True):
            proposals.append(Proposal(
                kind="set_card", reason=tr(ws, "Grace period over: nickname {old} set to {new}", old=current,
                                           new=suggestion),
                group_id=group["id"], person_id=chk["person_id"], params={"card": suggestion}, rule=pol["name"],
                evidence=f"nickname_check:{chk['id']}", dry_run=bool(pol["dry_run"])))
            # in dry-run the outbox only records the would-have action: nothing will come back
            with ws.store.write() as c:
                c.execute("UPDATE entry_nickname_checks SET status = ?, suggestion = ?, resolved_at = ? WHERE id = ?",
                          ("ok" if pol["dry_run"] else "fixing", suggestion, now if pol["dry_run"] else None,
                           chk["id"]))
        else:
            why = (tr(ws, "the platform cannot set group nicknames") if not can else
                   tr(ws, "automatic fixing is off for this format") if suggestion else
                   tr(ws, "shequn does not know every field of the format for this member"))
            name = ws.store.scalar("SELECT display_name FROM people WHERE id = ?", (chk["person_id"],), "")
            ws.add_task("fix_nickname", tr(ws, "Fix the group nickname of {name} in {group}", name=name,
                                           group=group["name"]),
                        detail=tr(ws, "Now {old!r}; format {format}; suggested {new!r} ({why})", old=current,
                                  format=fmt.template, new=suggestion or "", why=why),
                        group_id=group["id"], person_id=chk["person_id"], source=f"rule:{pol['name']}",
                        dedupe_key=f"fix_nickname:{chk['id']}:{chk['noticed_at']}")
            _set(ws, chk["id"], "task", None)
    return proposals


def _set(ws, check_id: int, status: str, resolved_at: int | None) -> None:
    with ws.store.write() as c:
        c.execute("UPDATE entry_nickname_checks SET status = ?, resolved_at = ? WHERE id = ?",
                  (status, resolved_at, check_id))


def set_card_done(ws, action: dict[str, Any]) -> None:
    """The outbox finished a set_card we proposed: record the fix, or hand it to the owner."""
    ev = action.get("evidence") or ""
    if not ev.startswith("nickname_check:"):
        return
    cid = int(ev.split(":")[1])
    if action["status"] == "done":
        params = json.loads(action.get("params") or "{}")
        with ws.store.write() as c:
            c.execute("UPDATE entry_nickname_checks SET status = 'fixed', nickname = ?, resolved_at = ? WHERE id = ?",
                      (params.get("card", ""), ws.now(), cid))
    else:
        chk = ws.store.one("SELECT * FROM entry_nickname_checks WHERE id = ?", (cid,))
        if chk:
            ws.add_task("fix_nickname", tr(ws, "Fix a group nickname by hand"),
                        detail=tr(ws, "Setting it to {new!r} failed: {error}", new=chk["suggestion"],
                                  error=action.get("last_error") or ""),
                        group_id=chk["group_id"], person_id=chk["person_id"], source="plugin:entry_rules",
                        dedupe_key=f"fix_nickname:{cid}:failed")
            _set(ws, cid, "task", None)
