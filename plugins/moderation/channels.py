"""Contact and payment channels an ad (or a scam) gives: the shapes the ads kind looks for.

Each shape is written for normalised text (plugins.moderation.normalize: lower case,
half-width, separators inside words removed, numerals in digits), so a disguise only
needs its lead word here, not its spelling variants. A lead alone is never an ad
(卫星 is a satellite, 企鹅 a penguin): an id or a number must follow it, after at most a
few connective characters (号, 是, :, 咨询, 购买 …). Every shape is linear: literal leads,
bounded classes, no nested repeats. ``GATES`` gives, per shape, a looser literal-led
pattern that every match contains, for the prefilter (see matcher.RuleSet.prefiltered).
"""

from __future__ import annotations

import re

TLDS = "com|cn|net|org|top|xyz|vip|cc|me|io|shop|info|club|site|link|ltd|work"
LINK = rf"https?://[^\s]{{1,300}}|www\.[^\s]{{1,300}}|(?<![a-z0-9.-])[a-z0-9][a-z0-9-]{{0,40}}\.(?:{TLDS})(?![a-z0-9])(?:/[^\s]{{0,200}})?"
PHONE = r"(?<!\d)1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)"

# What a money amount or a count looks like after a number: not an id (微信转账 200000元).
_NOT_AFTER_NUMBER = r"(?![\d.,元块万千百亿kw%人个位条张])"
# Characters that may stand between a lead and its id: colons, spaces, brackets and the
# connective words of real ads (加微信咨询购买 xxx, 微信号是 xxx, QQ群号：xxx).
_FILLER = r"\s:;=~+,.!?()\[\]<>'\"“”‘’【】《》、。号码是为加我的咨询购买联系搜索添关注私聊找备注详情了哦呢吧啊好友账"

WECHAT_LEADS = (r"微信|威信|薇信|徽信|维信|微芯|卫星|v信|v芯|v星|vx|wx|weixin|weixing|wechat|veixin|vxin|"
                r"加v|\+v|加薇|加微|薇:|(?<![a-z])v:")
# 微信支付, 微信群, 微信红包 name the app, not an id: 支, 群, 红 are no filler, so nothing follows
WECHAT = (rf"(?:{WECHAT_LEADS})[{_FILLER}]{{0,8}}"
          rf"(?:[a-z][-_a-z0-9]{{5,19}}(?![-_a-z0-9])|[1-9]\d{{5,11}}{_NOT_AFTER_NUMBER})")

QQ_LEADS = r"qq|扣扣|叩叩|蔻蔻|企鹅|q群|q裙|qun|扣群|君羊|群号|q号|(?<![a-z])q:"
QQ = rf"(?:{QQ_LEADS})[{_FILLER}群]{{0,6}}[1-9]\d{{4,10}}{_NOT_AFTER_NUMBER}"
#: a QQ match naming a group is a group number
QQ_GROUP = re.compile("群|裙|qun|君羊")

# A bank card (16-19 digits, Visa/MasterCard/UnionPay/JCB first digits 3-6, groups of four
# may be spaced) next to transfer language, either side. Order numbers start with 1 or 2
# and refunds quote only the card's last four digits.
TRANSFER = r"转账|汇款|打款|转到|汇到|汇入|转入|打到|打钱|转钱|收款|卡号"
_CARD = r"(?<!\d)[3-6]\d{3}(?:[ -]?\d{4}){3}(?:[ -]?\d{1,3})?(?!\d)"
BANK_CARD = rf"(?:{TRANSFER})[^\d\n]{{0,12}}{_CARD}|{_CARD}[^\d\n]{{0,12}}(?:转账|汇款|打款)"

#: a member giving the group their own number, or a number in a personal appeal (a lost
#: item, a missing person, a call for help to pass on): not an ad (own_number_ok)
OWN_NUMBER = re.compile(r"我的?新(?:手机)?号|我换(?:手机)?号|我的?(?:手机)?号码?换了|换新号了|这是我的?新?(?:手机)?号|"
                        r"我的手机号|求扩散|请扩散|帮忙扩散|拾到|捡到|失主|寻人|走失|求助电话|爱心接力")

#: prefilter gates: lower case, literal-led, each matches inside every match of its shape
GATES = {
    "link": rf"https?://|www\.|\.(?:{TLDS})",
    "phone": r"1[3-9]\d[- ]?\d{4}[- ]?\d{4}",
    "wechat": WECHAT_LEADS.replace("(?<![a-z])", ""),
    "qq": QQ_LEADS.replace("(?<![a-z])", ""),
    "card": TRANSFER,
}

#: named group -> the category a case shows (see i18n for zh-CN)
CATEGORY = {"link": "link", "phone": "phone number", "wechat": "WeChat id", "qq": "QQ number",
            "card": "bank card", "keyword": "promotional keyword", "abuse": "abuse word"}


def category(group: str, matched: str) -> str:
    if group == "qq" and QQ_GROUP.search(matched):
        return "QQ group number"
    return CATEGORY[group]
