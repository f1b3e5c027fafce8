"""Loaders: every format gives text and metadata; every bad file a clear error."""

import zipfile

import pytest

from hkai.core.script import fold
from hkai.ingest.errors import LoadError
from hkai.ingest.loader import load_bytes, load_path

LIMIT = 20 * 1024 * 1024


@pytest.mark.parametrize("fmt", ["pdf", "docx", "html", "md", "txt"])
def test_each_format_loads_the_seed_text(format_files, fmt):
    doc = load_path(format_files[fmt], max_bytes=LIMIT)
    assert doc.format in {"pdf": "pdf", "docx": "docx", "html": "html", "md": "markdown", "txt": "text"}[fmt]
    assert doc.script == "zh-Hant"
    assert "數碼港" in doc.clean_text  # the word that spans a line break in the seed
    assert "5,000萬元" in doc.clean_text


@pytest.mark.parametrize("fmt,title", [("pdf", "文匯報 PDF"), ("docx", "文匯報 Word"),
                                       ("html", "文匯報 HTML"), ("md", "文匯報 Markdown")])
def test_titles_come_from_the_file(format_files, fmt, title):
    assert load_path(format_files[fmt], max_bytes=LIMIT).title == title


def test_html_drops_scripts_and_styles(format_files):
    text = load_path(format_files["html"], max_bytes=LIMIT).text
    assert "不應出現" not in text and "color: red" not in text


def test_unsupported_type_is_named():
    with pytest.raises(LoadError) as err:
        load_bytes(b"PK\x03\x04 data", "slides.xlsx", max_bytes=LIMIT)
    assert err.value.code == "unsupported"
    assert "slides.xlsx" in str(err.value) and ".xlsx" in err.value.reason


def test_empty_file_is_reported():
    with pytest.raises(LoadError) as err:
        load_bytes(b"  \n ", "blank.txt", max_bytes=LIMIT)
    assert err.value.code == "empty"


def test_oversized_file_is_reported_with_the_limit(tmp_path):
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * (2 * 1024 * 1024 + 1))
    with pytest.raises(LoadError) as err:
        load_path(big, max_bytes=2 * 1024 * 1024)
    assert err.value.code == "too_large" and "2 MB limit" in err.value.reason


def test_corrupt_pdf_is_reported():
    with pytest.raises(LoadError) as err:
        load_bytes(b"%PDF-1.7\nthis is not really a pdf", "broken.pdf", max_bytes=LIMIT)
    assert err.value.code == "corrupt" and "broken.pdf" in str(err.value)


def test_corrupt_docx_is_reported(tmp_path):
    bad = tmp_path / "bad.docx"
    with zipfile.ZipFile(bad, "w") as z:
        z.writestr("hello.txt", "not a word document")
    with pytest.raises(LoadError) as err:
        load_path(bad, max_bytes=LIMIT)
    assert err.value.code == "corrupt"


def test_binary_posing_as_text_is_reported():
    with pytest.raises(LoadError) as err:
        load_bytes(bytes(range(256)) * 4, "data.txt", max_bytes=LIMIT)
    assert err.value.code == "corrupt"


def test_big5_text_is_decoded():
    doc = load_bytes("數碼港人工智能超算中心".encode("big5hkscs"), "old.txt", max_bytes=LIMIT)
    assert fold(doc.text) == fold("數碼港人工智能超算中心")


def test_one_bad_file_does_not_stop_the_others(fresh_library, format_files, tmp_path):
    empty = tmp_path / "empty.md"
    empty.write_text("")
    report = fresh_library.index_paths([format_files["txt"], empty, tmp_path / "missing.pdf", format_files["docx"]])
    assert report.documents == 2
    assert sorted(e.code for e in report.errors) == ["empty", "missing"]


def test_a_pdf_knows_where_each_page_begins_without_its_headers_and_footers(tmp_path):
    from hkai.ingest.lines import page_span

    from .conftest import SURVEY_PAGES, make_paged_pdf

    doc = load_path(make_paged_pdf(tmp_path / "survey.pdf", SURVEY_PAGES))
    starts, text = doc.extra["page_starts"], doc.clean_text
    # the running header and the "Page n of 3" footers are not the document's sentences
    assert "Harbour Survey Report" not in text and "of 3" not in text
    assert all(page[:20] in text for page in SURVEY_PAGES)
    assert len(starts) == 3 and starts[0] == 0 and starts[0] < starts[1] < starts[2]
    for n, page in enumerate(SURVEY_PAGES, 1):
        at = text.index(page[:12])
        assert page_span(starts, at, at + len(page)) == [n, n]
    assert page_span(starts, text.index(SURVEY_PAGES[0][:12]), text.index(SURVEY_PAGES[2][:12]) + 5) == [1, 3]
    assert page_span([], 0, 10) == []


def test_page_starts_survive_empty_pages_carriage_returns_and_altered_lines():
    from hkai.ingest.lines import page_span, page_starts, repair_lines

    pages = ["Header\nFirst page text here.", "Header\nSecond page text.", "", "Header\r\nFourth page text."]
    clean = repair_lines("\n\n".join(pages))
    starts = page_starts(pages, clean)
    where = {w: page_span(starts, clean.index(w), clean.index(w) + 5) for w in ("First", "Second", "Fourth")}
    assert where == {"First": [1, 1], "Second": [2, 2], "Fourth": [4, 4]}  # the empty page 3 holds nothing
    # a page whose first line the text no longer has verbatim: its second line places it
    pages = ["Alpha line one.\nAlpha line two.", "Soft\u00adhyphen heading\nBeta text follows.", "Gamma page."]
    clean = "Alpha line one.\nAlpha line two.\nSofthyphen heading\nBeta text follows.\nGamma page."
    starts = page_starts(pages, clean)
    assert [page_span(starts, clean.index(w), clean.index(w) + 3) for w in ("Alpha", "Beta", "Gamma")] == \
        [[1, 1], [2, 2], [3, 3]]


def test_page_furniture_is_only_taken_from_the_edges_of_pages():
    from hkai.ingest.lines import strip_page_furniture

    pages = ["Annual Report 2024\nThe fund stood at HK$3 billion.\nAnnual Report 2024 is quoted here.\nPage 1 of 3",
             "Annual Report 2024\n數碼港提供1,500 PFLOPS算力。\n- 2 -",
             "Annual Report 2024\nThe findings came in March 2024.\nNotes\nMore notes\n3"]
    assert strip_page_furniture(pages) == ["The fund stood at HK$3 billion.\nAnnual Report 2024 is quoted here.",
                                           "數碼港提供1,500 PFLOPS算力。",
                                           "The findings came in March 2024.\nNotes\nMore notes"]
    assert strip_page_furniture(["第 1 頁\n甲乙丙丁。", "乙丙丁戊。\n第2页，共5页"]) == ["甲乙丙丁。", "乙丙丁戊。"]
    two = ["Report\nOne sentence here.", "Report\nAnother sentence."]  # two pages: too few to call "Report" furniture
    assert strip_page_furniture(two) == two
