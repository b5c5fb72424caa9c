"""zh-CN for every string the sandbox shows (the words of shared/DOMAIN.md)."""

ZH_CN = {
    "Sandbox (simulated platform)": "沙盒（模拟平台）",
    "{path} already has history from {connection}; nothing to do (use --reset to start again).":
        "{path} 已有 {connection} 的历史数据，无需再生成（要重新开始请加 --reset）。",
    "simulating": "正在模拟",
    "{path}: {days} days of history from {connection} (seed {seed}) in {seconds:.1f} s":
        "{path}：已生成 {connection} 的 {days} 天历史（种子 {seed}），用时 {seconds:.1f} 秒",
    # groups, people, messages: the host's words (群数, 人数, 消息)
    "joins": "入群",
    "leaves": "退群",
    "join requests": "入群申请",
    "actions": "操作",
    "cases": "处理记录",
    "orders": "订单",
    "The sandbox keeps it live: open the console with `shequn`, or run `shequn serve`.":
        "沙盒会持续产生新动态：用 `shequn` 打开控制台，或运行 `shequn serve`。",
    "seed of the generator: the same seed gives the same groups, people and traffic":
        "生成器种子：相同的种子生成相同的社群、成员和动态",
    "how many groups the simulated platform has": "模拟平台上的社群数量",
    "how many people the simulated platform has": "模拟平台上的人数",
    "activity multiplier of live traffic: 60 means an hour of activity every real minute":
        "实时动态倍速：60 表示现实中每分钟产生一小时的动态",
    "Invite campaigns (keywords and codes on the channels' posters) admitted by the entry policy {policy} ({code}): "
    "{words}": "拉新任务（各渠道海报上的关键词和活动码）已加入入群规则「{policy}」（代号 {code}）：{words}",
    "sandbox demo": "生成演示数据",  # the audit log's sandbox_demo (console/tui/audit_words.py: the code with spaces)
    "No cases on sandbox messages yet.": "沙盒消息还没有处理记录。",
    "Segments: {n} people compared, accuracy {acc}": "用户分类：对比 {n} 人，准确率 {acc}",
}
