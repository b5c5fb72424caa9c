"""The fake Douyin open platform itself (tests/fakes/douyin*.py), over HTTP as a
connector sees it: tokens and their limits, the checks on every IM call, the fan-group
store, paging, webhooks. Times move on the fake's clock, never the wall clock."""

from __future__ import annotations

import hashlib
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import httpx
import pytest

from tests.fakes.douyin import FakeDouyin
from tests.fakes.douyin_state import ACCESS_TTL, CLIENT_GRACE, REFRESH_TTL


T0 = 1_780_000_000.0  # the fake's clock stands still unless a test moves it


@pytest.fixture
def dy():
    with FakeDouyin(clock=lambda: T0) as f:
        yield f


def oauth(dy, path, form=None, json_body=None):
    r = httpx.post(dy.base_url + path, data=form, json=json_body)
    return r.json()["data"]


def im(dy, method, path, token, open_id=None, body=None, **query):
    r = httpx.request(method, dy.base_url + path, params={"open_id": open_id or dy.open_id, **query},
                      headers={"access-token": token}, json=body)
    return r.json()


def code(doc) -> int:
    return doc["data"]["error_code"]


def test_client_token_is_json_only_and_only_the_newest_two_live(dy):
    form = oauth(dy, "/oauth/client_token/", form={"client_key": dy.client_key})
    assert form["error_code"] == 2100005
    body = {"client_key": dy.client_key, "client_secret": dy.client_secret, "grant_type": "client_credential"}
    assert oauth(dy, "/oauth/client_token/", json_body={**body, "client_secret": "wrong"})["error_code"] == 20010013
    assert oauth(dy, "/oauth/client_token/", json_body={**body, "client_key": "other"})["error_code"] == 20010003
    t1 = oauth(dy, "/oauth/client_token/", json_body=body)["access_token"]
    t2 = oauth(dy, "/oauth/client_token/", json_body=body)["access_token"]
    assert dy.client_token_valid(t1) and dy.client_token_valid(t2)
    dy.advance(CLIENT_GRACE + 1)  # the replaced one lives 5 minutes more, the newest on
    assert not dy.client_token_valid(t1) and dy.client_token_valid(t2)
    t3 = oauth(dy, "/oauth/client_token/", json_body=body)["access_token"]
    assert dy.client_token_valid(t3) and dy.client_token_valid(t2) and not dy.client_token_valid(t1)


def test_user_tokens_are_form_encoded_a_code_works_once(dy):
    c = dy.issue_code()
    form = {"client_key": dy.client_key, "client_secret": dy.client_secret, "code": c,
            "grant_type": "authorization_code"}
    assert oauth(dy, "/oauth/access_token/", json_body=form)["error_code"] == 2100005  # JSON refused
    got = oauth(dy, "/oauth/access_token/", form=form)
    assert got["open_id"] == dy.open_id and got["expires_in"] == ACCESS_TTL and got["refresh_token"].startswith("rft.")
    assert oauth(dy, "/oauth/access_token/", form=form)["error_code"] == 10007


def test_refresh_replaces_the_access_token_and_keeps_the_refresh_expiry(dy):
    t = dy.authorise()
    g = dy.add_group("g")
    assert code(im(dy, "GET", "/im/group/fans/list/", t["access_token"])) == 0
    dy.advance(86400)
    form = {"client_key": dy.client_key, "grant_type": "refresh_token", "refresh_token": t["refresh_token"]}
    new = oauth(dy, "/oauth/refresh_token/", form=form)
    assert new["refresh_token"] == t["refresh_token"] and new["refresh_expires_in"] == REFRESH_TTL - 86400
    assert code(im(dy, "GET", "/im/group/fans/list/", t["access_token"])) == 28001008  # the old one is replaced
    listed = im(dy, "GET", "/im/group/fans/list/", new["access_token"])
    assert [x["group_id"] for x in listed["group_list"]] == [g.group_id]
    dy.advance(ACCESS_TTL)  # 15 days after the refresh (a day in): still live at the very second...
    assert code(im(dy, "GET", "/im/group/fans/list/", new["access_token"])) == 0
    dy.advance(1)  # ...and expired one second later
    assert code(im(dy, "GET", "/im/group/fans/list/", new["access_token"])) == 28001008


