"""zh-CN words of the Douyin plugin: tasks for a person, reasons of its actions, the
action kind it brings and the connector's title. Keys are whole sentences (templates
with named fields), translated before they are filled (``ws.tr``)."""

from .answers import NO_RIGHT
from .by_hand import ZH as BY_HAND_ZH
from .notices import STEPS

STEPS_ZH = ("步骤：1. 在抖音 App 登录企业号 {open_id}。2. 打开授权链接（shequn douyin authorize {connection} 会给出）"
            "并允许粉丝群相关权限。3. 抖音跳转时带回 code：10 分钟内运行 shequn douyin code {connection} CODE"
            "（或把新的 refresh token 填入 connections.{connection}.refresh_token 后重启）。")

NO_RIGHT_ZH = dict(zip(NO_RIGHT.values(), (
    "账号没有为应用授权此权限：请带上粉丝群相关权限重新授权",
    "access token 属于另一个账号，不是配置的 open_id",
    "应用或账号不具备粉丝群能力（只有企业号可以使用）",
    "应用的该能力已被收回",
    "应用的该能力已被收回",
    "没有权限",
)))

ZH: dict[str, str] = {
    "Douyin fan groups (抖音粉丝群, open platform)": "抖音粉丝群（抖音开放平台）",
    "set_welcome": "设置入群欢迎语",
    "Douyin call quota spent for connection {connection}": "连接 {connection} 的抖音调用额度已用完",
    "Douyin answered {words}. shequn waits until the quota renews at midnight (Beijing time) and then carries out "
    "the waiting actions. If this happens every day, send less or ask Douyin for a larger quota.":
        "抖音返回 {words}。shequn 会等到北京时间零点额度恢复后再执行待办操作。如果每天都出现，请减少发送量或向抖音申请更高额度。",
    "Douyin keeps limiting the rate of connection {connection}": "抖音持续限制连接 {connection} 的调用频率",
    "Douyin answered {words} three times in a row. shequn backs off ({seconds} s between tries now) and carries on; "
    "if it lasts, lower the connection's rate in config.toml.":
        "抖音连续三次返回 {words}。shequn 已放慢重试（当前每 {seconds} 秒一次）并继续；如果持续出现，请在 config.toml 中调低该连接的速率。",
    "Douyin refused connection {connection} a right it needs": "抖音拒绝了连接 {connection} 所需的权限",
    "{message}. Check the app's capabilities (能力管理) in the Douyin open platform console and that the account is "
    "an enterprise account (企业号).":
        "{message}。请在抖音开放平台控制台的能力管理中检查应用权限，并确认账号为企业号。",
    "Authorise Douyin connection {connection} again": "请重新授权抖音连接 {connection}",
    "Douyin will not renew this connection's tokens: {why}. Until the account is authorised again nothing is sent "
    "or received on it; actions wait and retry. " + STEPS:
        "抖音不再为该连接续期令牌：{why}。重新授权之前该连接不收不发，待办操作会等待并重试。" + STEPS_ZH,
    "Authorise Douyin connection {connection} again before {date}": "请在 {date} 之前重新授权抖音连接 {connection}",
    "The refresh token was renewed 5 times, the most Douyin allows; it ends on {date} and then the connection stops. "
    + STEPS: "refresh token 已续期 5 次，达到抖音允许的上限；它将于 {date} 失效，届时该连接停止工作。" + STEPS_ZH,
    "Greeting of {group} from welcome policy {rule}": "{group} 的入群欢迎语（来自欢迎语规则 {rule}）",
    "Greeting of {group} turned off: no welcome policy applies": "关闭 {group} 的入群欢迎语：没有适用的欢迎语规则",
    "Greeting of {group} set by hand": "手动设置 {group} 的入群欢迎语",
    "New fan group {name}": "新建粉丝群 {name}",
    "Announcement of {group} turned off": "关闭 {group} 的群公告",
    # --- the connection's state and its words (stored in English, shown through the catalogue) ---
    "re-auth": "需授权", "throttled": "限流中", "no quota": "额度用完",  # "expired": the host's 已过期
    # a state's words are pieces joined by "; " (the console translates each piece)
    "authorise the account again: shequn douyin authorize {connection}":
        "请重新授权该账号：shequn douyin authorize {connection}",
    "{connection}: the refresh token expired or was revoked ({said})": "{connection}：refresh token 已过期或被撤销（{said}）",
    "the refresh token expired or was revoked ({said})": "refresh token 已过期或被撤销（{said}）",
    "no refresh token is configured and none was saved": "没有配置 refresh token，也没有保存过",
    "the account withdrew the app's authorisation ({event} webhook)": "账号撤回了对应用的授权（{event} webhook）",
    "{connection}: no refresh token is configured and none was saved":
        "{connection}：没有配置 refresh token，也没有保存过",
    "{connection}: the account withdrew the app's authorisation ({event} webhook)":
        "{connection}：账号撤回了对应用的授权（{event} webhook）",
    "{connection}: the refresh token was renewed 5 times, the most Douyin allows; authorise the account again before "
    "{date}: shequn douyin authorize {connection}":
        "{connection}：refresh token 已续期 5 次，达到抖音允许的上限；请在 {date} 之前重新授权该账号："
        "shequn douyin authorize {connection}",
    "{connection}: Douyin is limiting the request rate ({said}); waiting {seconds} s":
        "{connection}：抖音正在限制调用频率（{said}）；等待 {seconds} 秒",
    "{connection}: the Douyin call quota is spent ({said}); waiting {hours} h until it renews":
        "{connection}：抖音调用额度已用完（{said}）；等待 {hours} 小时后额度恢复",
    "{connection}: the access token expired and could not be refreshed":
        "{connection}：access token 已过期且未能刷新",
    "{connection}: Douyin answered HTTP {status}": "{connection}：抖音返回 HTTP {status}",
    "{connection}: Douyin at {url} is unreachable ({error})": "{connection}：无法连接抖音 {url}（{error}）",
    "{connection}: Douyin did not answer the token call": "{connection}：抖音没有回应令牌请求",
    "{connection}: refreshing the access token failed: {said}": "{connection}：刷新 access token 失败：{said}",
    **{f"{{connection}}: {en} ({{said}})": f"{{connection}}：{zh}（{{said}}）" for en, zh in NO_RIGHT_ZH.items()},
    # --- `shequn douyin` ---
    "{connection} is not a Douyin connection; configured: {names}": "{connection} 不是抖音连接；已配置：{names}",
    "(none)": "（无）",
    "no Douyin fan group {ref} (give its id, Douyin group id or name; `shequn sync CONNECTION` reads them)":
        "没有抖音粉丝群 {ref}（请给出它的编号、抖音群 ID 或群名；`shequn sync CONNECTION` 会读取粉丝群）",
    "1. Open the link signed in to Douyin as the enterprise account (企业号) {open_id}.":
        "1. 以企业号 {open_id} 登录抖音后打开上面的链接。",
    "2. Scan the QR code and allow the fan-group scopes: {scopes}.": "2. 扫码并允许粉丝群相关权限：{scopes}。",
    "3. Douyin redirects with ?code=...: run `shequn douyin code {connection} CODE` within 10 minutes.":
        "3. 抖音跳转时带回 ?code=...：请在 10 分钟内运行 `shequn douyin code {connection} CODE`。",
    "   (connections.{connection}.redirect_uri is empty: Douyin uses the app's registered one)":
        "   （connections.{connection}.redirect_uri 为空：抖音使用应用登记的回调地址）",
    "memory only": "仅在内存中",
    "{connection}: authorised as {open_id}; access token until {access}, refresh token until {refresh}; tokens in "
    "{where}": "{connection}：已授权为 {open_id}；access token 有效至 {access}，refresh token 有效至 {refresh}；"
               "令牌保存在 {where}",
    "unknown: {why}": "未知：{why}",
    "unknown": "未知",
    "the fan group's name is empty": "粉丝群名称为空",
    "access token until": "access token 有效至", "refresh token until": "refresh token 有效至",
    "renewals": "续期次数", "token file": "令牌文件", "fan groups left to create": "还可建粉丝群",
    "action {id} queued: create fan group {name} on {connection} (`shequn douyin status {connection}` shows the "
    "quota left)": "操作 {id} 已排队：在 {connection} 上新建粉丝群 {name}（`shequn douyin status {connection}` "
                   "可查看剩余额度）",
    "give --text or --off, not both": "--text 和 --off 只能给一个",
    "--text is empty; use --off to turn the greeting off": "--text 为空；要关闭入群欢迎语请用 --off",
    "action {id} queued: greeting of {group} from its welcome policy": "操作 {id} 已排队：按欢迎语规则设置 {group} 的入群欢迎语",
    "the greeting of {group} already matches its welcome policy (or none applies)":
        "{group} 的入群欢迎语已与欢迎语规则一致（或没有适用的规则）",
    "action {id} queued: greeting of {group} off": "操作 {id} 已排队：关闭 {group} 的入群欢迎语",
    "action {id} queued: greeting of {group} set": "操作 {id} 已排队：设置 {group} 的入群欢迎语",
    "action {id} queued: announcement of {group} off": "操作 {id} 已排队：关闭 {group} 的群公告",
    **BY_HAND_ZH,
}

ZH.update({  # task and alert kinds, as console.words.kind_text says them
    "douyin quota": "抖音调用额度", "douyin rate": "抖音限流", "douyin right": "抖音权限不足", "douyin authorise": "抖音授权",
})

ZH.update({  # audit-log actions, as console/tui/audit_words.action_words says them (the code with spaces)
    "douyin authorised": "抖音已授权",
})
