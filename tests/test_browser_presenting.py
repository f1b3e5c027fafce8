"""In real Chromium: presentation mode you can drive, links that keep the
language and the question, the viewer at the cited sentence, and a visitor's
figure on the chart of its metric."""

import csv
import io
import re
import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from .browser import CHROMIUM, ask, settle, shot

pytestmark = [pytest.mark.xdist_group("browser-presenting"),  # one at a time per module: each drives a real app
              pytest.mark.browser,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"Chromium not found at {CHROMIUM}")]


def params(url: str) -> dict:
    return {k: v[0] for k, v in parse_qs(urlparse(url).query).items()}


def until_url(page, test, timeout: float = 30) -> None:
    """Streamlit changes the address with the history API, which fires no load event: poll it."""
    deadline = time.time() + timeout
    while not test(page.evaluate("location.href")):  # a round trip: page.url alone may not have caught up
        assert time.time() < deadline, page.url
        page.wait_for_timeout(200)


def shared_link(page) -> str:
    """Open "Copy link to this answer" (an expander in the page's flow) and read the link it shows."""
    share = page.locator("[data-testid=stExpander]").filter(has_text="Copy link to this answer").last
    share.locator("summary").click()
    code = share.locator("[data-testid=stCode]")
    code.wait_for(timeout=30000)
    return code.inner_text().strip()


def slide_fits(page) -> None:
    """The slide needs no scrolling: nothing in the main area runs past the window's bottom."""
    page.locator("[data-testid=stStatusWidget]").wait_for(state="detached", timeout=60000)  # the run is over
    sizes = []
    for _ in range(20):  # the previous slide's elements leave, and a chart takes its size, after the run
        page.wait_for_timeout(250)
        sizes = page.evaluate("""() => { const m = document.querySelector('[data-testid=stMain]');
            return [document.documentElement.scrollHeight, m.scrollHeight, window.innerHeight] }""")
        if max(sizes[:2]) <= sizes[2] + 2:
            return
    raise AssertionError(f"the slide scrolls: {sizes}")


def counter(page) -> str:
    box = page.locator(".hkai-counter")
    box.wait_for(timeout=60000)
    assert box.evaluate("el => el.scrollHeight <= el.clientHeight + 2 && el.getClientRects().length == 1")
    return box.inner_text()


@pytest.mark.parametrize("size", [(1920, 1080), (1366, 768)])
def test_presentation_mode_is_slides_that_fit_the_screen_and_move_with_the_keys(browser, app_url, size):
    """Every slide of every dashboard, in English and in Chinese, fits the screen without scrolling; the
    arrow keys, PageUp/PageDown and Space move between slides across the pages, Esc leaves."""
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, locale="en-GB")
    page = context.new_page()
    try:
        for lang, first_title in (("en", "Hong Kong AI at a glance"), ("zh-Hant", "香港人工智能概覽")):
            page.goto(f"{app_url}/overview?lang={lang}&present=1")
            page.locator(".hkai-slide-title", has_text=first_title).wait_for(timeout=60000)
            expect(page.locator("[data-testid=stSidebar]")).to_be_hidden()
            expect(page.get_by_role("button", name=re.compile("Download|下載"))).to_have_count(0)
            seen = []
            total = int(re.search(r"/ (\d+)\)", counter(page)).group(1))
            for n in range(total):
                expect(page.locator(".hkai-counter")).to_contain_text(f"({n + 1} / {total})", timeout=60000)
                counter(page)  # on one line
                slide_fits(page)
                shot(page, f"present-{lang}-{size[0]}-{n + 1:02d}")
                seen.append(urlparse(page.url).path)
                if n + 1 < total:
                    page.wait_for_function("() => window.__hkaiPresentKeys === true")  # the keys are listened to
                    page.keyboard.press(["ArrowRight", "PageDown", " "][n % 3])
                    until_url(page, lambda url, n=n: params(url).get("slide") == str(n + 1))
            assert {"/overview", "/investment", "/compute", "/market"} <= set(seen)  # across the pages
            page.keyboard.press("ArrowLeft")
            until_url(page, lambda url: params(url).get("slide") == str(total - 2))
            page.keyboard.press("PageUp")
            until_url(page, lambda url: params(url).get("slide") == str(total - 3))
            page.keyboard.press("Escape")
            until_url(page, lambda url: "present" not in params(url))
            page.locator("[data-testid=stSidebar]").wait_for(state="visible", timeout=30000)
    finally:
        context.close()


