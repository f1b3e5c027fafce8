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
        if time.time() > deadline:
            raise AssertionError("\n".join([page.url, *(page.evaluate("window.__hkaiPresentLog") or [])]))
        page.wait_for_timeout(200)


def shared_link(page) -> str:
    """Open "Copy link to this answer" (an expander in the page's flow) and read the link it shows."""
    share = page.locator("[data-testid=stExpander]").filter(has_text="Copy link to this answer").last
    share.locator("summary").click()
    code = share.locator("[data-testid=stCode]")
    code.wait_for(timeout=30000)
    return code.inner_text().strip()


def slide_fits(page) -> None:
    """The slide needs no scrolling: nothing in the main area runs past the window's bottom, a chart measured
    once it is drawn; a table slide's table fills the view (its type grown to it) rather than its top half."""
    page.locator("[data-testid=stStatusWidget]").wait_for(state="detached", timeout=60000)  # the run is over
    chart = page.locator(".st-key-hkai_slide_chart")
    if chart.count():
        chart.locator("canvas.marks, svg.marks").first.wait_for(state="visible", timeout=60000)
    sizes = []
    for _ in range(20):  # the previous slide's elements leave, and a chart takes its size, after the run
        page.wait_for_timeout(250)
        sizes = page.evaluate("""() => { const m = document.querySelector('[data-testid=stMain]');
            const fit = document.querySelector('.hkai-fit');
            return [document.documentElement.scrollHeight, m.scrollHeight, window.innerHeight,
                    fit ? fit.getBoundingClientRect().bottom : null] }""")
        if max(sizes[:2]) <= sizes[2] + 2 and (sizes[3] is None or sizes[3] >= 0.8 * sizes[2]):
            return
    raise AssertionError(f"the slide scrolls, or its table leaves the view half empty: {sizes}")


def drawn(page, n: int) -> None:
    """Slide n (from 0) drawn to its end: the mark the slide's last element carries."""
    page.locator(f".hkai-slide-end[data-slide='{n}']").wait_for(state="attached", timeout=60000)


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
                drawn(page, n)
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


def test_present_mode_entered_by_its_button_stays_through_keys_buttons_and_a_reload(browser, app_url):
    """The Present button puts the mode in the address; every key and button after it, and a reload, keep it;
    every key walks forward and back, the first slide to the last and back to the first; Exit leaves."""
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="en-GB")
    page = context.new_page()
    try:
        page.goto(f"{app_url}/compute?lang=en")
        settle(page, "Computing power")
        page.get_by_role("button", name="Present").click()
        page.locator(".hkai-slide-title").first.wait_for(timeout=60000)
        until_url(page, lambda url: params(url).get("present") == "1")
        total = int(re.search(r"/ (\d+)\)", counter(page)).group(1))
        first = int(re.search(r"\((\d+) /", counter(page)).group(1))
        page.reload()  # a reload keeps the mode and the slide
        expect(page.locator(".hkai-counter")).to_contain_text(f"({first} / {total})", timeout=60000)
        page.get_by_role("button", name="Previous").click()  # the bar's own buttons
        until_url(page, lambda url: params(url).get("slide") == str(first - 2) and params(url).get("present") == "1")
        for n in range(first - 3, -1, -1):  # back to the very first slide, a key at a time as a presenter does
            page.wait_for_function("() => window.__hkaiPresentKeys === true")
            page.keyboard.press("PageUp")
            until_url(page, lambda url, n=n: params(url).get("slide") in ((str(n), None) if n == 0 else (str(n),))
                      and params(url).get("present") == "1")
        expect(page.locator(".hkai-counter")).to_contain_text(f"(1 / {total})", timeout=60000)
        for n in range(1, total):  # forward to the last, each key in turn
            page.wait_for_function("() => window.__hkaiPresentKeys === true")
            page.keyboard.press(["ArrowRight", "PageDown", " "][n % 3])
            until_url(page, lambda url, n=n: params(url).get("slide") == str(n) and params(url).get("present") == "1")
        for n in range(total - 2, -1, -1):  # and back to the first
            page.wait_for_function("() => window.__hkaiPresentKeys === true")
            page.keyboard.press(["ArrowLeft", "PageUp"][n % 2])
            until_url(page, lambda url, n=n: params(url).get("slide") == str(n) and params(url).get("present") == "1")
        page.get_by_role("button", name="Exit presentation").click()
        until_url(page, lambda url: "present" not in params(url))
        page.locator("[data-testid=stSidebar]").wait_for(state="visible", timeout=30000)
        page.reload()  # and stays out
        settle(page, "Hong Kong AI at a glance")
        expect(page.locator(".hkai-slide-title")).to_have_count(0)
    finally:
        context.close()


def test_every_chart_slide_carries_its_charts_title_and_source(browser, app_url):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="en-GB")
    page = context.new_page()
    try:
        page.goto(f"{app_url}/overview?lang=en&present=1")
        total = int(re.search(r"/ (\d+)\)", counter(page)).group(1))
        charts = 0
        for n in range(total):
            page.goto(f"{app_url}/overview?lang=en&present=1&slide={n}")
            expect(page.locator(".hkai-counter")).to_contain_text(f"({n + 1} / {total})", timeout=60000)
            drawn(page, n)
            if page.locator(".st-key-hkai_slide_chart").count():
                charts += 1
                assert page.locator(".hkai-chart-title").inner_text().strip()
                assert page.locator(".hkai-slide-source").first.inner_text().strip()
            sizes = page.evaluate("""() => [...document.querySelectorAll('[data-testid=stMain] *')]
                .filter(e => e.childElementCount === 0 && e.innerText && e.innerText.trim())
                .map(e => parseFloat(getComputedStyle(e).fontSize))""")
            assert min(sizes) >= 16, (n, min(sizes))  # 12 pt is 16 px: nothing smaller at 1366x768
        assert charts >= 4
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
