"""Scam patterns: the scripts of telecom and chat fraud, as a rule kind of their own.

A scam is not found by one word: 公安 is in the news, 转账 in every dinner bill, 中奖 in a
lottery chat. It is found by the shape of the script, a *claim* and a *demand* in the same
message: someone claiming to be the police, a bank, customer service or the platform AND
a demand only a fraudster makes (a safe account, a frozen card, a screen-sharing app, a
verification code); money to move AND the account to move it to; a prize or refund AND
the step to claim it. Each family below is such a pair of cue patterns, both required;
the case's evidence names the family and both matched spans, so a person sees why.

Families:
- ``account``: a bank card or account number (12-19 digits, maybe grouped) next to a bank
  or account word: "pay into this": a payment request in a group chat;
- ``transfer``: transfer language AND an account given (an account number, 户名/开户行, a
  new/safe/designated account): "转账给我吧" over dinner money has no account, no case;
- ``impersonation``: police, courts, banks, regulators, customer service or the platform
  AND a fraudster's demand (safe account, suspected crime, freezing, refunds and claims to
  be "processed", an app or meeting to download or join, a code to read out);
- ``prize``: a prize, a refund or compensation AND the step to claim it (a fee, a link, a
  code, a number to call or add);
- ``loan``: loans and credit AND a fraudster's condition (no collateral, fees or deposits
  up front, "unfreezing", black-listed credit welcome, an app to download);
- ``acquaintance``: someone close or in charge (a boss, a classmate, a relative abroad)
  AND an urgent money request.

Every cue is a literal alternation or a bounded pattern (linear time, no nested repeats),
matched on normalised text (plugins.moderation.normalize). ``GATE`` holds the claim cues
of every family for the prefilter: a message with none of them is never looked at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_DIGITS = r"(?<!\d)\d(?:[ -]?\d){11,18}(?!\d)"
_CARD = r"(?<!\d)\d(?:[ -~]?\d){14,18}(?!\d)"  # a card number: 15 to 19 digits
_BANK = (r"银行|建行|工行|农行|中行|招行|交行|邮政|邮储|信用社|农商|储蓄|卡号|账号|帐号|户名|开户行|收款人|"
         r"支付宝账号|支付宝帐号")
_TRANSFER = r"转账|转帐|汇款|汇到|汇入|打款|打钱|转钱|转到|转入|转给|打到|存入|付款到|把钱|钱款|资金"
_ACCOUNT_GIVEN = (rf"{_DIGITS}|户名|开户行|卡号|账号[:是]|帐号[:是]|(?:安全|指定|新|这个|以下|下面|对方|专用|我朋友的?)"
                  r"(?:的)?(?:账户|帐户|账号|帐号|银行卡|卡)|换了?(?:张|个)?(?:新)?(?:卡|账户|账号)")
_AUTHORITY = (r"公安|警察|警官|民警|刑警|派出所|检察院|法院|公检法|办案|银保监|保监会|银监会|证监会|人民银行|央行|"
              r"清算中心|医保|社保中心|疾控|防疫|客服|工作人员|理赔中心|售后|官方|平台|银行|金融|支付宝|微信支付|京东|"
              r"淘宝|快手|抖音|拼多多|快递|物流|运营商|移动公司|联通|电信")
_DEMAND = (r"安全账户|安全帐户|涉嫌|涉及.{0,8}案|洗钱|洗黑钱|通缉|逮捕|拘留|传票|冻结|解冻|配合.{0,4}调查|"
           r"保密|不要告诉|共享屏幕|屏幕共享|视频会议|会议号|下载.{0,12}(?:app|软件|应用)|注册.{0,6}(?:app|软件)|"
           r"征信|关闭.{0,8}(?:业务|服务|账户|金条|白条|校园贷|百万保障)|取消.{0,8}(?:代理|会员|业务|扣费)|"
           r"扣费|扣款|误.{0,6}(?:操作|开通|设置)|代理商|赔偿金|理赔款|退款.{0,12}(?:添加|加我|下载|操作|提供|账户)|"
           r"(?:添加|加).{0,6}(?:微信|qq|企业微信)|(?:告诉|提供给|报给|发给|念给|发送给)(?:我|我们).{0,8}"
           r"(?:卡号|账户|身份证|密码|验证码)|验证码.{0,6}(?:告诉|发给|报给|提供给)(?:我|我们)|"
           r"转到.{0,6}(?:账户|卡)|清查|资金.{0,6}(?:核查|审查|清查)|名下.{0,8}(?:卡|账户)")
_PRIZE = r"中奖|获奖|抽中|幸运(?:用户|客户|观众|号码)|[一二三特]等奖|奖金|领奖|兑奖|奖品|大奖|补贴|退税|理赔|赔付|赔偿"
_CLAIM = (r"手续费|保证金|个人所得税|公证费|激活费|领取|点击|链接|网址|登录|验证码|致电|拨打|联系电话|"
          r"热线|添加|加我|卡号|账号|账户|违约金|解除.{0,6}合同")
_LOAN = r"贷款|网贷|借款|放款|下款|额度|信用卡|借钱|借贷|微粒贷|白条|金条|花呗|借呗|信用贷"
_LOAN_CATCH = (r"无抵押|免抵押|零抵押|无担保|0担保|不看征信|黑户|秒批|秒到|秒下|当天放款|当天下款|快速审批|"
               r"手续费|保证金|解冻|刷流水|验证.{0,4}还款能力|下载.{0,12}(?:app|软件)|会议号|注销|提额|"
               r"征信.{0,6}(?:修复|影响|清理)|低利率|低息|利息.{0,4}低|(?:添加|加).{0,6}(?:微信|qq)|资金需求|借款需求|"
               r"贷款需求|(?:是否|您|你)需要.{0,4}(?:贷款|资金|借款)|免息|审批|审核.{0,4}通过|充值|二维码|"
               r"(?:调整|降低|降至).{0,6}(?:利率|利息)|(?:利率|利息).{0,6}(?:调整|降低|过高|较高)")
_CLOSE = (r"领导|老板|老同学|室友|战友|表弟|表哥|表姐|表妹|外甥|侄子|侄女|孙子|孙女|亲戚|老乡|家属|好友|"
          r"爷爷|奶奶|叔叔|伯伯|舅舅|姑姑|阿姨|我是你|我是您|还记得我|猜猜我是谁|换了?(?:新)?(?:号|手机号|微信)|"
          r"身处海外|在国外|留学|回国|^我是")
_MONEY_ASK = (r"(?:汇|打|借|垫)(?:我|给我)?(?:一下|一笔|一?点|一些|些)?(?:钱|款)|转(?:一笔|点|些)(?:钱|款)|急需|急用|"
              r"应急|垫付|帮我?.{0,4}(?:支付|付款|付一下|转账|汇款)|经济援助|资金支持|打过来|先打|尾款|保释|"
              r"医药费|医疗费|手术费|赔偿|(?:这是|这个是)(?:他们|我|对方)?的?(?:账号|账户|卡号)|一笔(?:钱|资金|款)")

#: a stranger's service call: "I am X's customer service; we found that your account …"
_CALLER = (r"(?:我是|我们是|这里是|来自)[^,.!?，。！？]{0,14}(?:客服|工作人员|代表|专员|业务员|审核人员|办理人员|"
           r"放贷员|经理|中心|团队|公司|平台|机构)")
_FOUND = (r"(?:发现|注意到|检测到|了解到|监测到)[^。!?！？]{0,14}(?:您|你)[^。!?！？]{0,12}(?:账户|帐户|账号|订单|快件|快递|包裹|"
          r"贷款|借款|额度|交易|利率|利息|信用|白条|金条|会员|业务|资金|保单|商户|小店|身份)|"
          r"(?:您|你)(?:是否|最近|之前)?(?:有|需要).{0,4}(?:贷款|资金|借款)|(?:贷款|借款|资金)需求")


@dataclass(frozen=True)
class Family:
    name: str
    claim: re.Pattern
    demand: re.Pattern


FAMILIES = (
    Family("account", re.compile(_CARD), re.compile(_BANK)),
    Family("impersonation", re.compile(_AUTHORITY), re.compile(_DEMAND)),
    Family("prize", re.compile(_PRIZE), re.compile(_CLAIM)),
    Family("loan", re.compile(_LOAN), re.compile(_LOAN_CATCH)),
    Family("service_call", re.compile(_CALLER), re.compile(_FOUND)),
    Family("acquaintance", re.compile(_CLOSE), re.compile(_MONEY_ASK)),
    # last: the most general pair, so a script that also names who is calling shows that
    Family("transfer", re.compile(_TRANSFER), re.compile(_ACCOUNT_GIVEN)),
)
NAMES = tuple(f.name for f in FAMILIES)
#: the family shown in a case (i18n has zh-CN for each)
TITLES = {"account": "scam: account number to pay into", "transfer": "scam: transfer to an account",
          "impersonation": "scam: impersonating an authority", "prize": "scam: prize or refund script",
          "loan": "scam: loan or credit fraud",
          "service_call": "scam: a stranger's service call", "acquaintance": "scam: money asked by someone close"}

#: the prefilter gate: literal words, one of which every family's claim contains (the
#: account family's bank words stand for its card number, which needs one of them); a plain
#: alternation of literals is what ``re`` scans fast. test_moderation_scams checks the cover.
_LITERAL = re.compile(r"^[^\\()\[\]{}.*+?^$|]+$")


def _top_level(pattern: str) -> list[str]:
    """The alternatives of a pattern at its top level (a "|" inside a group does not split)."""
    out, depth, cur = [], 0, ""
    for c in pattern:
        depth += (c == "(") - (c == ")")
        if c == "|" and depth == 0:
            out.append(cur)
            cur = ""
        else:
            cur += c
    return out + [cur]


# the literal alternatives of each claim, and by hand a literal inside each of the others:
# 幸运(…), [一二三特]等奖, (?:我是|我们是|这里是|来自)…, 换了?(?:新)?(?:号|手机号|微信), ^我是
GATE_WORDS = tuple(dict.fromkeys(
    [w for f in FAMILIES if f.name != "account" for w in _top_level(f.claim.pattern) if _LITERAL.match(w)]
    + _BANK.split("|") + ["幸运", "等奖", "我是", "我们是", "这里是", "来自", "换号", "换了", "换新", "换手机", "换微信"]))
GATE = "|".join(sorted(GATE_WORDS, key=len, reverse=True))


@dataclass(frozen=True)
class ScamHit:
    family: str
    spans: tuple[str, str]  # the claim and the demand as matched (normalised text)

    @property
    def matched(self) -> str:
        return " … ".join(self.spans)


def find(norm: str, families: tuple[str, ...] | list[str] = NAMES) -> ScamHit | None:
    """The first family (in FAMILIES order) whose claim and demand both match ``norm``."""
    for f in FAMILIES:
        if f.name not in families:
            continue
        a = f.claim.search(norm)
        if a is None:
            continue
        b = f.demand.search(norm)
        if b is not None:
            return ScamHit(f.name, (a.group(0), b.group(0)))
    return None
