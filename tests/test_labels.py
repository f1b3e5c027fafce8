"""Figures found in a visitor's document say what they measure: the noun phrase
the number qualifies, in English and Chinese sources, never the words that
happen to stand before it; and every loader's figures reach the dashboards."""

from pathlib import Path

import pytest

from hkai.dashboards.data import visitor_figures
from hkai.dashboards.labels import label_for
from hkai.ingest.loader import load_path

from .conftest import make_docx, make_html, make_pdf

SUBSIDY = "The Government announced a HK$2.5 billion AI compute subsidy for local start-ups."
DATA_CENTRE = "The new Tseung Kwan O data centre, which will provide 1,200 PFLOPS of computing power, opens in 2027."


@pytest.mark.parametrize("quote, raw, kind, label", [
    (SUBSIDY, "HK$2.5 billion", "money", "AI compute subsidy for local start-ups"),
    (DATA_CENTRE, "1,200 PFLOPS", "compute", "Tseung Kwan O data centre"),
    ("In 2024, HKSTP set aside HK$500 million for a new AI lab cluster.", "HK$500 million", "money",
     "new AI lab cluster (HKSTP)"),
    # What the amount is for, and whose; what a quantity of compute measures; what a count counts.
    ("The Jockey Club pledged HK$1 billion to AI research at local universities.", "HK$1 billion", "money",
     "AI research (Jockey Club)"),
    ("Microsoft will invest US$2 billion in Hong Kong cloud infrastructure over five years.", "US$2 billion",
     "money", "Hong Kong cloud infrastructure (Microsoft)"),
    ("The Airport Authority said it would add 80 PFLOPS of computing power at Chek Lap Kok.", "80 PFLOPS",
     "compute", "Airport Authority computing power"),
    ("HKUST now trains 40 new data scientists a year.", "40 new data scientists", "count",
     "new data scientists (HKUST)"),
    ("About 300 companies joined the scheme.", "300 companies", "count", "companies"),
    # An opening adverbial is no subject; an infinitive of purpose says what money is for; where it comes from
    # is passed over; a quantity of compute is whose.
    ("By 2027 the Sandy Ridge data park will supply 2,000 PFLOPS for model training.", "2,000 PFLOPS", "compute",
     "Sandy Ridge data park"),
    ("Last year the city council approved HK$40 million to expand the public data portal.", "HK$40 million",
     "money", "public data portal (city council)"),
    ("The university received HK$80 million from the Innovation and Technology Fund to build a robotics lab.",
     "HK$80 million", "money", "robotics lab (university)"),
    ("The Shatin data park fund is HK$3.5bn (35億港元).", "HK$3.5bn", "money", "Shatin data park fund"),
    ("撥款5,000萬元予數碼港，推動Web3生態發展。", "5,000萬元", "money", "數碼港 撥款"),
    ("其中數碼港人工智能超算中心提供3000 PFLOPS算力", "3000 PFLOPS", "compute", "數碼港人工智能超算中心"),
    ("將軍澳新數據中心將提供1,200 PFLOPS算力，預計2027年啟用。", "1,200 PFLOPS", "compute", "將軍澳新數據中心"),
    ("政府宣布撥款25億港元，資助本地初創企業使用人工智能算力。", "25億港元", "money", "資助本地初創企業"),
])
def test_a_figure_is_labelled_by_what_it_measures(quote, raw, kind, label):
    assert label_for(quote, raw, kind) == label


def test_the_words_before_the_number_are_not_the_label():
    assert label_for(SUBSIDY, "HK$2.5 billion", "money") != "The Government announced a"
    assert label_for(DATA_CENTRE, "1,200 PFLOPS", "compute") != "which will provide"


@pytest.mark.parametrize("make", [make_docx, make_pdf, make_html])
def test_every_loaders_figures_reach_the_dashboards_labelled(tmp_path, make):
    """The same two figures in a Word file, a PDF (whose text pypdf spaces out) and an HTML page."""
    path = make(tmp_path / f"tko.{make.__name__.split('_')[1]}", [SUBSIDY, DATA_CENTRE], "TKO plans")
    figures = {f.metric: f for f in visitor_figures([load_path(path)])}
    assert figures["money"].value == pytest.approx(2.5e9) and figures["compute"].value == pytest.approx(1200)
    assert figures["money"].label == "AI compute subsidy for local start-ups"
    assert figures["compute"].label == "Tseung Kwan O data centre"
    assert "HK$2.5 billion" in figures["money"].quote


def test_an_upload_is_titled_by_its_own_heading(tmp_path):
    docx = make_docx(tmp_path / "tko-subsidy.docx", [SUBSIDY], "")  # no title metadata
    import docx as python_docx

    d = python_docx.Document(str(docx))
    d.paragraphs[0].insert_paragraph_before("Tseung Kwan O compute plans", style="Heading 1")
    d.save(str(docx))
    assert load_path(docx).title == "Tseung Kwan O compute plans"
    text = tmp_path / "notes.txt"
    text.write_text("Harbour compute survey\n\n" + SUBSIDY, encoding="utf-8")
    assert load_path(text).title == "Harbour compute survey"
    plain = tmp_path / "plain-notes.txt"
    plain.write_text(SUBSIDY + "\n" + DATA_CENTRE, encoding="utf-8")
    assert load_path(plain).title == Path(plain).stem  # a first line that is a sentence is no heading


def test_the_taggers_word_table_is_jiebas_own_held_compactly():
    """The tagger's word -> part-of-speech table holds what jieba's own loader reads from its dictionary, with
    the segmenter's word strings as keys (not a second copy of 349,000 words) and one string per tag."""
    import jieba.posseg

    from hkai.core.words import segmenter
    from hkai.dashboards.labels import _tagger

    ours = type(_tagger())(segmenter()).word_tag_tab  # as loaded, before a cut adds the user dictionary's words
    jiebas = jieba.posseg.POSTokenizer(segmenter()).word_tag_tab
    assert len(ours) > 300_000 and ours == jiebas
    assert len({id(t) for t in ours.values()}) == len(set(ours.values()))  # one string per tag
    keys = {w: w for w in segmenter().FREQ}
    assert all(keys[w] is w for w in list(ours)[:1000])  # the segmenter's own strings
