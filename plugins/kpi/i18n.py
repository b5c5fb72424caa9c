"""zh-CN strings of the kpi plugin, in the words of DOMAIN.md ("Words on screen")."""

ZH = {
    "KPIs": "数据看板", "previous": "上一周期",
    "acquisition": "获客期", "activation": "激活期", "retention": "留存期", "monetisation": "变现期",
    "spread": "传播期",
    "join rate": "入群率", "churn rate": "退群率", "interaction rate": "互动率", "message volume": "消息总量",
    "messages per member": "人均消息量", "retention rate": "留存率", "conversion rate": "转化率",
    "average order value": "客单价", "ROI": "投入产出比", "segment mix": "用户分类占比",
    "segment": "用户分类", "loyal": "忠实型", "bargain": "羊毛型", "need": "需求型", "low-need": "低需求",
    "silent group": "僵尸群", "channel exposure": "渠道曝光量", "orders": "订单", "costs": "成本",
    "tag": "标签",  # fact, rule, predicted: the host's words
    "static": "静态", "dynamic": "动态", "churned": "已流失", "lurker": "潜水", "top talker": "活跃分子",
    "new": "新成员", "likely buyer": "潜在买家", "first seen": "首次出现", "spent": "消费金额",
    "no data": "无数据", "missing input": "缺少数据",
    # why a KPI has no value, and the notes beside one (metrics.compute)
    "missing input: channel exposure (shequn import exposure FILE.csv)": "缺少数据：渠道曝光量（shequn import exposure FILE.csv）",
    "missing input: costs (shequn import costs FILE.csv)": "缺少数据：成本（shequn import costs FILE.csv）",
    "missing input: orders (shequn import orders FILE.csv, or a shop plugin)":
        "缺少数据：订单（shequn import orders FILE.csv，或店铺插件）",
    "no data: cohorts not computed yet (shequn kpi refresh)": "无数据：尚未计算入群批次（shequn kpi refresh）",
    "no data: no cost recorded for these groups in this window": "无数据：这些群在此时段内没有成本记录",
    "no data: no current members with a segment": "无数据：当前成员都还没有用户分类",
    "no data: no exposure for these groups in this window": "无数据：这些群在此时段内没有渠道曝光",
    "no data: no members in this window": "无数据：此时段内没有成员",
    "no data: no orders for these groups in this window": "无数据：这些群在此时段内没有订单",
    "no data: nobody's retention mark (kpi.retention_days after joining) falls in this window":
        "无数据：没有成员的留存节点（入群后 kpi.retention_days 天）落在此时段内",
    "no data: segments not computed yet (shequn kpi refresh)": "无数据：尚未计算用户分类（shequn kpi refresh）",
    "{left} left, {removed} of them removed": "{left} 人退群，其中 {removed} 人被移出",
    "{n} members": "{n} 名成员",
    "members from events since {date}": "成员数据仅来自 {date} 以来的事件（平台不提供成员列表）",
    "bargain-heavy: offer bundles": "羊毛型居多：推组合套餐",
    "loyal-heavy: offer higher-ticket items and better service": "忠实型居多：推高客单价商品并提升服务",
    "join week": "入群周", "new members": "入群人数", "left by themselves": "主动退群", "removed": "被踢出",
    "group dismissed": "群解散", "time in group": "在群时长",
    "churn spike": "退群激增", "near capacity": "接近群上限", "low interaction": "互动率过低",
    "join requests waiting": "入群申请待审核",
    # alerts (plugins/kpi/alerts.py): stored in the language of the workspace when they fire
    "{name}: silent group (僵尸群)": "{name}：僵尸群",
    "last message from a member on {day}; {members} members; threshold {days} days":
        "成员最后发言于 {day}；{members} 名成员；阈值 {days} 天",
    "no message from a member since it was added on {day}; {members} members; threshold {days} days":
        "自 {day} 加入以来成员无人发言；{members} 名成员；阈值 {days} 天",
    "{name}: {n} people left today": "{name}：今天 {n} 人退群",
    "baseline {mean}/day (sd {sd}) over {days} days; fires above {limit} and at least {least}":
        "基线 {mean} 人/天（标准差 {sd}，近 {days} 天）；超过 {limit} 且至少 {least} 人时提醒",
    "{name}: interaction rate {rate} over 7 days": "{name}：近 7 天互动率 {rate}",
    "threshold {threshold}; {members} members": "阈值 {threshold}；{members} 名成员",
    "{name}: {count}/{capacity} members ({share})": "{name}：{count}/{capacity} 人（{share}）",
    "at or above {share} of capacity": "达到群上限的 {share} 或以上",
    # the near-capacity task (a group in no family): older alerts above stay readable
    "{name}: {count}/{capacity} members ({share}); give it a family or create a sibling":
        "{name}：{count}/{capacity} 人（{share}）；请把它加入群矩阵或新建一个兄弟群",
    "at or above {share} of capacity and in no family, so no overflow can take its newcomers":
        "已达到群上限的 {share} 或以上，且不属于任何群矩阵，没有兄弟群可以分流新人",
    "{name}: 1 join request waiting": "{name}：1 条入群申请待审核",
    "{name}: {n} join requests waiting": "{name}：{n} 条入群申请待审核",
    "oldest waiting {hours} h; threshold {limit} h": "最早的已等待 {hours} 小时；阈值 {limit} 小时",
    # segments (plugins/kpi/segments.py, basis.py): each person's why, stored in the workspace's language
    "unknown": "未知", "; ": "；",
    "below {value}, set in [kpi] bargain_max_order_value": "低于 {value}（[kpi] bargain_max_order_value 设定）",
    "below the operation's mean order value {value} (revenue / orders)": "低于本运营订单平均金额 {value}（销售额 / 订单数）",
    "at least {value}, set in [kpi] need_min_order_value": "至少 {value}（[kpi] need_min_order_value 设定）",
    "at least {value}, the floor of the operation's top tenth of orders": "至少 {value}（本运营金额最高一成订单的下限）",
    "no orders in the workspace yet (shequn import orders FILE.csv, or a shop plugin)":
        "工作区还没有订单（shequn import orders FILE.csv，或商城插件）",
    "buys monthly: {n} orders, a typical gap of {gap} days (a month: {lo:g} to {hi:g}), the last {last} days ago":
        "每月购买：{n} 笔订单，通常间隔 {gap} 天（一个月：{lo:g} 到 {hi:g} 天），最近一笔在 {last} 天前",
    "referred {refs} (rule: at least {least})": "推荐了 {refs} 人（规则：至少 {least} 人）",
    "{n} orders averaging {avg}": "{n} 笔订单，平均 {avg}",
    "never referred anyone": "从未推荐他人",
    "a strong need: an order of {amount}": "需求强：一笔 {amount} 的订单",
    "no repeat purchase within 3 months (seen {last} days since the last order)":
        "3 个月内无复购（最近一笔订单后已观察 {last} 天）",
    "never ordered in the {days} days known (judged after {horizon})": "已知 {days} 天内从未下单（满 {horizon} 天后判断）",
    "no order in the {days} days known: 'never' is judged after {horizon} days":
        "已知 {days} 天内没有下单：满 {horizon} 天才判断“从未购买”",
    "bought once, {amount}, {last} days ago, and not again": "只买过一次，{amount}，{last} 天前，之后没有再买",
    "not a strong need": "不算强需求",
    "one order, {last} days ago: too early to tell a one-off from a monthly or bargain buyer (judged {hi:g} days after the order)":
        "一笔订单，{last} 天前：还无法区分一次性购买与每月或羊毛型买家（下单 {hi:g} 天后判断）",
    "{n} orders averaging {avg}, a typical gap of {gap} days, referred {refs}: no segment's rule fits (loyal buys monthly"
    " and refers; bargain never refers and buys below the threshold; need does not repeat within 3 months)":
        "{n} 笔订单，平均 {avg}，通常间隔 {gap} 天，推荐 {refs} 人：没有符合的分类规则（忠实型每月购买且推荐过他人；"
        "羊毛型从不推荐且订单金额低于阈值；需求型 3 个月内不复购）",
    # tags (plugins/kpi/tags.py, predict.py): values and methods, stored in the workspace's language
    "left every group within 30 days": "30 天内退出了所有群",
    "among those who sent {share} of the messages of {since}..{until}: groups {groups}":
        "属于发出 {since}..{until} {share} 消息的成员：群 {groups}",
    "a member all {days} days of {since}..{until}, outside those who sent {share} of the messages: groups {groups}":
        "{since}..{until} 全部 {days} 天都在群内，不在发出 {share} 消息的成员之列：群 {groups}",
    "observed rate: {rate} of the {people} people with {bucket} in the {days} days to {day} ordered within the next"
    " {days} days": "实测比例：截至 {day} 的 {days} 天内{bucket}的 {people} 人中，{rate} 在随后 {days} 天内下单",
    "within {days} days": "{days} 天内",
    "no order": "无订单",
    "1 order, last within 7 days": "1 笔订单，最近一笔在 7 天内",
    "1 order, last 8-14 days ago": "1 笔订单，最近一笔在 8-14 天前",
    "1 order, last 15-30 days ago": "1 笔订单，最近一笔在 15-30 天前",
    "2 orders, last within 7 days": "2 笔订单，最近一笔在 7 天内",
    "2 orders, last 8-14 days ago": "2 笔订单，最近一笔在 8-14 天前",
    "2 orders, last 15-30 days ago": "2 笔订单，最近一笔在 15-30 天前",
    "3+ orders, last within 7 days": "3 笔及以上订单，最近一笔在 7 天内",
    "3+ orders, last 8-14 days ago": "3 笔及以上订单，最近一笔在 8-14 天前",
    "3+ orders, last 15-30 days ago": "3 笔及以上订单，最近一笔在 15-30 天前",
}

