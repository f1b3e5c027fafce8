"""The span reader's training data: the public sets' fitting halves and the seed questions.

Never an evaluation question (`bench.answers`: what is reported): DRCD_dev and
cmrc2018_trial give every paragraph none of whose questions is in an
evaluation sample (so the reported questions' paragraphs are unseen too; DRCD's
later articles, in no library, are most of it); XQuAD gives every question
that no evaluation sample holds in any language (its paragraphs are shared
with evaluation questions: there are too few to hold them apart), asked in
English and Chinese over its English and Chinese paragraphs; the seed
questions over the seeds' clean text. A held-out share of the training
paragraphs (`DEV_SHARE`) only watches the training.

A share of the questions also meets a paragraph of another article that
shares many of its characters, and one of its own article, neither holding
the answer: the reader learns to say "no answer" beside passages on the
same subject, as retrieval brings them.
"""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from dataclasses import dataclass

from hkai.core.script import fold, to_simplified, to_traditional

from ..answers import BENCH_DIR, answer_sets
from ..seeds import load_seed_questions, other_script

DEV_SHARE = 0.04
NEGATIVES = 0.35  # a hard negative paragraph of another article for this share of questions
SAME_ARTICLE = 0.35  # and one of the same article
SEED = 13


@dataclass
class Example:
    question: str
    context: str
    start: int  # the answer's first character in context, or -1: no answer
    answer: str
    group: str  # where it comes from
    paragraph: str  # the paragraph's identity (dev paragraphs are held out together)


def _evaluation_keys() -> tuple[set[str], set[tuple[str, str]]]:
    """Paragraphs with an evaluation question (DRCD, CMRC ids), and (paragraph, question) of every evaluation question."""
    pids, pairs = set(), set()
    for s in answer_sets():
        for q in s.evaluation:
            pids.add(q.pid)
            pairs.add((q.pid, q.text))
    return pids, pairs


def _find(context: str, answer: str, near: int) -> int:
    """Where the answer stands in the context, the occurrence nearest `near`."""
    spots, at = [], context.find(answer)
    while at >= 0:
        spots.append(at)
        at = context.find(answer, at + 1)
    return min(spots, key=lambda a: abs(a - near)) if spots else -1


