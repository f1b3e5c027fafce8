"""Every user-facing string, in English, Traditional and Simplified Chinese.

Simplified strings are written once, by hand, where wording differs; the rest
are derived with OpenCC from the Traditional text so the two never drift.
"""

from __future__ import annotations

from .text import to_simplified

LANGUAGES = {"en": "English", "zh-Hant": "繁體中文", "zh-Hans": "简体中文"}

# key: (English, Traditional Chinese[, Simplified Chinese when OpenCC's would read oddly])
STRINGS: dict[str, tuple[str, ...]] = {
    "app.title": ("HK AI Observatory", "香港人工智能觀察站"),
    "app.tagline": ("Document-grounded briefings on Hong Kong AI", "以文件為本的香港人工智能簡報"),
    "nav.ask": ("Ask", "提問"),
    "nav.documents": ("Documents", "文件庫"),
    "nav.dashboards": ("Dashboards", "數據儀表板"),
    "nav.overview": ("Overview", "概覽"),
    "sidebar.language": ("Language", "語言"),
    "sidebar.library": ("Library", "文件庫狀態"),
    "sidebar.documents": ("Documents", "文件"),
    "sidebar.chunks": ("Passages", "段落"),
    "sidebar.retrieval": ("Retrieval", "檢索模式"),
    "sidebar.answer_mode": ("Answers", "回答模式"),
    "mode.hybrid": ("Hybrid (lexical + dense, {model})", "混合（詞彙 + 語義，{model}）"),
    "mode.lexical": ("Lexical only", "只用詞彙檢索"),
    "mode.lexical_reason": ("Lexical only: {reason}", "只用詞彙檢索：{reason}"),
    "mode.extractive": ("Extractive (quotes the documents; no LLM)", "摘錄式（直接引用文件，不用大型語言模型）"),
    "answer.not_found": (
        "The documents in the library do not answer this question.",
        "文件庫中的文件未能回答這個問題。"),
    "answer.lead_in_en": (
        "The documents say (quoted in the original Chinese):",
        "文件原文如下："),
    "answer.converted": (
        "Quoted sentences were converted to the script of your question.",
        "引文已轉換為你提問所用的字體。", "引文已转换为你提问所用的字体。"),
    "ask.title": ("Ask the documents", "向文件提問"),
    "ask.intro": ("Answers quote the library and cite each passage they use.",
                  "答案引用文件庫內容，並註明每段出處。"),
    "ask.placeholder": ("Ask about Hong Kong AI…", "查詢香港人工智能的資料……"),
    "ask.suggested": ("Try one of these", "試試以下問題"),
    "ask.clear": ("Clear conversation", "清除對話"),
    "ask.download": ("Download conversation (Markdown)", "下載對話（Markdown）"),
    "ask.empty_question": ("Please type a question first.", "請先輸入問題。"),
    "ask.too_long": ("That question is too long ({n} characters; the limit is {limit}). Please shorten it.",
                     "問題太長（{n} 字；上限為 {limit} 字），請精簡後再問。"),
    "ask.sources": ("Sources", "資料來源"),
    "ask.open_document": ("Open the document at this passage", "在文件中查看此段"),
    "ask.feedback_thanks": ("Thanks, your feedback was recorded.", "謝謝，已記錄你的意見。"),
    "ask.error": ("Something went wrong while answering: {error}", "回答時出錯：{error}"),
    "ask.thinking": ("Searching the documents…", "正在搜尋文件……"),
    "ask.unsupported": ("Figures not found in the cited passages: {figures}", "以下數字未見於引用段落：{figures}"),
    "ask.q1": ("What is Hong Kong's total computing power?", "香港的總算力有多少？", "香港的总算力有多少？"),
    "ask.q2": ("How much has the government reserved for the Hong Kong AI R&D Institute?",
               "政府預留多少資金成立香港人工智能研發院？", "政府预留多少资金成立香港人工智能研发院？"),
    "ask.q3": ("How much did the budget allocate to Cyberport for Web3?",
               "財政預算案撥款多少予數碼港發展Web3？", "财政预算案拨款多少予数码港发展Web3？"),
    "ask.q4": ("When did SenseTime move into the Science Park?", "商湯何時落戶香港科學園？", "商汤何时落户香港科学园？"),
    "docs.title": ("Document library", "文件庫"),
    "docs.intro": ("The shipped documents belong to everyone; your uploads stay in your session.",
                   "內置文件供所有人使用；你上載的文件只在你的工作階段內可見。"),
    "docs.upload": ("Add documents (PDF, Word, HTML, Markdown, text)", "加入文件（PDF、Word、HTML、Markdown、純文字）"),
    "docs.added": ("Added {name}: {chunks} passages.", "已加入 {name}：{chunks} 段。"),
    "docs.duplicate": ("{name} is already in the library as “{title}”.", "{name} 已在文件庫中（“{title}”）。"),
    "docs.unchanged": ("{name} is already indexed, unchanged.", "{name} 已索引，內容未變。"),
    "docs.failed": ("{name} was not added: {reason}", "未能加入 {name}：{reason}"),
    "docs.remove": ("Remove", "移除"),
    "docs.removed": ("Removed {title}.", "已移除 {title}。"),
    "docs.view": ("View", "查看"),
    "docs.col.title": ("Title", "標題"),
    "docs.col.publisher": ("Publisher", "出版者"),
    "docs.col.date": ("Date", "日期"),
    "docs.col.script": ("Script", "字體"),
    "docs.col.chunks": ("Passages", "段落"),
    "docs.col.owner": ("Belongs to", "擁有者"),
    "docs.owner.public": ("Everyone (shipped)", "所有人（內置）"),
    "docs.owner.mine": ("You (this session)", "你（本工作階段）"),
    "docs.original": ("Original text", "原文"),
    "docs.workspace": ("Workspace name (optional; share it to share uploads)", "工作區名稱（可選；分享名稱即可共享上載）"),
    "docs.indexing_seeds": ("Indexing the shipped documents…", "正在為內置文件建立索引……"),
    "nav.investment": ("Investment", "投資"),
    "nav.compute": ("Compute", "算力"),
    "nav.market": ("Models & market", "模型與市場"),
    "dash.overview_title": ("Hong Kong AI at a glance", "香港人工智能概覽"),
    "dash.overview_intro": ("Every figure comes from a document in the library; its quote is under it.",
                            "每項數字均取自文件庫，引文列於其下。"),
    "dash.investment_title": ("Investment commitments", "資金承諾"),
    "dash.compute_title": ("Computing power", "算力"),
    "dash.market_title": ("Models and the market", "大模型與市場"),
    "dash.png": ("PNG (high resolution)", "PNG（高解像度）", "PNG（高分辨率）"),
    "dash.svg": ("SVG", "SVG"),
    "dash.csv": ("Data (CSV)", "數據（CSV）"),
    "dash.sources": ("Sources for this chart", "此圖表的資料來源"),
    "dash.briefing": ("Download briefing (PowerPoint)", "下載簡報（PowerPoint）"),
    "dash.infrastructure": ("Planned and new infrastructure named in the documents", "文件提及的新建及規劃中基建"),
    "dash.models_table": ("Alibaba, SenseTime and Baidu large models compared (Wen Wei Po, 2023)",
                          "阿里、商湯及百度大模型特點比較（文匯報，2023）"),
    "dash.models_note": ("Cells are quoted from the newspaper's table, in Chinese.", "表內文字引自報章原表。"),
    "dash.modelscope": ("ModelScope (魔搭), Alibaba Cloud's open model platform", "阿里雲開源模型平台「魔搭」"),
    "dash.table_by_programme": ("Commitments by programme", "按計劃列出的資金承諾"),
    "script.en": ("English", "英文"),
    "script.zh-Hant": ("Traditional Chinese", "繁體中文"),
    "script.zh-Hans": ("Simplified Chinese", "簡體中文"),
    "error.store_locked": ("The document store is in use by another program.", "文件庫正被另一個程式使用。"),
    "error.generic": ("This page could not be shown: {error}", "無法顯示此頁：{error}"),
}


def t(key: str, lang: str = "en", **kwargs) -> str:
    """The string for `key` in `lang` ('en', 'zh-Hant', 'zh-Hans')."""
    entry = STRINGS[key]
    if lang == "zh-Hant":
        text = entry[1]
    elif lang == "zh-Hans":
        text = entry[2] if len(entry) > 2 else to_simplified(entry[1])
    else:
        text = entry[0]
    return text.format(**kwargs) if kwargs else text
