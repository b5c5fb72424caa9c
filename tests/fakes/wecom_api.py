"""The fake WeCom's HTTP API: gettoken, the token check on every route, the customer-group
routes, statistics, welcome templates, join ways and the group robot webhook, with the
fault injection of shared/PROTOCOLS.md 2.12 (a mixin of :class:`FakeWeCom`).

Every answer is a 200 with ``{"errcode", "errmsg", ...}`` as WeCom's are; a fault may
instead drop the connection, answer HTTP 500, or answer late.
"""

from __future__ import annotations

import asyncio
import base64
import json
from typing import Any, Callable
from urllib.parse import parse_qs

from .wecom_state import DAY, STAT_FIELDS, WeComError, midnight

FAULTS = {"busy": (-1, "system busy"), "freq": (45009, "api freq out of limit"),
          "concurrent": (45033, "api concurrent out of limit"), "denied": (48002, "api forbidden"),
          "expired": (42001, "access_token expired")}
FAULT_KINDS = (*FAULTS, "slow", "reset", "http500")
PREFIX = "/cgi-bin/"


class WeComApi:
    """Needs the fake's ``state``, ``corp_id``, ``secrets``, ``_lock``, ``clock``, ``calls``,
    token fields and fault queue (see wecom.py)."""

    async def _http(self, scope: dict, receive: Callable, send: Callable) -> None:
        body = b""
        while True:
            msg = await receive()
            if msg["type"] == "http.disconnect":
                return
            body += msg.get("body", b"")
            if not msg.get("more_body"):
                break
        query = {k: v[-1] for k, v in parse_qs(scope.get("query_string", b"").decode(), keep_blank_values=True).items()}
        path = scope["path"]
        if not path.startswith(PREFIX):
            await _respond(send, 404, b"not found", "text/plain")
            return
        route = path[len(PREFIX):]
        try:
            params = json.loads(body) if body.strip() else {}
        except ValueError:
            params = None
        with self._lock:
            self.calls.append((route, dict(query), params))
            fault = self._faults.pop(0) if self._faults and route != "gettoken" else None
        if fault == "reset":
            await _abort(send)
            return
        if fault == "http500":
            await _respond(send, 500, b"Internal Server Error", "text/plain")
            return
        if fault == "slow":
            await asyncio.sleep(self.slow_seconds)
        try:
            if fault in FAULTS:
                raise WeComError(*FAULTS[fault])
            if not isinstance(params, dict):
                raise WeComError(47001, "data format error")
            if route == "gettoken":
                answer = self._gettoken(query)
            elif route == "webhook/send":
                answer = self._robot(query, params)
            else:
                self._check_token(query)
                handler = ROUTES.get(route)
                if handler is None:
                    raise WeComError(60011, f"no privilege to access/modify contact/party/agent: {route}")
                answer = handler(self, params)
        except WeComError as e:
            answer = {"errcode": e.errcode, "errmsg": e.errmsg}
        else:
            bare = answer.pop("__no_envelope__", False)  # gettoken seen without errcode/errmsg
            answer = answer if bare else {"errcode": 0, "errmsg": "ok", **answer}
        await _respond(send, 200, json.dumps(answer, ensure_ascii=False).encode())

    # --- access token (2.1) ----------------------------------------------------------------------

    def _gettoken(self, query: dict[str, str]) -> dict[str, Any]:
        with self._lock:
            self.token_calls += 1
            if query.get("corpid") != self.corp_id:
                raise WeComError(40013, "invalid corpid")
            if query.get("corpsecret") not in self.secrets:
                raise WeComError(40001, "invalid credential, access_token is invalid or not latest")
            now = self.clock()
            if self.token is None or now >= self.token_expires:
                self._token_seq += 1
                self.token = f"TOKEN-{self._token_seq}-" + base64.urlsafe_b64encode(self.corp_id.encode()).decode()
                self.token_expires = now + self.token_ttl
            answer = {"access_token": self.token, "expires_in": int(self.token_expires - now)}
            if self.gettoken_without_errcode:  # seen in real answers: no errcode field at all
                return {"__no_envelope__": True, **answer}
            return answer

    def _check_token(self, query: dict[str, str]) -> None:
        with self._lock:
            given = query.get("access_token")
            if not given:
                raise WeComError(41001, "access_token missing")
            if self._force_token_error:
                code, self._force_token_error = self._force_token_error, 0
                self.token = None
                raise WeComError(code, "access_token expired" if code == 42001 else "invalid access_token")
            if given != self.token:
                raise WeComError(40014, "invalid access_token")
            if self.clock() >= self.token_expires:
                raise WeComError(42001, "access_token expired")

    # --- customer groups (2.3, 2.4) ---------------------------------------------------------------

    def _list(self, p: dict[str, Any]) -> dict[str, Any]:
        limit = p.get("limit")
        if not isinstance(limit, int) or not 1 <= limit <= 1000:
            raise WeComError(40058, "limit must be 1 to 1000")
        owners = (p.get("owner_filter") or {}).get("userid_list") or []
        if len(owners) > 100:
            raise WeComError(40058, "owner_filter holds more than 100 userids")
        if not owners and self.state.visible_users > 1000:
            raise WeComError(81017, "owner_filter required: the app sees more than 1000 users")
        groups = self.state.listing(int(p.get("status_filter") or 0), owners)
        start = 0
        if p.get("cursor"):
            start = self._cursors.get(str(p["cursor"]), -1)
            if start < 0:
                raise WeComError(50100, "invalid cursor")
        page = groups[start:start + limit]
        out: dict[str, Any] = {"group_chat_list": [{"chat_id": g.chat_id, "status": g.status} for g in page]}
        if start + limit < len(groups):
            cursor = base64.b64encode(f"c{len(self._cursors)}:{start + limit}".encode()).decode()
            self._cursors[cursor] = start + limit
            out["next_cursor"] = cursor
        else:
            out["next_cursor"] = ""
        return out

    def _get(self, p: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            return {"group_chat": self.state.group(p.get("chat_id")).as_json(bool(p.get("need_name")))}

    # --- statistics (2.5) ---------------------------------------------------------------------------

    def _statistic(self, p: dict[str, Any]) -> dict[str, Any]:
        owners = (p.get("owner_filter") or {}).get("userid_list") or []
        if not owners and self.state.visible_users > 1000:
            raise WeComError(81017, "owner_filter required: the app sees more than 1000 users")
        begin, end = self.state.stat_range(p, int(self.clock()))
        by_owner: dict[str, dict[str, int]] = {}
        for owner, _day, data in self.state.stat_days(begin, end, int(self.clock()), owners):
            agg = by_owner.setdefault(owner, dict.fromkeys(STAT_FIELDS, 0))
            for k in STAT_FIELDS:
                agg[k] += data.get(k, 0)
        order = {1: "new_chat_cnt", 2: "chat_total", 3: "new_member_cnt", 4: "member_total"}.get(
            int(p.get("order_by") or 1), "new_chat_cnt")
        items = sorted(by_owner.items(), key=lambda kv: (kv[1][order], kv[0]), reverse=not p.get("order_asc"))
        offset, limit = int(p.get("offset") or 0), int(p.get("limit") or 500)
        if not 1 <= limit <= 1000:
            raise WeComError(40058, "limit must be 1 to 1000")
        page = items[offset:offset + limit]
        return {"total": len(items), "next_offset": offset + len(page),
                "items": [{"owner": o, "data": d} for o, d in page]}

    def _by_day(self, p: dict[str, Any]) -> dict[str, Any]:
        owners = (p.get("owner_filter") or {}).get("userid_list") or []
        if not owners and self.state.visible_users > 1000:
            raise WeComError(81017, "owner_filter required: the app sees more than 1000 users")
        begin, end = self.state.stat_range(p, int(self.clock()))
        days: dict[int, dict[str, int]] = {}
        for day in range(begin, min(end, midnight(int(self.clock())) - DAY) + 1, DAY):
            days[day] = dict.fromkeys(STAT_FIELDS, 0)
        for _owner, day, data in self.state.stat_days(begin, end, int(self.clock()), owners):
            for k in STAT_FIELDS:
                days[day][k] += data.get(k, 0)
        return {"items": [{"stat_time": d, "data": v} for d, v in sorted(days.items())]}

    # --- welcome templates (2.6) --------------------------------------------------------------------

    def _tpl_add(self, p: dict[str, Any]) -> dict[str, Any]:
        return {"template_id": self.state.template_add(p)}

    def _tpl_edit(self, p: dict[str, Any]) -> dict[str, Any]:
        self.state.template_edit(p)
        return {}

    def _tpl_get(self, p: dict[str, Any]) -> dict[str, Any]:
        tpl = self.state.templates.get(str(p.get("template_id") or ""))
        if tpl is None:
            raise WeComError(40058, "invalid template_id")
        return dict(tpl)

    def _tpl_del(self, p: dict[str, Any]) -> dict[str, Any]:
        if self.state.templates.pop(str(p.get("template_id") or ""), None) is None:
            raise WeComError(40058, "invalid template_id")
        return {}

    # --- join ways (2.7) -------------------------------------------------------------------------------

    def _jw_add(self, p: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            fields = self.state.join_way_fields(p)
            cid = self.state._next("cfg")
            self.state.join_ways[cid] = {"config_id": cid, **fields, "qr_code": f"https://wework.qpic.cn/{cid}.png"}
            return {"config_id": cid}

    def _jw_get(self, p: dict[str, Any]) -> dict[str, Any]:
        jw = self.state.join_ways.get(str(p.get("config_id") or ""))
        if jw is None:
            raise WeComError(40058, "invalid config_id")
        return {"join_way": dict(jw)}

    def _jw_update(self, p: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            cid = str(p.get("config_id") or "")
            if cid not in self.state.join_ways:
                raise WeComError(40058, "invalid config_id")
            self.state.join_ways[cid].update(self.state.join_way_fields(p))
            return {}

    def _jw_del(self, p: dict[str, Any]) -> dict[str, Any]:
        if self.state.join_ways.pop(str(p.get("config_id") or ""), None) is None:
            raise WeComError(40058, "invalid config_id")
        return {}

    # --- group robot (2.9) -------------------------------------------------------------------------------

    def _robot(self, query: dict[str, str], p: dict[str, Any]) -> dict[str, Any]:
        key = query.get("key", "")
        if key not in self.robot_keys:
            raise WeComError(93000, "invalid webhook url")
        kind = p.get("msgtype")
        if kind not in ("text", "markdown"):
            raise WeComError(40008, "invalid message type")
        content = str((p.get(kind) or {}).get("content") or "")
        most = 2048 if kind == "text" else 4096
        if not content or len(content.encode()) > most:
            raise WeComError(40058, f"content must be 1 to {most} bytes")
        with self._lock:
            now = self.clock()
            window = [t for t in self.robot_sent.get(key, []) if t > now - 60]
            if len(window) >= 20:
                self.robot_sent[key] = window
                raise WeComError(45009, "api freq out of limit")
            self.robot_sent[key] = window + [now]
            self.robot_messages.append((key, kind, content, list((p.get(kind) or {}).get("mentioned_list") or [])))
        return {}


ROUTES: dict[str, Callable[[Any, dict[str, Any]], dict[str, Any]]] = {
    "externalcontact/groupchat/list": WeComApi._list,
    "externalcontact/groupchat/get": WeComApi._get,
    "externalcontact/groupchat/statistic": WeComApi._statistic,
    "externalcontact/groupchat/statistic_group_by_day": WeComApi._by_day,
    "externalcontact/group_welcome_template/add": WeComApi._tpl_add,
    "externalcontact/group_welcome_template/edit": WeComApi._tpl_edit,
    "externalcontact/group_welcome_template/get": WeComApi._tpl_get,
    "externalcontact/group_welcome_template/del": WeComApi._tpl_del,
    "externalcontact/groupchat/add_join_way": WeComApi._jw_add,
    "externalcontact/groupchat/get_join_way": WeComApi._jw_get,
    "externalcontact/groupchat/update_join_way": WeComApi._jw_update,
    "externalcontact/groupchat/del_join_way": WeComApi._jw_del,
    "externalcontact/add_msg_template": lambda fake, p: fake.mass.add(p),
    "externalcontact/get_groupmsg_list_v2": lambda fake, p: fake.mass.list_v2(p),
    "externalcontact/get_groupmsg_task": lambda fake, p: fake.mass.task(p),
    "externalcontact/get_groupmsg_send_result": lambda fake, p: fake.mass.result(p),
    "externalcontact/remind_groupmsg_send": lambda fake, p: fake.mass.remind(p),
    "externalcontact/cancel_groupmsg_send": lambda fake, p: fake.mass.cancel(p),
}


async def _respond(send: Callable, status: int, body: bytes, ctype: str = "application/json; charset=utf-8") -> None:
    try:
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", ctype.encode()), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})
    except Exception:
        pass  # the client went away


async def _abort(send: Callable) -> None:
    transport = getattr(getattr(send, "__self__", None), "transport", None)
    if transport is None:
        raise ConnectionAbortedError("simulated reset")
    transport.abort()
    await asyncio.sleep(0.05)
