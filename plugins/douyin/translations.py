"""zh-CN words of the Douyin plugin: tasks for a person, reasons of its actions, the
action kind it brings and the connector's title. Keys are whole sentences (templates
with named fields), translated before they are filled (``ws.tr``)."""

from .by_hand import ZH as BY_HAND_ZH
from .notices import STEPS

STEPS_ZH = ("步骤：1. 在抖音 App 登录企业号 {open_id}。2. 打开授权链接（shequn douyin authorize {connection} 会给出）"
            "并允许粉丝群相关权限。3. 抖音跳转时带回 code：10 分钟内运行 shequn douyin code {connection} CODE"
            "（或把新的 refresh token 填入 connections.{connection}.refresh_token 后重启）。")

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
    **BY_HAND_ZH,
}