def test_language_stays_in_the_link_across_a_sidebar_click(page, app_url):
    page.goto(f"{app_url}/?lang=en")
    settle(page, "Ask the documents")
    page.locator("[data-testid=stSidebar] [data-testid=stSelectbox]").click()
    page.get_by_role("option", name="简体中文").click()
    page.get_by_text("向文件提问").wait_for(timeout=30000)
    page.locator("[data-testid=stSidebar]").get_by_role("link", name="概览").click()
    page.get_by_role("heading", name="香港人工智能概览").wait_for(timeout=60000)
    assert params(page.url)["lang"] == "zh-Hans"
    page.locator("[data-testid=stSidebar]").get_by_role("link", name="投资").click()
    page.get_by_role("heading", name="资金承诺").wait_for(timeout=60000)
    assert params(page.url)["lang"] == "zh-Hans"
    page.locator("canvas, svg.marks").first.wait_for(timeout=30000)  # the chart drew before the picture is taken
    shot(page, "investment-zh-Hans")


def test_asking_puts_the_question_in_the_link_and_the_link_reproduces_the_answer(browser, page, app_url):
    page.goto(f"{app_url}/?lang=en")
    settle(page, "Ask the documents")
    question = "How much has the government reserved for the Hong Kong AI R&D Institute?"
    ask(page, question)
    answer = page.locator(".hkai-answer").first
    answer.wait_for(timeout=60000)
    until_url(page, lambda url: "q" in params(url))
    assert params(page.url)["q"] == question
    first = answer.inner_text()
    assert first.startswith("In the sources: HK$1 billion")
    link = shared_link(page)
    assert params(link) == {"lang": "en", "q": question}
    other = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    other.goto(link)
    other.locator(".hkai-answer").first.wait_for(timeout=60000)
    assert other.locator(".hkai-answer").first.inner_text() == first
    shot(other, "ask-from-shared-link")
    other.context.close()
    # The source card opens the document with the cited sentence marked, not a whole block.
    page.get_by_role("link", name="Open the document at this passage").first.click()
    mark = page.locator("mark#hkai-at")
    mark.wait_for(timeout=60000)
    assert "10亿港元" in mark.inner_text() and len(mark.inner_text()) < 120
    assert params(page.url)["lang"] == "en"
    expect(mark).to_be_in_viewport(timeout=15000)  # scrolled to, inside the document's own scroll box
    shot(page, "viewer-cited-sentence")


def test_a_follow_ups_link_carries_what_it_followed(browser, page, app_url):
    """"And how much of that is at Cyberport?" means nothing alone: its link
    carries the question it followed, and opening it gives the same answer."""
    page.goto(f"{app_url}/?lang=en")
    settle(page, "Ask the documents")
    ask(page, "How much total computing power does Hong Kong have?")
    page.locator(".hkai-answer").first.wait_for(timeout=60000)
    until_url(page, lambda url: "q" in params(url))
    ask(page, "And how much of that is at Cyberport?")
    page.locator(".hkai-answer").nth(1).wait_for(timeout=60000)
    until_url(page, lambda url: params(url).get("q") == "And how much of that is at Cyberport?")
    assert params(page.url)["after"] == "How much total computing power does Hong Kong have?"
    answer = page.locator(".hkai-answer").nth(1).inner_text()
    assert answer.startswith("In the sources: 3,000 PFLOPS"), answer
    link = shared_link(page)
    assert params(link)["after"] == "How much total computing power does Hong Kong have?"
    other = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    other.goto(link)
    other.locator(".hkai-answer").first.wait_for(timeout=60000)
    assert other.locator(".hkai-answer").first.inner_text() == answer
    other.get_by_text("Searched as a follow-up:", exact=False).first.wait_for()  # the page says what was searched
    other.context.close()


def test_a_visitors_figure_lands_on_the_chart_of_its_metric(page, app_url, tmp_path):
    note = tmp_path / "shatin.md"
    note.write_text("# Shatin data park\n\nThe Shatin data park fund is HK$3.5bn (35億港元), says the plan.",
                    encoding="utf-8")
    page.goto(f"{app_url}/documents?lang=en")
    settle(page, "Document library")
    page.locator("input[type=file]").set_input_files(str(note))
    page.get_by_text("Added shatin.md", exact=False).wait_for(timeout=60000)
    until_url(page, lambda url: "ws" in params(url))
    page.locator("[data-testid=stSidebar]").get_by_role("link", name="Investment").click()
    page.get_by_role("heading", name="Investment commitments").wait_for(timeout=60000)
    assert "ws" in params(page.url)  # the workspace travels with the sidebar link
    page.locator("canvas, svg.marks").first.wait_for(timeout=30000)
    shot(page, "investment-with-visitor-figure")
    with page.expect_download() as download:
        page.get_by_role("button", name="Data (CSV)").click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig"))))
    mine = [r for r in rows if r["Origin"] == "from your documents"]
    assert len(mine) == 1 and mine[0]["Value"] == "3500.0" and "HK$3.5bn" in mine[0]["Quote"]
    assert "Hong Kong AI R&D Institute (reserved)" in {r["Figure"] for r in rows}  # curated figures stay
