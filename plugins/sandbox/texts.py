"""What the simulated people say and are called: the sandbox's corpus.

Plain lists, so the generator stays readable and a test can check that every kind
of traffic the rules must tell apart is here: ordinary chat per group theme, ads
(links, QR codes, phone numbers, WeChat ids, promo words), *polite* ads with none of
those markers, delivery-tracking links that look like ads but are not, flood lines,
off-topic talk, abuse (plain and disguised), join-request answers (campaign keywords and
codes, referrals, vague ones), and the staff's greetings and topics.
"""

from __future__ import annotations

import re

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超", "秀英",
         "霞", "平", "刚", "桂英", "小红", "晓东", "佳怡", "子涵", "欣怡", "梓萱", "浩然", "宇轩", "思远", "雨桐",
         "一诺", "可馨", "嘉豪", "俊杰", "婷婷", "丹丹", "晨", "悦", "琳", "倩", "露", "萌", "阳", "斌"]
CITIES = ["北京", "上海", "广州", "深圳", "杭州", "成都", "武汉", "南京", "西安", "重庆", "苏州", "长沙", "郑州",
          "天津", "青岛", "厦门", "合肥", "昆明", "宁波", "济南", "福州", "大连", "沈阳", "无锡"]
JOBS = ["设计师", "教师", "程序员", "宝妈", "会计", "销售", "护士", "学生", "自由职业", "HR", "运营", "医生",
        "律师", "店主", "摄影师", "工程师", "公务员", "健身教练", "厨师", "文员"]
#: nicknames people pick for themselves (not in the city-name-job format)
FREE_NICKS = ["快乐的小鱼", "阳光总在风雨后", "岁月静好", "一只喵", "花开半夏", "追风少年", "甜甜圈", "小确幸",
              "晴天", "Amy", "Kevin", "Lucky", "向日葵", "月光宝盒", "柠檬不萌", "半糖主义", "风轻云淡", "小太阳",
              "奶茶续命", "早睡早起", "吃货一枚", "海阔天空", "知足常乐", "momo", "Coco", "大白", "木子",
              "静待花开", "兔子不吃草", "星辰大海", "🌸樱花", "A.张姐", "陈陈", "老王", "Sunny"]

#: ordinary chat, by group theme key; "any" is said everywhere
CHAT = {
    "any": ["早上好呀", "大家早", "今天天气不错", "哈哈哈哈", "收到", "谢谢群主", "好的好的", "学到了",
            "有没有人一起", "刚下班，累死了", "周末大家去哪玩", "这个可以有", "+1", "同问", "我也想知道",
            "晚安各位", "群里好热闹", "新人报到，请多关照", "大家好，我是新来的", "赞👍", "太实用了",
            "这个链接打不开，谁能再发一下", "已下单，坐等收货", "哈哈 笑死我了", "确实是这样", "支持一下"],
    "deals": ["今天的秒杀还有吗", "这个价格真的香", "上次买的纸巾很好用", "有没有满减券", "已抢到，手慢无",
              "求拼单", "这个和超市比便宜多少", "晒单：洗衣液到了，包装很好", "昨天的福利怎么领",
              "福利群就是好，省了不少", "几点开抢", "还有库存吗"],
    "parenting": ["宝宝最近不爱吃饭怎么办", "推荐个绘本呗", "孩子晚上总醒", "幼儿园报名开始了吗",
                  "辅食大家都怎么做", "尿不湿哪个牌子好", "周末带娃去哪", "今天宝宝会叫妈妈了"],
    "fitness": ["今日打卡：跑步5公里", "打卡：深蹲100个", "体重又掉了一斤", "求减脂餐推荐", "膝盖有点疼",
                "今天练腿，明天下不了楼", "坚持第21天", "晚上一起跳操吗"],
    "books": ["这周读完了《活着》", "推荐《人类简史》", "读书笔记已交", "今晚共读第三章", "有电子版吗",
              "这本书的结尾太意外了", "打卡：阅读30分钟"],
    "local": ["这家火锅店怎么样", "周末有人去爬山吗", "新开的奶茶店排队好长", "求推荐附近的理发店",
              "今晚夜市有人去吗", "地铁又挤爆了"],
    "vip": ["上次的专属服务很满意", "新品什么时候到", "会员日有什么活动", "能帮我查一下积分吗",
            "高端线的质量确实不一样", "顾问老师回复好快"],
    "flash": ["训练营第一天打卡", "老师讲得太好了", "作业已提交", "倒计时还有几天", "晒单！终于抢到了",
              "省钱攻略收藏了", "红包抢到了0.88哈哈", "这次活动力度好大"],
}

#: obvious ads: links, QR codes, phone numbers, WeChat ids, promo words
ADS = ["加V: {wx} 低价代购，正品保证", "http://t.cn/{code} 点击领取888元红包", "扫码进群领红包，名额有限！",
       "兼职日结300+，有意者联系 {phone}", "免费领取面膜，加微信 {wx}", "💰月入过万不是梦 加我 {wx} 详聊",
       "高仿名牌包包 厂家直销 vx：{wx}", "低价出售会员卡 www.{code}.cn", "刷单返利 秒到账 QQ {qq}",
       "内部优惠券 全场1折 点击 https://{code}.top/a", "代开发票 联系 {phone}", "扫描二维码加好友送礼品"]