def test_renewal_five_times_then_10020_and_the_old_token_dies(dy):
    t = dy.authorise()
    rt = t["refresh_token"]
    for i in range(5):
        got = oauth(dy, "/oauth/renew_refresh_token/", form={"client_key": dy.client_key, "refresh_token": rt})
        assert got["error_code"] == 0 and got["refresh_token"] != rt, i
        dead = oauth(dy, "/oauth/refresh_token/", form={"client_key": dy.client_key, "grant_type": "refresh_token",
                                                         "refresh_token": rt})
        assert dead["error_code"] == 10010
        rt = got["refresh_token"]
    sixth = oauth(dy, "/oauth/renew_refresh_token/", form={"client_key": dy.client_key, "refresh_token": rt})
    assert sixth["error_code"] == 10020
    dy.advance(REFRESH_TTL + 1)
    late = oauth(dy, "/oauth/refresh_token/", form={"client_key": dy.client_key, "grant_type": "refresh_token",
                                                     "refresh_token": rt})
    assert late["error_code"] == 10010


def test_a_shorter_refresh_life_and_the_older_expired_code():
    with FakeDouyin(clock=lambda: T0, refresh_ttl=2 * 86400, expired_code=10008) as f:
        t = f.authorise()
        assert t["refresh_expires_in"] == 172_800
        got = oauth(f, "/oauth/renew_refresh_token/", form={"client_key": f.client_key,
                                                            "refresh_token": t["refresh_token"]})
        assert got["expires_in"] == 172_800 and f.latest_refresh() == got["refresh_token"]
        f.advance(ACCESS_TTL + 1)
        assert code(im(f, "GET", "/im/group/fans/list/", t["access_token"])) == 10008


def test_the_signature_is_pinned_by_a_digest_computed_outside_python():
    body = b'{"event":"verify_webhook","client_key":"abc","content":{"challenge":12345}}'  # the documents' sample
    got = FakeDouyin(client_secret="test-secret").signed(body)["X-Douyin-Signature"]
    assert got == "97e124eb66020d1fb1299f1d018e0fc476a9da21"  # printf '%s' 'test-secret{...}' | sha1sum


def test_im_calls_check_open_id_scope_and_account_type():
    with FakeDouyin(account_type="personal", clock=lambda: T0) as dy:
        t = dy.authorise()
        assert code(im(dy, "GET", "/im/group/fans/list/", t["access_token"])) == 28001018
        dy.account_type = "enterprise"
        assert code(im(dy, "GET", "/im/group/fans/list/", t["access_token"], open_id="ou-someone-else")) == 28001015
        narrow = dy.authorise(scopes=("im.group_message",))
        assert code(im(dy, "GET", "/im/group/fans/list/", narrow["access_token"])) == 28001012
        assert code(im(dy, "GET", "/im/group/fans/list/", "act.made-up")) == 28001008


def test_groups_within_the_quota_and_the_count_path(dy):
    dy.quota_left = 1
    t = dy.authorise()["access_token"]
    assert im(dy, "GET", "/im/group/fans/count/", t)["left_count"] == 1
    made = im(dy, "POST", "/im/group/fans/create/", t, body={"group_name": "新群", "open_audit_switch": 1})
    assert made["group_id"].startswith("@") and dy.groups[made["group_id"]].open_audit_switch == 1
    assert im(dy, "GET", "/im/group/count/", t)["left_count"] == 0
    assert code(im(dy, "POST", "/im/group/fans/create/", t, body={"group_name": "再一个"})) == 28003017
    dy.count_paths = ("/im/group/count/",)
    assert httpx.get(dy.base_url + "/im/group/fans/count/", params={"open_id": dy.open_id},
                     headers={"access-token": t}).status_code == 404
    dy.fields_at = "data"
    assert im(dy, "GET", "/im/group/count/", t)["data"]["left_count"] == 0


def test_applications_page_by_cursor_and_leave_the_list_once_decided(dy):
    t = dy.authorise()["access_token"]
    g = dy.add_group("g", members=2)
    applies = [dy.apply(g.group_id, nickname=f"n{i}") for i in range(7)]
    seen, cursor, pages = [], 0, 0
    while True:
        page = im(dy, "GET", "/im/group/enter/audit/get/", t, cursor=cursor, count=3)["apply_list"]
        seen += [x["apply_id"] for x in page["list"]]
        pages += 1
        if not page["has_more"]:
            break
        cursor = page["cursor"]
    assert pages == 3 and seen == [a.apply_id for a in applies]
    assert code(im(dy, "GET", "/im/group/enter/audit/get/", t, cursor=0, count=51)) == 28001007
    assert code(im(dy, "POST", "/im/group/enter/audit/set/", t, body={"apply_id": applies[0].apply_id,
                                                                        "status": 2})) == 0
    assert applies[0].user_id in g.members and g.listed()["exist_num"] == 3
    again = im(dy, "POST", "/im/group/enter/audit/set/", t, body={"apply_id": applies[0].apply_id, "status": 3})
    assert again["data"] == {"error_code": 28001007, "description": "申请不存在或已处理"}
    first = im(dy, "GET", "/im/group/enter/audit/get/", t, cursor=0, count=50)["apply_list"]
    assert len(first["list"]) == 6 and first["has_more"] is False


