"""zh-CN for every string the content plugin shows (CLI lines, refusals, the screen and
panel), keyed by the English. tests/plugins/content/test_content_i18n.py fails when one
is missing. Words follow shared/DOMAIN.md (素材库, 内容日历, 定时发送, 话题, 签到, 关键词回复)."""

ZH_CN: dict[str, str] = {
    # --- words ------------------------------------------------------------------------------
    "activation (purpose)": "促活", "conversion (purpose)": "转化", "brand (purpose)": "品宣", "characters": "个字符", "bytes": "字节",
    "purpose": "用途", "tags": "标签", "group_type": "群类型", "product": "商品", "season": "季节", "title": "标题",
    "link (URL)": "链接", "image": "图片",
    "spring": "春季", "summer": "夏季", "autumn": "秋季", "winter": "冬季",
    # --- places of a refusal --------------------------------------------------------------------
    "{source}: ": "{source}：", "{source} line {line}: ": "{source} 第 {line} 行：", "line {line}: ": "第 {line} 行：",
    "Error: {message}": "错误：{message}",
    # --- texts: placeholders and limits -------------------------------------------------------
    "{field}: {n} {unit}; the limit on {platform} is {limit} {unit}":
        "{field}：{n} {unit}，{platform} 上限为 {limit} {unit}",
    "{field}: {n} {unit} once filled in for group {group}; the limit on {platform} is {limit} {unit}":
        "{field}：填入群「{group}」的信息后为 {n} {unit}，{platform} 上限为 {limit} {unit}",
    "{field}: {problem}; write {{{{ and }}}} for a literal brace, placeholders are {allowed}":
        "{field}：{problem}；要写花括号本身请写 {{{{ 和 }}}}，可用的占位符为 {allowed}",
    "{field}: unknown placeholder {{{name}}}; allowed: {allowed}": "{field}：未知占位符 {{{name}}}；可用：{allowed}",
    "{field}: {{{name}}} takes no format or conversion; write it plain as {{{name}}}":
        "{field}：{{{name}}} 不能带格式或转换，请直接写 {{{name}}}",
    # --- the library ------------------------------------------------------------------------------
    "{field}: {value!r} is not one of {choices}": "{field}：{value!r} 不是以下之一：{choices}",
    "{field}: {value!r} is not one of {choices}, or empty": "{field}：{value!r} 不是以下之一：{choices}（也可留空）",
    "image: a link of at most 500 characters without spaces, got {n} characters":
        "image：链接最多 500 个字符且不含空格，实际 {n} 个字符",
    "image: {path} does not exist (a file path, relative to the imported file or the workspace folder, or an "
    "http(s) link)": "image：{path} 不存在（应为文件路径，相对于导入文件或工作区文件夹，或 http(s) 链接）",
    "image: {path} is not an image; expected one of {types}": "image：{path} 不是图片，应为以下格式之一：{types}",
    "image: {path} has {n} bytes; the limit is {limit} bytes": "image：{path} 有 {n} 字节，上限为 {limit} 字节",
    "{field}: not a library field; expected some of {fields}": "{field}：不是素材字段，可用字段：{fields}",
    "title: {n} characters; expected 1 to 100": "title：{n} 个字符，应为 1 到 100 个",
    "text: empty; an item needs a text, an image or both": "text：为空；素材需要文字、图片或两者",
    "product: {n} characters; the limit is {limit}": "product：{n} 个字符，上限为 {limit}",
    "link: {value!r} is not an http(s) link of at most 500 characters": "link：{value!r} 不是 500 字符以内的 http(s) 链接",
    "text: uses {{{name}}} but the item's {name} is empty; fill {name} or take the placeholder out":
        "text：用到了 {{{name}}}，但素材的 {name} 为空；请填写 {name} 或删掉这个占位符",
    "tags: at most 20 tags of at most 20 characters each, got {n}": "tags：最多 20 个标签、每个最多 20 个字符，实际 {n} 个",
    "id: no library item {id}": "id：没有编号为 {id} 的素材",
    "id: no library item {id}; leave id empty to add the row as a new item":
        "id：没有编号为 {id} 的素材；要新增素材请把 id 留空",
    "Saved library item {id}": "已保存素材 {id}", "Archived library item {id}": "已归档素材 {id}",
    "Restored library item {id}": "已恢复素材 {id}",
    "Library items that would be added: {added}, updated: {updated}": "将新增素材 {added} 条，更新 {updated} 条",
    "Library items added: {added}, updated: {updated}": "已新增素材 {added} 条，更新 {updated} 条",
    "Wrote {path}": "已写入 {path}",
    # --- import and export ------------------------------------------------------------------------
    "{source}: neither UTF-8 nor GB18030 text": "{source}：既不是 UTF-8 也不是 GB18030 文本",
    "the file is empty; expected a header row: {columns}": "文件为空；第一行应为表头：{columns}",
    "header: unknown column(s) {bad}, missing {missing}; the columns are {columns}":
        "表头：未知列 {bad}，缺少列 {missing}；可用的列为 {columns}",
    "{n} cells; the header has {m}": "本行有 {n} 格，表头有 {m} 列",
    "expected --- and a front matter (title: ..., purpose: ...) to open an item":
        "每条素材应以 --- 和前置信息（title: ...、purpose: ...）开头",
    "front matter: {text!r} is not key: value": "前置信息：{text!r} 不是“键: 值”格式",
    "front matter: no closing ---": "前置信息：缺少结尾的 ---",
    "{source}: no such file": "{source}：文件不存在", "{source}: expected a .csv or .md file": "{source}：应为 .csv 或 .md 文件",
    "format: {fmt!r}; expected csv or md": "format：{fmt!r}，应为 csv 或 md",
    # --- scheduled posts ------------------------------------------------------------------------------
    "group type": "群类型", "when": "时间规则", "item": "素材", "to": "发送到", "skips holidays": "节假日跳过",
    "next post": "下次发送", "state": "状态", "schedule": "定时任务", "starts": "开始", "ends": "结束", "time": "时间",
    "number of groups": "群数", "states": "状态", "spread over": "分散时长", "held back": "未发送原因",
    "sent": "已发送", "waiting to send": "待发送", "sending": "发送中", "failed": "失败", "stopped": "已停止",
    "withdrawn": "已撤回", "task": "任务", "skipped": "跳过", "planned": "已计划", "run": "批次", "attempts": "尝试次数",
    "error": "出错", "day": "日期", "kind": "类型", "name": "名称", "reason": "理由", "on": "启用中",
    "switched off": "已停用", "once": "单次", "public holiday": "法定节假日", "shopping festival": "购物节",
    "the operation's own day": "自定义节日",
    "minute": "分钟", "hour": "小时", "day-of-month": "日", "month": "月", "day-of-week": "星期",
    "e.g. 30 7 * * * (07:30 every day) or 0 20 * * sun (Sundays 20:00)":
        "例如 30 7 * * *（每天 07:30）或 0 20 * * sun（每周日 20:00）",
    "cron: field {pos} ({field_name}) has step {step!r}; a step is a whole number of 1 or more; {example}":
        "cron：第 {pos} 段（{field_name}）的步长 {step!r} 无效，步长应为 1 或以上的整数；{example}",
    "cron: field {pos} ({field_name}) has the range {rng}, which runs backwards; {example}":
        "cron：第 {pos} 段（{field_name}）的范围 {rng} 是倒序的；{example}",
    "cron: field {pos} ({field_name}) has {n}, outside {lo}-{hi}; {example}":
        "cron：第 {pos} 段（{field_name}）为 {n}，超出 {lo}-{hi}；{example}",
    "cron: field {pos} ({field_name}) has {token!r}, not a number{names}; {example}":
        "cron：第 {pos} 段（{field_name}）为 {token!r}，不是数字{names}；{example}",
    "cron: {text!r} has {n} fields; expected 5 (minute hour day-of-month month day-of-week), {example}":
        "cron：{text!r} 有 {n} 段，应为 5 段（分 时 日 月 星期），{example}",
    "cron: {cron!r} never fires by {until}": "cron：{cron!r} 在 {until} 之前不会触发",
    "cron: {cron!r} never fires in the next five years": "cron：{cron!r} 在未来五年内都不会触发",
    "weekly: {day!r} is not a day; expected sun, mon, tue, wed, thu, fri or sat":
        "weekly：{day!r} 不是星期几，应为 sun、mon、tue、wed、thu、fri 或 sat",
    "weekly: {text!r}; expected days and a time, e.g. \"sun 20:00\" or \"mon,thu 21:00\"":
        "weekly：{text!r} 无效，应为星期和时间，例如 \"sun 20:00\" 或 \"mon,thu 21:00\"",
    "{field}: {text!r} is not a time of day; expected HH:MM from 00:00 to 23:59":
        "{field}：{text!r} 不是时间，应为 00:00 到 23:59 之间的 HH:MM",
    "{field}: {text!r} is not a time; expected YYYY-MM-DD HH:MM in {tz}": "{field}：{text!r} 不是时间，应为 {tz} 时区的 YYYY-MM-DD HH:MM",
    "{field}: {value!r} is not a date; expected YYYY-MM-DD": "{field}：{value!r} 不是日期，应为 YYYY-MM-DD",
    "when: give one of --cron, --daily, --weekly or --once": "when：--cron、--daily、--weekly、--once 只能选一个",
    "when: give a cron (or --daily/--weekly) or a one-off time": "when：请给出 cron（或 --daily/--weekly）或单次时间",
    "when: give a cron (or --daily/--weekly) or a one-off time, not both":
        "when：cron（或 --daily/--weekly）和单次时间只能选一个",
    "item: give a library item or a tag to rotate through": "item：请指定一条素材，或一个用于轮换的标签",
    "item: give a library item or a tag to rotate through, not both": "item：素材和轮换标签只能选一个",
    "item: library item {id} is archived": "item：素材 {id} 已归档",
    "item: library item {id} is for {type} groups; {n} target groups are not ({names})":
        "item：素材 {id} 只用于 {type} 类型的群，有 {n} 个目标群不是（{names}）",
    "name: a schedule named {name!r} exists; edit it or choose another name": "name：已有名为 {name!r} 的定时任务，请修改它或换个名称",
    "name: {n} characters; expected 1 to 60": "name：{n} 个字符，应为 1 到 60 个",
    "name: {n} characters; expected 1 to 40": "name：{n} 个字符，应为 1 到 40 个",
    "once: {when} is in the past; the schedule would never fire": "once：{when} 已经过去，这个定时任务不会发送",
    "until: {day} is in the past; the schedule would never fire": "until：{day} 已经过去，这个定时任务不会发送",
    "until: {when} is not after the pause starts and after now; the pause would hold nothing":
        "until：{when} 不晚于暂停开始时间或当前时间，这个暂停不起作用",
    "pause: no pause {id} in force": "pause：没有正在生效的暂停 {id}",
    "pick: no library item carries the tag {tag!r}": "pick：没有带标签 {tag!r} 的素材",
    "reason: {n} characters; the limit is {limit}": "reason：{n} 个字符，上限为 {limit}",
    "schedule: no schedule {ref!r}": "schedule：没有定时任务 {ref!r}",
    "skip_holidays: {value!r} is not one of public, all, or empty": "skip_holidays：{value!r} 应为 public、all 或留空",
    "to: no group is in family {value!r}": "to：群矩阵 {value!r} 里没有群",
    "to: no group {ref!r}; expected all, type:TYPE, family:NAME or a group":
        "to：没有群 {ref!r}；应为 all、type:类型、family:群矩阵 或某个群",
    "to: no targets; expected all, type:TYPE, family:NAME or groups": "to：没有发送目标；应为 all、type:类型、family:群矩阵 或群",
    "to: unknown group type {value!r}; expected one of {choices}": "to：未知群类型 {value!r}，应为以下之一：{choices}",
    "to: {ref!r} names {n} groups; give a group id (group:ID)": "to：{ref!r} 对应 {n} 个群，请用群编号（group:编号）",
    "to: {targets} matches no active group": "to：{targets} 没有匹配到正在运营的群",
    "run: no run {id}": "run：没有批次 {id}", "stopped by {name}": "由 {name} 停止",
    "day: no holiday {name} on {day}": "day：{day} 没有节日 {name}",
    "kind: {value!r} is not one of {choices}": "kind：{value!r} 不是以下之一：{choices}",
    "the file has no rows": "文件里没有数据行",
    "holiday: {value}": "节假日：{value}", "the group is paused": "该群已暂停",
    "the platform's cap of {value} a day": "已达平台每天 {value} 条的上限", "too long: {value}": "超长：{value}",
    "no library item fits (tag or item {value})": "没有合适的素材（标签或素材 {value}）",
    "{value} cannot post: a task asks a person": "{value} 无法由程序发送，已生成人工任务",
    "missed: its time passed while the engine was stopped": "已错过：引擎停止期间发送时间已过",
    "withdrawn: the plan changed before it was sent": "已撤回：发送前计划有变",
    "Scheduled post: {name}": "定时发送：{name}",
    "Post by hand on {platform}: {name} at {time}": "请在 {platform} 手动发送：{name}（{time}）",
    "Post this by hand in: {groups} ({n})\n\n{post}": "请在这些群里手动发送：{groups}（{n} 个）\n\n{post}",
    "WeCom customer groups take no post from an app: send it as a customer-group mass send (客户群群发) from the "
    "WeCom admin console; each group owner confirms it in the WeCom app, and a customer group receives at most {cap} "
    "mass send a day.": "企业微信客户群不能由应用直接发消息：请在企业微信管理后台创建客户群群发，由各群群主在企业微信里确认发送；"
                        "每个客户群每天最多接收 {cap} 条群发。",
    "Saved schedule {id}: {name}": "已保存定时任务 {id}：{name}", "Enabled schedule {ref}": "已启用定时任务 {ref}",
    "Disabled schedule {ref}": "已停用定时任务 {ref}", "Paused: pause {id}": "已暂停：暂停编号 {id}",
    "Lifted pause {id}": "已解除暂停 {id}",
    "Queued {queued}, withdrawn {withdrawn}, tasks {tasks}, skipped {skipped}, missed {missed}":
        "排队 {queued}，撤回 {withdrawn}，任务 {tasks}，跳过 {skipped}，错过 {missed}",
    "Run {id}: resumed {n} of its posts": "批次 {id}：已恢复 {n} 条", "Run {id}: stopped {n} of its posts": "批次 {id}：已停止 {n} 条",
    "Saved holiday {name} on {day}": "已保存节日：{day} {name}", "Removed holiday {name} on {day}": "已删除节日：{day} {name}",
    "Holidays imported: {n}": "已导入节日 {n} 个",
    # --- the calendar ---------------------------------------------------------------------------------
    "weekday": "星期", "holiday": "节日", "scope": "范围", "— gap —": "— 空缺 —",
    "Mon": "周一", "Tue": "周二", "Wed": "周三", "Thu": "周四", "Fri": "周五", "Sat": "周六", "Sun": "周日",
    "week": "周",
    "Gaps: {gaps}": "空缺天数：{gaps}", "Purpose mix: {mix}": "用途占比：{mix}",
    "{purpose} {share} (target {target})": "{purpose} {share}（目标 {target}）",
    "Collision in {scope}: {title} on {first} and {second} ({days} days apart)":
        "{scope} 内容重复：{title} 在 {first} 和 {second} 各排了一次（相隔 {days} 天）",
    "Planned topic {id} on {day}": "已在 {day} 排入话题 {id}", "Removed calendar entry {id}": "已删除日历条目 {id}",
    "Removed the theme": "已删除主题", "Theme of {period} {starts}: {title}": "{period}主题（{starts}）：{title}",
    "Topics planned: {n}": "已排入话题 {n} 个", "Topics that would be planned: {n}": "将排入话题 {n} 个",
    "day: {day} is in the past; a topic planned there would never be posted": "day：{day} 已经过去，排在那天的话题不会发送",
    "day: {value!r} is not a date; expected YYYY-MM-DD": "day：{value!r} 不是日期，应为 YYYY-MM-DD",
    "entry: no calendar entry {id}": "entry：没有日历条目 {id}",
    "item: give a library item or at least a title for the planned topic": "item：请指定素材，或至少给话题一个标题",
    "item: library item {id} is for {type} groups, the entry is for {scope}":
        "item：素材 {id} 只用于 {type} 类型的群，而这个条目面向 {scope}",
    "item: no library item {ref!r} (an id or an exact title, not archived)":
        "item：没有素材 {ref!r}（应为编号或完整标题，且未归档）",
    "item: {ref!r} names {n} library items; give its id": "item：{ref!r} 对应 {n} 条素材，请写编号",
    "note: {n} characters; the limit is {limit}": "note：{n} 个字符，上限为 {limit}",
    "period: {value!r} is not one of day, week, month": "period：{value!r} 应为 day、week 或 month",
    "scope: no group is in family {value!r}": "scope：群矩阵 {value!r} 里没有群",
    "scope: {value!r}; expected all, type:traffic, type:welfare, type:flash or family:NAME":
        "scope：{value!r} 无效，应为 all、type:traffic、type:welfare、type:flash 或 family:群矩阵",
    "start: {value!r}; expected {form}": "start：{value!r} 无效，应为 {form}",
    "theme: no {period} theme from {starts} for {scope}": "theme：{scope} 没有从 {starts} 开始的{period}主题",
    "title: {n} characters; expected 1 to 60": "title：{n} 个字符，应为 1 到 60 个",
    # --- check-in and points -------------------------------------------------------------------------
    "keywords": "关键词", "points": "积分", "streak bonus": "连续奖励", "cap": "上限", "reply": "回复", "replied": "已回复",
    "streak": "连续天数", "rank": "名次", "check-ins": "签到次数", "about": "关联", "by": "操作人",
    "Check-in reply": "签到回复", "Check-in reply for {count} members": "签到回复（{count} 人）",
    "Saved check-in rule {id} for {scope}": "已保存 {scope} 的签到规则 {id}",
    "{person} now has {points} points": "{person} 现在有 {points} 积分",
    "person: {ref!r} names {n} people; give the person's id": "person：{ref!r} 对应 {n} 个人，请写编号",
    "person: nobody is {ref!r} (an id, a name or a platform id)": "person：找不到 {ref!r}（应为编号、名字或平台号）",
    "points: adjusting {name}'s {balance} points by {n} would leave {left}; expected a change that leaves 0 or more":
        "points：{name} 有 {balance} 积分，变动 {n} 后为 {left}；变动后应不少于 0",
    "cap: {cap} is below points {points}; a check-in would earn less than its points":
        "cap：{cap} 小于每次积分 {points}，签到得到的分会比设定的少",
    "keywords: {n} keywords; expected 1 or more of at most 10 characters each":
        "keywords：{n} 个关键词；应至少 1 个，每个最多 10 个字符",
    "points: spend {n}; expected a whole number above 0": "points：消耗 {n}，应为大于 0 的整数",
    "points: {name} has {balance} points, fewer than {n} to spend": "points：{name} 只有 {balance} 积分，不够消耗 {n}",
    "{field}: {n} characters; expected 1 to 300": "{field}：{n} 个字符，应为 1 到 300 个",
    "{field}: {value}; expected a whole number from {low} to {high}": "{field}：{value}，应为 {low} 到 {high} 之间的整数",
    "scope: unknown group type {value!r}; expected one of {choices}": "scope：未知群类型 {value!r}，应为以下之一：{choices}",
    # --- keyword replies -------------------------------------------------------------------------------
    "cooldown (s)": "冷却（秒）", "held by cooldown": "冷却中未回复", "keyword": "关键词", "match": "匹配方式",
    "priority": "优先级", "replies": "已回复",
    "Saved keyword rule {id}: {name}": "已保存关键词回复 {id}：{name}", "Enabled keyword rule {name}": "已启用关键词回复 {name}",
    "Disabled keyword rule {name}": "已停用关键词回复 {name}", "No rule answers this": "没有规则会回复这句话",
    "{rule} ({match}) answers: {reply}": "{rule}（{match}）回复：{reply}", "Keyword reply: {rule}": "关键词回复：{rule}",
    "Keyword rule {rule}'s pattern ran out of its time on a message; that message got no reply from it":
        "关键词回复 {rule} 的正则在一条消息上超时，这条消息没有得到它的回复",
    "keyword: the pattern {pattern!r} does not compile: {problem}": "keyword：正则 {pattern!r} 无法编译：{problem}",
    "keyword: the pattern {pattern!r} matches an empty message, so it would answer every message":
        "keyword：正则 {pattern!r} 能匹配空消息，会回复每一条消息",
    "keyword: the pattern {pattern!r} took longer than {ms} ms on a 3,000-character message (nested repetition such "
    "as (a+)+ backtracks); rewrite it without nested repeats":
        "keyword：正则 {pattern!r} 在 3,000 字的消息上超过 {ms} 毫秒（(a+)+ 这类嵌套重复会回溯爆炸），请改写成不含嵌套重复的写法",
    "keyword: {value!r}; expected comma-separated words, none empty, 200 characters in all":
        "keyword：{value!r} 无效，应为逗号分隔的词，不能有空词，总共不超过 200 个字符",
    "match: {value!r} is not one of exact, contains, pattern": "match：{value!r} 应为 exact、contains 或 pattern",
    "reply: {n} characters; expected 1 to 1000": "reply：{n} 个字符，应为 1 到 1000 个",
    "rule: no keyword rule {name!r}": "rule：没有关键词回复 {name!r}",
    # --- the console: the Content screen and the dashboard's panel ---------------------------------------
    "Content": "内容", "calendar": "内容日历", "next 24 hours": "未来 24 小时", "runs": "发送批次", "families": "群矩阵",
    "Gaps": "空缺", "Purpose mix": "用途占比", "Previous month": "上个月", "Next month": "下个月", "Resume": "恢复",
    "Resumed": "已恢复", "Stopped": "已停止", "No groups yet": "还没有群",
    "No scheduled post has run yet": "还没有执行过定时发送", "Nothing is scheduled in the next 24 hours": "未来 24 小时没有定时发送",
    "Show the content calendar": "查看内容日历", "Show the next 24 hours of scheduled posts": "查看未来 24 小时的定时发送",
    "{month}: {gaps} gaps from today on; {posts} posts in the next 24 hours":
        "{month}：今天起空缺 {gaps} 处；未来 24 小时发送 {posts} 条",
    " ({n} from today on)": "（今天起 {n}）",
    "{cell} (all {n} families)": "{cell}（全部 {n} 个群矩阵）",
    "{share} (target {target})": "{share}（目标 {target}）",
    "Content today": "今日内容", "none planned": "未安排",
    "Scheduled posts: {sent} sent, {waiting} waiting, {failed} failed": "定时发送：已发送 {sent}，待发送 {waiting}，失败 {failed}",
    "; next: {name} at {time}, groups: {groups}": "；下一条：{time} {name}，群数 {groups}",
    "Topics today: {topics}": "今日话题：{topics}", "; gaps in the next 7 days: {gaps}": "；未来 7 天空缺 {gaps} 处",
    "Check-ins today: {n}": "今日签到：{n}", "; leaders: {who}": "；领先：{who}",
    "; keyword replies today: {n}": "；今日关键词回复：{n}",
    # --- daily topics ----------------------------------------------------------------------------------
    "peak": "高峰", "revenue": "销售额", "topics": "话题数", "× usual": "× 平时",
    "at the peak": "高峰时", "at the latest time": "最晚时间", "asked a person": "已请人确认", "no link": "无链接",
    "Links in {group} are posted at the peak": "{group} 的商品链接将在高峰时自动发送",
    "Links in {group} wait for a person": "{group} 的商品链接将先请人确认再发送",
    "Participation peaked: {n} messages in 5 minutes (usual {usual:.1f}).": "参与达到高峰：5 分钟内 {n} 条消息（平时 {usual:.1f} 条）。",
    "Post the link of {product} in {group} now?": "现在在 {group} 发 {product} 的链接吗？",
    "The topic has run for a while without a clear peak.": "话题已进行一段时间，没有明显高峰。",
    "Topic link: {product}": "话题链接：{product}", "limit: {n}; expected 1 or more": "limit：{n}，应为 1 或以上",
}

from .translations_more import ZH_CN_MORE  # noqa: E402  (scripts, the entry ritual, questions, campaigns)

ZH_CN.update(ZH_CN_MORE)

ZH_CN.update({  # task and alert kinds, as console.words.kind_text says them
    "content topic link": "话题链接待补", "content post by hand": "内容需手动发送", "content unanswered question": "未回答的问题", "keyword rule slow": "关键词回复过慢",
})