#: polite ads: no link, no number, no id: only the intent gives them away
POLITE_ADS = ["不好意思打扰大家，我这边做正品代购，有需要的可以私聊我哈",
              "打扰了，我家自己种的橙子，想尝尝的朋友私我一下～",
              "冒昧问一句，有没有朋友需要做保险规划的，可以找我聊聊",
              "不好意思哈，我在做微商，护肤品有兴趣的可以私信我",
              "打扰各位，小店新开张，感兴趣的朋友私聊我给大家优惠"]
#: not ads: a delivery tracking link or number shared in passing
NOT_ADS = ["我的快递单号 SF{digits}，怎么还没到，谁帮我看看 https://www.sf-express.com/waybill/#search/{digits}",
           "物流到哪了 https://www.kuaidi100.com/chaxun?nu=YT{digits}",
           "快递单号 JD{digits} 显示已签收，可我没收到啊",
           "中通 {digits} 这个单号查不到，是不是我抄错了"]
FLOOD = ["顶顶顶顶顶", "1111111111", "有人吗有人吗有人吗", "啊啊啊啊啊啊啊", "🔥🔥🔥🔥🔥", "抢抢抢抢抢"]
OFF_TOPIC = ["有人玩王者吗，五排开黑", "今晚球赛谁赢，赌一包辣条", "我跟我对象吵架了，气死", "这电视剧结局太烂了",
             "谁有考研资料", "股票今天又绿了", "求个游戏账号", "我家猫又拆家了"]
GREETINGS = ["早安☀️ 新的一天，大家加油！", "早上好！今天的福利10点准时开抢哦", "晚安🌙 明天见",
             "各位晚上好，今晚8点有直播分享，记得来", "今日话题：你最近买过最值的东西是什么？",
             "今日话题：分享一个你的省钱小妙招", "签到打卡开始啦，今天也要元气满满", "晒单有奖：晒出你的宝贝，抽三位送小礼品"]
#: abuse (辱骂): ordinary insults and the disguised spellings people use to slip past filters
#: (pinyin initials, homophones, spaces and dots between characters)
ABUSE = ["你是不是脑子有病啊", "傻逼群主，什么垃圾群", "滚你妈的，少在这装", "你个煞笔懂什么", "nmsl",
         "cnm 骗子群", "你TM有病吧", "脑残玩意儿，闭嘴", "废物一个", "s b 管理员", "沙雕东西别说话",
         "尼玛的又是广告，群主死了吗", "去死吧你", "sb.群主 还不退钱", "你全家都是骗子", "智障吧你 tmd"]

#: invite campaigns (拉新任务): the keyword and the activity code printed on each channel's
#: poster or post. Applicants who came through one put the keyword or the code in their answer.
CAMPAIGNS = {"朋友圈海报": ("双11", "HB1111"), "公众号推文": ("会员日", "GZH520"),
             "抖音直播": ("直播福利", "DY888"), "门店二维码": ("门店扫码", "MD66")}
#: how people write a campaign into their answer
CAMPAIGN_ANSWERS = ["{keyword}", "{keyword}活动", "看到{channel}，{keyword}进群", "{code}", "活动码：{code}",
                    "{keyword} {code}"]
#: answers of people a member referred
REFERRAL_ANSWERS = ["朋友推荐的", "老会员推荐", "我朋友拉我来的"]
#: answers only a person can judge: no campaign, a code misremembered, a referral nobody can check
VAGUE_ANSWERS = ["我想进群", "福利", "活动", "小红书看到的", "想了解一下", "进群看看", "HB111", "双十一", "GZH52",
                 "618", "朋友推荐的", "同事拉我来的"]
PRODUCTS = [("纸巾12卷装", 29.9), ("洗衣液2kg", 39.9), ("坚果礼盒", 128.0), ("护肤套装", 299.0),
            ("空气炸锅", 399.0), ("儿童绘本套装", 89.0), ("蛋白粉", 259.0), ("训练营课程", 199.0),
            ("扫地机器人", 1699.0), ("按摩仪", 899.0), ("咖啡豆", 69.0), ("面膜10片", 49.0)]
#: channels whose exposure the join rate divides by; QR joins name one of them
CHANNELS = [("朋友圈海报", 2000, 5000), ("公众号推文", 3000, 8000), ("抖音直播", 5000, 20000), ("门店二维码", 300, 800)]

#: a member asking something (a question mark, 吗/呢 at the end, or a question word)
ASKS = re.compile(r"[？?吗呢][~～。.!！ ]*$|请问|怎么|几点|有没有|多少|能不能|哪里|哪个|哪家|什么时候|为什么|有人")
#: the share of members' questions the group's staff answer (the rest reach the owner's queue)
ANSWERED_SHARE = 0.97
#: what staff answer, as a reply to the question
STAFF_ANSWERS = ["在的，我帮你看一下", "稍等，我查一下哈", "群公告里有，置顶看一下哦", "今晚8点开始～", "有的，私信你了",
                 "可以的，按公告操作就行", "已经帮你登记了", "这个问题我来答：看群公告第二条", "还有的，抓紧哈", "我问一下客服再回你"]