def test_settings_send_and_recall(dy):
    t = dy.authorise()["access_token"]
    g = dy.add_group("g")
    msg = [{"msg_type": 1, "text": {"text": "欢迎"}}]
    assert code(im(dy, "POST", "/im/group/setting/set/", t, body={"group_id": g.group_id, "group_setting_type": 1,
                                                                    "msg_list": msg})) == 0
    assert code(im(dy, "POST", "/im/group/setting/set/", t, body={"group_id": g.group_id, "group_setting_type": 7,
                                                                    "msg_list": msg})) == 28001007
    assert g.settings == {1: msg}
    im(dy, "POST", "/im/group/setting/disable/", t, body={"group_id": g.group_id, "group_setting_type": 1})
    assert g.settings == {}
    ids = {im(dy, "POST", "/im/send/msg/group/", t, body={"group_id": g.group_id, "content": {
        "msg_type": 1, "text": {"text": f"m{i}"}}})["msg_id"] for i in range(3)}
    assert len(ids) == 3 and dy.texts(g.group_id) == ["m0", "m1", "m2"]
    mid = sorted(ids)[0]
    assert code(im(dy, "POST", "/im/recall/msg/", t, body={"msg_id": mid, "conversation_id": g.group_id})) == 0
    gone = im(dy, "POST", "/im/recall/msg/", t, body={"msg_id": mid, "conversation_id": g.group_id})
    assert gone["data"]["description"] == "消息不存在或已撤回"


def test_injected_codes_and_http_failures_then_normal_answers(dy):
    t = dy.authorise()["access_token"]
    dy.fail_next(28003018)
    dy.fail_http(500)
    assert httpx.get(dy.base_url + "/im/group/fans/list/", params={"open_id": dy.open_id},
                     headers={"access-token": t}).status_code == 500
    limited = im(dy, "GET", "/im/group/fans/list/", t)
    assert code(limited) == 28003018 and limited["extra"]["error_code"] == 28003018
    assert code(im(dy, "GET", "/im/group/fans/list/", t)) == 0
    dy.numbers_as_strings = True
    assert oauth(dy, "/oauth/refresh_token/", form={"client_key": dy.client_key, "grant_type": "refresh_token",
                                                     "refresh_token": dy.authorise()["refresh_token"]})[
        "expires_in"] == str(ACCESS_TTL)


class _Receiver(BaseHTTPRequestHandler):
    got: list = []
    answers: list = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        _Receiver.got.append((dict(self.headers), body))
        status = _Receiver.answers.pop(0) if _Receiver.answers else 200
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def test_webhooks_are_signed_retried_and_may_come_twice(dy):
    server = HTTPServer(("127.0.0.1", 0), _Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Receiver.got, _Receiver.answers = [], [500]  # the first try fails: the platform tries again
    try:
        dy.webhook_url = f"http://127.0.0.1:{server.server_port}/"
        g = dy.add_group("g")
        a = dy.apply(g.group_id, nickname="小明")
        mid = dy.push("enter_group_audit_change", dy.apply_content(a), from_user=a.user_id, times=2)
        dy.wait_delivered(3)
        assert [s for m, s in dy.delivered] == [500, 200, 200] and {m for m, _ in dy.delivered} == {mid}
        headers, body = _Receiver.got[0]
        assert headers["X-Douyin-Signature"] == hashlib.sha1(dy.client_secret.encode() + body).hexdigest()
        doc = json.loads(body)
        assert isinstance(doc["content"], str) and json.loads(doc["content"])["apply_id"] == a.apply_id
        msg = json.loads(dy.webhook_body("im_group_receive_msg", dy.message_content(g.group_id, "hi")))
        assert isinstance(msg["content"], dict) and msg["content"]["create_time"] > 10**12  # milliseconds
        dy.decide_and_push(a.apply_id, 2)
        dy.wait_delivered(4)
        join = json.loads(json.loads(_Receiver.got[-1][1])["content"])
        assert join == {"open_id": a.user_id, "im_group_id": g.group_id, "group_type": 1,
                        "create_time": join["create_time"], "create_group_type": "5"}
    finally:
        server.shutdown()
