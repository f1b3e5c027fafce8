"""Normalisation, script handling and chunking."""

from hkai.core.script import detect_script, fold, to_traditional
from hkai.core.sentences import split_sentences
from hkai.index.chunking import chunk_document
from hkai.ingest.lines import repair_lines
from hkai.ingest.loader import load_path

from .conftest import SEED_000, SEED_002


def test_broken_cjk_line_is_joined_without_space():
    text = "特區政府新一份財政預算案公布，撥款5,000萬元予數\n碼港，加速推動香港Web3.0生態圈的發展。"
    assert "撥款5,000萬元予數碼港，加速" in repair_lines(text)


def test_blank_line_inside_a_sentence_is_joined():
    text = "展示政府對虛擬資產創新抱持開放態度及堅定決心，而業界的反應都十分正面，政府抱持開\n\n放態度及堅定決心。"
    assert "抱持開放態度" in repair_lines(text)


def test_paragraph_breaks_after_sentences_are_kept():
    text = "第一段的內容到這裏結束。\n第二段由這裏開始，內容繼續下去。"
    assert repair_lines(text).split("\n") == ["第一段的內容到這裏結束。", "第二段由這裏開始，內容繼續下去。"]


def test_latin_words_split_across_lines_keep_a_space():
    assert "New Bing" in repair_lines("ChatGPT（GPT3.5）和 New\nBing 進行了比較測試，並向這4款AI產品提出了10條問答題。")


def test_seed_002_repairs_the_cyberport_split():
    doc = load_path(SEED_002, max_bytes=1 << 30)
    assert "數碼港" not in doc.text.replace("\n", "X")[:1] and "予數\n碼港" in doc.text
    assert "予數碼港" in doc.clean_text
    assert doc.text == SEED_002.read_text(encoding="utf-8")  # the original is kept for display


def test_script_detection():
    assert detect_script("香港的總算力有多少？") == "zh-Hant"
    assert detect_script("香港的总算力有多少？") == "zh-Hans"
    assert detect_script("What is Hong Kong's total computing power?") == "en"
    assert detect_script(SEED_000.read_text(encoding="utf-8")) == "zh-Hans"


def test_fold_makes_scripts_and_widths_equal():
    assert fold("數碼港ＡＩ") == fold("数码港ai")
    assert fold("特区政 府") == "特区政府"  # a PDF's stray space between Han characters


def test_traditional_conversion_uses_hong_kong_forms():
    assert to_traditional("数码港人工智能超算中心") == "數碼港人工智能超算中心"


def test_sentences_split_on_cjk_terminators_and_digest_bullets():
    assert split_sentences("阿里股價收報99.3元，升1.59%。百度收跌5.39%！") == ["阿里股價收報99.3元，升1.59%。", "百度收跌5.39%！"]
    assert split_sentences("支柱 [4] - 香港特区政府已预留10亿港元 [5]") == ["支柱 [4]", "香港特区政府已预留10亿港元 [5]"]


def test_chunks_are_sized_overlapping_and_end_on_sentences():
    doc = load_path(SEED_002, max_bytes=1 << 30)
    chunks = chunk_document(doc, 320, 60)
    assert len(chunks) > 10
    assert all(len(c.text) <= 320 for c in chunks)
    ends = sum(c.text.endswith(("。", "！", "？", "；")) or doc.clean_text[c.start + len(c.text):][:1] == "\n" for c in chunks)
    assert ends / len(chunks) > 0.7
    assert all(doc.clean_text[c.start:c.start + len(c.text)] == c.text for c in chunks)


def test_chunk_ids_are_stable_content_hashes():
    doc = load_path(SEED_002, max_bytes=1 << 30)
    assert [c.chunk_id for c in chunk_document(doc)] == [c.chunk_id for c in chunk_document(doc)]


def test_traditional_quotes_say_and_not_merged():
    """OpenCC's s2hk writes 并成为 ("and became") as 併成為 ("merged into"); the
    fixes dictionary, loaded through OpenCC's own configuration, corrects it
    and leaves the real "merge" alone."""
    from hkai.core.script import to_traditional

    seed = "商汤科技于2014年落户香港科学园并成为香港第一家独角兽企业并成功上市"
    assert to_traditional(seed) == "商湯科技於2014年落户香港科學園並成為香港第一家獨角獸企業並成功上市"
    assert to_traditional("两家公司合并成一家") == "兩家公司合併成一家"
    assert to_traditional("人工智能发展") == "人工智能發展"  # the rest of s2hk is untouched


def test_simplified_ui_strings_use_mainland_words():
    from hkai.core import i18n

    for key in i18n.STRINGS:
        hans = i18n.t(key, "zh-Hans")
        assert not any(word in hans for word in i18n.HANS_WORDS), (key, hans)
    assert i18n.t("docs.ws_invalid", "zh-Hans") == "此私人链接无效，未能打开任何工作区。"
    assert i18n.t("docs.ws_invalid", "zh-Hant") == "此私人連結無效，未能打開任何工作區。"  # Hong Kong keeps its words


def test_an_english_sentence_before_chinese_is_a_sentence_of_its_own():
    """A bilingual page (or a page break) puts "…morning." before "數碼港…"."""
    text = repair_lines("The survey counted ferries each morning.\n\n數碼港提供3000 PFLOPS算力。\nIt ends here.")
    assert split_sentences(text) == ["The survey counted ferries each morning.", "數碼港提供3000 PFLOPS算力。",
                                     "It ends here."]
    # a decimal, a version or a ticker before Chinese is no sentence end
    assert split_sentences("香港Web3.0協會昨日成立。股價升1.59%。阿里巴巴（9988.HK）旗下阿里雲。") == [
        "香港Web3.0協會昨日成立。", "股價升1.59%。", "阿里巴巴（9988.HK）旗下阿里雲。"]