def _chinese(path, held: set[str], group: str) -> list[tuple[str, list[Example]]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    out = []
    for article in data["data"]:
        paragraphs = []
        for para in article["paragraphs"]:
            pid = str(para["id"])
            if pid in held:
                continue
            for qa in para["qas"]:
                a = qa["answers"][0]
                start = _find(para["context"], a["text"], a["answer_start"])
                if start >= 0 and a["text"].strip():
                    paragraphs.append(Example(qa["question"], para["context"], start, a["text"], group, pid))
        out.append((article.get("title", ""), paragraphs))
    return out


def _xquad(pairs: set[tuple[str, str]]) -> list[tuple[str, list[Example]]]:
    en = json.loads((BENCH_DIR / "xquad_public.en.json").read_text(encoding="utf-8"))
    zh = json.loads((BENCH_DIR / "xquad_public.zh.json").read_text(encoding="utf-8"))
    out = []
    for a, b in zip(en["data"], zh["data"]):
        examples = []
        for i, (p, q) in enumerate(zip(a["paragraphs"], b["paragraphs"])):
            pid = f"{a['title']}-{i}"
            zh_context = to_traditional(q["context"])
            for qa_en, qa_zh in zip(p["qas"], q["qas"]):
                if (pid, qa_en["question"]) in pairs or (pid, qa_zh["question"]) in pairs:
                    continue
                en_answer, zh_answer = qa_en["answers"][0], qa_zh["answers"][0]
                zh_text = to_traditional(zh_answer["text"])
                for question in (qa_en["question"], qa_zh["question"]):
                    start = _find(p["context"], en_answer["text"], en_answer["answer_start"])
                    if start >= 0:
                        examples.append(Example(question, p["context"], start, en_answer["text"], "xquad-en", pid))
                    start = _find(zh_context, zh_text, zh_answer["answer_start"])
                    if start >= 0:
                        examples.append(Example(question, zh_context, start, zh_text, "xquad-zh", pid))
        out.append((a["title"], examples))
    return out


def _seeds() -> list[tuple[str, list[Example]]]:
    """The seed questions over the seeds' clean text (a window of the document around the expected string)."""
    from hkai.core.config import SEEDS_DIR
    from hkai.ingest.loader import load_path
    from hkai.ingest.manifest import seed_manifest

    texts = {}
    for name in seed_manifest():
        doc = load_path(SEEDS_DIR / name)
        texts[name.split("_")[0]] = doc.clean_text
    out = []
    for q in load_seed_questions():
        text = texts[q["doc"]]
        at, want = _locate(text, q["expect"])
        if at < 0:
            continue
        lo = max(0, at - 300)
        context = text[lo:at + want + 300]
        for question in (q["q"], other_script(q["q"])) if q["lang"] != "en" else (q["q"],):
            out.append(Example(question, context, at - lo, context[at - lo:at - lo + want], "seeds",
                               f"seed-{q['doc']}-{at}"))
    return [("seeds", out)]


def _locate(text: str, expect: str) -> tuple[int, int]:
    """(start, length) of the expected string in the text, in either script and with spaces as the text has them."""
    simple = to_simplified(text).lower()
    pattern = r"\s*".join(re.escape(ch) for ch in to_simplified(expect).lower() if not ch.isspace())
    m = re.search(pattern, simple) if len(simple) == len(text) else None
    return (m.start(), m.end() - m.start()) if m else (-1, 0)


def _overlap(a: str, b: str) -> float:
    x, y = set(fold(a)), set(fold(b))
    return len(x & y) / max(1, len(x))


def _negatives(articles: list[tuple[str, list[Example]]], rng: random.Random) -> list[Example]:
    """For a share of questions, a paragraph that does not answer them: one of another article sharing most
    of the question's characters (`NEGATIVES`), and one of the same article, on the same subject, that does
    not hold the answer (`SAME_ARTICLE`): what retrieval brings beside the paragraph that answers."""
    paragraphs = [(t, e.paragraph, e.context) for t, exs in articles for e in {x.paragraph: x for x in exs}.values()]
    out = []
    for title, exs in articles:
        others = [p for p in paragraphs if p[0] != title]
        if not others:
            continue
        own = {e.paragraph: e.context for e in exs}
        for e in exs:
            if rng.random() < NEGATIVES:
                pool = rng.sample(others, min(60, len(others)))
                _, pid, context = max(pool, key=lambda p: _overlap(e.question, p[2]))
                if fold(e.answer) not in fold(context):
                    out.append(Example(e.question, context, -1, "", e.group + "-none", pid))
            if rng.random() < SAME_ARTICLE:
                near = [(pid, c) for pid, c in own.items() if pid != e.paragraph and fold(e.answer) not in fold(c)]
                if near:
                    pid, context = max(near, key=lambda p: _overlap(e.question, p[1]))
                    out.append(Example(e.question, context, -1, "", e.group + "-near", pid))
    return out


def _script_variants(e: Example, rng: random.Random) -> Example:
    """DRCD is Traditional, CMRC Simplified, Hong Kong sources both: half the paragraphs in the other script,
    and a share of the questions (a question in one script over a passage in the other)."""
    question = other_script(e.question) if rng.random() < 0.3 and e.group != "xquad-en" else e.question
    context, start, answer = e.context, e.start, e.answer
    if e.group in ("drcd", "cmrc") and rng.random() < 0.5:
        convert = to_simplified if e.group == "drcd" else to_traditional
        c2, a2 = convert(context), convert(answer)
        s2 = _find(c2, a2, start) if len(c2) == len(context) else -1
        if s2 >= 0:
            context, start, answer = c2, s2, a2
    return Example(question, context, start, answer, e.group, e.paragraph)


def build() -> tuple[list[Example], list[Example], dict]:
    """(training, dev, record of what went in)."""
    rng = random.Random(SEED)
    held, pairs = _evaluation_keys()
    articles = (_chinese(BENCH_DIR / "DRCD_dev.json", held, "drcd") + _chinese(BENCH_DIR / "cmrc2018_trial.json", held, "cmrc")
                + _xquad(pairs))
    examples = [e for _, exs in articles for e in exs] + _negatives(articles, rng)
    seeds = [e for _, exs in _seeds() for e in exs]
    paragraphs = sorted({e.paragraph for e in examples})
    dev_paragraphs = set(rng.sample(paragraphs, int(len(paragraphs) * DEV_SHARE)))
    train = [_script_variants(e, rng) for e in examples if e.paragraph not in dev_paragraphs] + seeds
    dev = [e for e in examples if e.paragraph in dev_paragraphs]
    record = {"train": dict(Counter(e.group for e in train)), "dev": dict(Counter(e.group for e in dev)),
              "held_out_paragraphs": len(held), "evaluation_questions": len(pairs), "seed": SEED,
              "rule": __doc__.split("\n\n")[1].replace("\n", " ")}
    return train, dev, record


def trained_pairs() -> set[tuple[str, str]]:
    """(paragraph, question) of every question the span reader trained on: the sentence reader's fit
    (`bench.fit_answers`) leaves them out, so that it weighs the span reader's scores as they come on unseen
    questions, not as it recalls the ones it learnt."""
    held, pairs = _evaluation_keys()
    articles = (_chinese(BENCH_DIR / "DRCD_dev.json", held, "drcd") + _chinese(BENCH_DIR / "cmrc2018_trial.json", held, "cmrc")
                + _xquad(pairs))
    return {(e.paragraph, e.question) for _, exs in articles for e in exs}
