"""zh-CN for every string the content plugin shows (CLI lines, refusals, the screen and
panel), keyed by the English. tests/plugins/content/test_content_i18n.py fails when one
is missing. Words follow shared/DOMAIN.md (素材库, 内容日历, 定时发送, 话题, 签到, 关键词回复)."""

ZH_CN: dict[str, str] = {
    # --- words ------------------------------------------------------------------------------
    "activation": "促活", "conversion": "转化", "brand": "品宣", "characters": "个字符", "bytes": "字节",
    "purpose": "用途", "tags": "标签", "group_type": "群类型", "product": "商品", "season": "季节", "title": "标题",
    "text": "内容", "link": "链接", "image": "图片", "id": "编号", ": ": "：",
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
    "Would add {added} and update {updated} library items": "将新增 {added} 条、更新 {updated} 条素材",
    "Added {added} and updated {updated} library items": "已新增 {added} 条、更新 {updated} 条素材",
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
}