#: ``shequn import orders|costs|exposure`` (imports.py, csv_input.py, cli.py): every message by line.
ZH.update({
    "exposure": "渠道曝光量",
    "{file}: no such file": "{file}：文件不存在", "{file}: cannot be read ({reason})": "{file}：无法读取（{reason}）",
    "{file}: line 1: no header row": "{file}：第 1 行：没有表头",
    "{file}: line {line}: {problem}": "{file}：第 {line} 行：{problem}",
    "not UTF-8 text (byte 0x{byte} at column {col}); save the sheet as \"CSV UTF-8\"":
        "不是 UTF-8 文本（第 {col} 列的字节 0x{byte}）；请把表格另存为“CSV UTF-8”",
    "not UTF-8 text (byte 0x{byte} at column {col}): the file reads as GBK/GB18030, Excel's default for Chinese; "
    "save the sheet as \"CSV UTF-8\"":
        "不是 UTF-8 文本（第 {col} 列的字节 0x{byte}）：该文件是 GBK/GB18030 编码（Excel 中文版的默认编码）；请把表格另存为“CSV UTF-8”",
    "a quote opened on this line is not closed on it (a cell of an import holds no line break; an unclosed quote "
    "would swallow the rows after it)": "本行的引号没有在本行闭合（导入的单元格不能换行；未闭合的引号会吞掉后面的行）",
    "a quote inside a quoted cell must be doubled (\"\"), and nothing may follow the closing quote but a comma":
        "带引号的单元格内的引号要写两遍（\"\"），闭合引号后只能跟逗号",
    "a cell is longer than {limit} characters": "有单元格超过 {limit} 个字符",
    "cannot be read as CSV ({detail})": "无法按 CSV 读取（{detail}）",
    "holds a NUL byte (a binary file, not CSV text)": "含有 NUL 字节（是二进制文件，不是 CSV 文本）",
    "missing {cols}": "缺少 {cols}", "unknown {cols}": "无法识别 {cols}",
    "{file}: line {line}: wrong columns ({what}); expected columns {required} and optionally {optional}":
        "{file}：第 {line} 行：列不对（{what}）；应有列 {required}，可选列 {optional}",
    "1 more field than the header has": "比表头多 1 列", "{n} more fields than the header has": "比表头多 {n} 列",
    "person_id: unknown member {value}": "person_id：未知成员 {value}",
    "platform_user_id: unknown member {value} on {platform}": "platform_user_id：{platform} 上没有成员 {value}",
    "member: expected person_id, or platform and platform_user_id": "成员：需要 person_id，或 platform 和 platform_user_id",
    "group_id: unknown group {value}": "group_id：未知群 {value}",
    "platform_group_id: unknown group {value}": "platform_group_id：未知群 {value}",
    "platform_group_id: {value} names {n} groups; add a platform column":
        "platform_group_id：{value} 对应 {n} 个群；请加上 platform 列",
    "{name}: {value} is not a number (expected an amount such as 39.90)": "{name}：{value} 不是数字（应为金额，如 39.90）",
    "{name}: {value} is negative (expected 0 or more)": "{name}：{value} 是负数（应为 0 或以上）",
    "{name}: {value} is not a date (expected YYYY-MM-DD)": "{name}：{value} 不是日期（应为 YYYY-MM-DD）",
    "{name}: {value} is not a time (expected YYYY-MM-DD, YYYY-MM-DD HH:MM[:SS] or unix seconds)":
        "{name}：{value} 不是时间（应为 YYYY-MM-DD、YYYY-MM-DD HH:MM[:SS] 或 Unix 秒数）",
    "{col}: empty (required)": "{col}：为空（必填）",
    "order_id: {value} appears twice in this input": "order_id：{value} 在本文件中出现了两次",
    "order_id: {value} is already imported": "order_id：{value} 已导入过",
    "impressions: {value} is not a whole number of 0 or more": "impressions：{value} 不是 0 或以上的整数",
    "1 bad row; nothing imported (fix it, or use --skip-bad)": "1 行有误；未导入任何内容（请改正，或使用 --skip-bad）",
    "{n} bad rows; nothing imported (fix them, or use --skip-bad)": "{n} 行有误；未导入任何内容（请改正，或使用 --skip-bad）",
    "imported 1 row of {kind}": "已导入{kind} 1 行", "imported {n} rows of {kind}": "已导入{kind} {n} 行",
    ", skipped 1 bad row": "，跳过 1 行有误的数据", ", skipped {n} bad rows": "，跳过 {n} 行有误的数据",
})
ZH.update({
    "phone: {value} is not a phone number (5 to 15 digits)": "phone：{value} 不是电话号码（5 到 15 位数字）",
})
ZH.update({  # the one capacity figure (console.numbers.capacity)
    "{name}: {fill} members; give it a family or create a sibling":
        "{name}：{fill} 人；请把它加入群矩阵或新建一个兄弟群",
})
ZH.update({  # audit-log actions, as console/tui/audit_words.action_words says them (the code with spaces)
    "import orders": "导入订单", "import costs": "导入成本", "import exposure": "导入曝光", "orders rejected": "订单被拒收",
})
ZH.update({  # audit-log detail keys (console/tui/audit_words.detail_words: "<key with spaces>: {v}")
    "stored: {v}": "已存 {v} 条", "skipped: {v}": "跳过 {v} 条",
})
ZH.update({  # audit-log target types (console/tui/audit_words.target_words: the type with spaces)
    "file {id}": "文件 {id}",
})
