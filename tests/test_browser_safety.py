"""In real Chromium: untrusted text stays text, and private workspaces are
capabilities carried in the link."""

import re
from pathlib import Path
from urllib.parse import quote, urlparse

import pytest

from .browser import CHROMIUM, ask, settle, shot

pytestmark = [pytest.mark.xdist_group("browser-safety"),  # one at a time per module: each drives a real app
              pytest.mark.browser,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"Chromium not found at {CHROMIUM}")]

HOSTILE = ("[Session expired - log in again](https://evil.example/login) "
           "![p](http://127.0.0.1:9/pixel.png) <img src=http://127.0.0.1:9/i.png onerror=alert(1)> "
           "<script>alert(2)</script> $x^2$ https://evil.example/bare")


def watch(page) -> dict:
    """Every request the page makes and every dialog it opens."""
    seen = {"requests": [], "dialogs": []}
    page.on("request", lambda r: seen["requests"].append(r.url))
    page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
    return seen


def assert_nothing_live(page, seen, app_url) -> None:
    own = urlparse(app_url).netloc
    outside = [u for u in seen["requests"] if urlparse(u).netloc not in (own, "")]
    assert outside == [], outside
    assert seen["dialogs"] == []
    links = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    assert [h for h in links if urlparse(h).netloc not in (own, "")] == []
    images = page.eval_on_selector_all("img", "els => els.map(e => e.src)")
    assert [s for s in images if urlparse(s).netloc not in (own, "") and not s.startswith("data:")] == []


def test_question_link_carrying_links_images_and_script_shows_text(page, app_url):
    seen = watch(page)
    page.goto(f"{app_url}/?lang=en&q={quote(HOSTILE)}")
    settle(page, "Ask the documents")
    page.get_by_text("Session expired - log in again](https://evil.example/login)", exact=False).first.wait_for()
    page.locator("[data-testid=stChatMessage]").nth(1).wait_for()
    assert_nothing_live(page, seen, app_url)
    shot(page, "safety-q-link")


def test_uploaded_markdown_and_text_with_links_stay_text_everywhere(page, app_url, tmp_path):
    md = tmp_path / "notice.md"
    md.write_text(f"# Login [here](https://evil.example/t)\n\n{HOSTILE}\n\n量子咖啡館的暗號是藍鯨計劃。",
                  encoding="utf-8")
    txt = tmp_path / "raw [x](https_evil.example).txt"
    txt.write_text(f"{HOSTILE} 光子烘焙的暗號是白鶴計劃。", encoding="utf-8")
    seen = watch(page)
    page.goto(f"{app_url}/documents?lang=en")
    settle(page, "Document library")
    page.locator("input[type=file]").set_input_files([str(md), str(txt)])
    page.get_by_text("Added notice.md", exact=False).wait_for(timeout=60000)
    page.get_by_text("Added raw [x](https_evil.example).txt", exact=False).wait_for(timeout=60000)
    # The library, the viewer (expanded) and the answers with source cards.
    viewer = page.locator("[data-testid=stExpander] summary").filter(
        has_text=re.compile(r"keyboard_arrow_\w+\s*raw \[x\]\(https_evil\.example\)"))
    viewer.wait_for(timeout=60000)
    viewer.click()
    page.locator(".hkai-doc:visible", has_text="光子烘焙的暗號是白鶴計劃").wait_for()
    assert_nothing_live(page, seen, app_url)
    shot(page, "safety-documents")
    page.locator("[data-testid=stSidebar]").get_by_role("link", name="Ask", exact=True).click()
    page.get_by_text("Ask the documents").wait_for()
    ask(page, "白鶴計劃的暗號是甚麼？")
    page.get_by_text("Sources").first.wait_for(timeout=60000)
    page.locator(".hkai-passage").first.wait_for()
    assert "evil.example/login" in page.inner_text("body")  # shown, as text
    assert_nothing_live(page, seen, app_url)
    shot(page, "safety-answer")


def test_private_workspace_link_survives_reload_and_nobody_else_sees_it(browser, app_url, tmp_path):
    note = tmp_path / "ws-note.md"
    note.write_text("# 私人筆記\n\n沙田的秘密實驗室代號為青龍七號。", encoding="utf-8")
    mine = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = mine.new_page()
    page.goto(f"{app_url}/documents?lang=en")
    settle(page, "Document library")
    page.locator("input[type=file]").set_input_files(str(note))
    page.get_by_text("Added ws-note.md", exact=False).wait_for(timeout=60000)
    page.wait_for_url(re.compile(r"[?&]ws=[A-Za-z0-9_-]{32}"))
    token = re.search(r"ws=([A-Za-z0-9_-]{32})", page.url).group(1)
    page.get_by_text("Your private workspace").wait_for()
    assert token in page.locator("[data-testid=stCode]").inner_text()  # the private link, to copy
    page.reload()
    page.locator("[data-testid=stExpander] summary").filter(has_text="私人筆記").wait_for(timeout=60000)
    shot(page, "workspace-mine")
    mine.close()

    stranger = browser.new_context(viewport={"width": 1400, "height": 1000})
    other = stranger.new_page()
    other.goto(f"{app_url}/documents?lang=en")
    settle(other, "Document library")
    other.locator("[data-testid=stExpander]").nth(1).wait_for()  # the two shipped documents
    assert other.locator("[data-testid=stExpander] summary").filter(has_text="私人筆記").count() == 0
    other.goto(f"{app_url}/?lang=zh-Hant&q={quote('青龍七號是甚麼？')}")
    other.locator("[data-testid=stChatMessage]").nth(1).wait_for(timeout=60000)
    assert "青龍七號是" not in other.locator("[data-testid=stChatMessage]").nth(1).inner_text()
    other.goto(f"{app_url}/documents?lang=en&ws=acme")  # a guessed name opens nothing
    other.get_by_text("That private link is not valid").wait_for()
    assert other.locator("[data-testid=stExpander] summary").filter(has_text="私人筆記").count() == 0
    assert "ws=acme" not in other.url
    other.goto(f"{app_url}/documents?lang=en&ws={token}")  # the link itself is the capability
    other.locator("[data-testid=stExpander] summary").filter(has_text="私人筆記").wait_for(timeout=60000)
    stranger.close()
