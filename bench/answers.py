"""Answer quality against gold answers: the public reading-comprehension sets
(DRCD_dev, cmrc2018_trial, the public XQuAD half: English questions over
Traditional Chinese passages, English over English, Chinese over English), every paragraph one document, each question
asked through `Library.ask` as the page and the CLI ask it.

Per set: the gold answer text in the answer, in its first quoted sentence, the
gold paragraph cited, the median answer length, answerable questions refused,
and no-answer probes (one set's questions asked of another set's library)
abstained on, with or without a figure line; beside them a plain extractor
(the top hit's sentence sharing the most characters with the question).

Questions are split once, by a fixed seed, into an evaluation sample (what is
reported and asserted) and a disjoint fitting sample (what
`bench/fit_answers.py` fits the answerer's weights on).
"""

from __future__ import annotations

import json
import random
import re
import statistics
from dataclasses import dataclass, field
from pathlib import Path

from hkai.core.script import detect_script, fold, to_traditional
from hkai.core.sentences import split_sentences
from hkai.ingest.document import Document, content_hash

from .scoring import best

BENCH_DIR = Path(__file__).resolve().parent
EVAL_N = 200
SEED = 7


@dataclass
class Question:
    text: str
    pid: str
    golds: list[str]


@dataclass
class AnswerSet:
    name: str
    docs: list[Document]
    evaluation: list[Question]
    fitting: list[Question] = field(default_factory=list)


def _split(questions: list[Question], n_eval: int = EVAL_N) -> tuple[list, list]:
    """(evaluation sample, every other question): the fitting sample never holds an evaluation question."""
    order = list(range(len(questions)))
    random.Random(SEED).shuffle(order)
    return [questions[i] for i in order[:n_eval]], [questions[i] for i in order[n_eval:]]


def _squad(path: Path, max_passages: int | None) -> tuple[list[Document], list[Question]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    docs, questions = [], []
    for article in data["data"]:
        if max_passages and len(docs) >= max_passages:
            break
        for para in article["paragraphs"]:
            pid = str(para["id"])
            docs.append(Document(doc_id=pid, title=article.get("title", pid), source=f"{path.name}#{pid}",
                                 text=para["context"], script=detect_script(para["context"][:300]),
                                 language="zh", content_hash=content_hash(para["context"])))
            questions += [Question(qa["question"], pid, list(dict.fromkeys(a["text"] for a in qa["answers"])))
                          for qa in para["qas"]]
    return docs, questions


DRCD_PASSAGES = 400  # DRCD_dev's later articles are no library's: `bench.reference` takes its sentences there


def drcd() -> AnswerSet:
    """DRCD_dev's first articles, 400 passages and more (Traditional)."""
    docs, qs = _squad(BENCH_DIR / "DRCD_dev.json", DRCD_PASSAGES)
    return AnswerSet("DRCD_dev", docs, *_split(qs))


def cmrc() -> AnswerSet:
    """cmrc2018_trial, all 256 passages (Simplified)."""
    docs, qs = _squad(BENCH_DIR / "cmrc2018_trial.json", None)
    return AnswerSet("cmrc2018_trial", docs, *_split(qs))


def xquad() -> AnswerSet:
    """The public XQuAD half: Chinese paragraphs in Traditional script, the
    English questions about them, the Chinese gold answers."""
    en = json.loads((BENCH_DIR / "xquad_public.en.json").read_text(encoding="utf-8"))
    zh = json.loads((BENCH_DIR / "xquad_public.zh.json").read_text(encoding="utf-8"))
    docs, qs = [], []
    for a, b in zip(en["data"], zh["data"]):
        for i, (p, q) in enumerate(zip(a["paragraphs"], b["paragraphs"])):
            pid = f"{a['title']}-{i}"
            text = to_traditional(q["context"])
            docs.append(Document(doc_id=pid, title=b["title"], source=f"xquad#{pid}", text=text, script="zh-Hant",
                                 language="zh", content_hash=content_hash(text)))
            for qa_en, qa_zh in zip(p["qas"], q["qas"]):
                golds = list(dict.fromkeys(to_traditional(x["text"]) for x in qa_zh["answers"]))
                qs.append(Question(qa_en["question"], pid, golds))
    return AnswerSet("xquad_public en->zh-Hant", docs, *_split(qs))


def _xquad_english(articles) -> tuple[list[Document], list[Question]]:
    docs, qs = [], []
    for a in articles:
        for i, p in enumerate(a["paragraphs"]):
            pid = f"{a['title']}-{i}"
            docs.append(Document(doc_id=pid, title=a["title"], source=f"xquad-en#{pid}", text=p["context"],
                                 script="en", language="en", content_hash=content_hash(p["context"])))
            qs += [Question(qa["question"], pid, list(dict.fromkeys(x["text"] for x in qa["answers"])))
                   for qa in p["qas"]]
    return docs, qs


def xquad_english() -> AnswerSet:
    """The public XQuAD half in English: English questions over the English
    paragraphs of its even-numbered articles (12 of 24, 60 paragraphs)."""
    en = json.loads((BENCH_DIR / "xquad_public.en.json").read_text(encoding="utf-8"))
    docs, qs = _xquad_english(en["data"][0::2])
    return AnswerSet("xquad_public en", docs, *_split(qs))


def _xquad_chinese(articles_en, articles_zh) -> tuple[list[Document], list[Question]]:
    """The same English paragraphs, asked about in Chinese (XQuAD's Chinese questions), with English golds."""
    docs, _ = _xquad_english(articles_en)
    qs = []
    for a, b in zip(articles_en, articles_zh):
        for i, (p, q) in enumerate(zip(a["paragraphs"], b["paragraphs"])):
            qs += [Question(qa_zh["question"], f"{a['title']}-{i}", list(dict.fromkeys(x["text"] for x in qa_en["answers"])))
                   for qa_en, qa_zh in zip(p["qas"], q["qas"])]
    return docs, qs


def xquad_chinese() -> AnswerSet:
    """Chinese questions over English paragraphs: XQuAD's Chinese questions about
    the English paragraphs of its even-numbered articles (the library of
    `xquad_english`), the English gold answers."""
    en = json.loads((BENCH_DIR / "xquad_public.en.json").read_text(encoding="utf-8"))
    zh = json.loads((BENCH_DIR / "xquad_public.zh.json").read_text(encoding="utf-8"))
    docs, qs = _xquad_chinese(en["data"][0::2], zh["data"][0::2])
    return AnswerSet("xquad_public zh->en", docs, *_split(qs))


def xquad_chinese_probes() -> AnswerSet:
    """Chinese no-answer probes for an English library: XQuAD's Chinese questions about the odd-numbered articles."""
    en = json.loads((BENCH_DIR / "xquad_public.en.json").read_text(encoding="utf-8"))
    zh = json.loads((BENCH_DIR / "xquad_public.zh.json").read_text(encoding="utf-8"))
    _, qs = _xquad_chinese(en["data"][1::2], zh["data"][1::2])
    return AnswerSet("xquad_public zh, other articles", [], *_split(qs))


def xquad_english_probes() -> AnswerSet:
    """English no-answer probes: questions about the odd-numbered articles, whose paragraphs are not in the library."""
    en = json.loads((BENCH_DIR / "xquad_public.en.json").read_text(encoding="utf-8"))
    _, qs = _xquad_english(en["data"][1::2])
    return AnswerSet("xquad_public en, other articles", [], *_split(qs))


def answer_sets() -> list[AnswerSet]:
    return [drcd(), cmrc(), xquad(), xquad_english(), xquad_english_probes(), xquad_chinese(), xquad_chinese_probes()]


# Each set's no-answer probes: questions of another set, asked of this set's library.
PROBES = {"DRCD_dev": "cmrc2018_trial", "cmrc2018_trial": "DRCD_dev", "xquad_public en->zh-Hant": None,
          "xquad_public en": "xquad_public en, other articles",
          "xquad_public zh->en": "xquad_public zh, other articles"}
ENGLISH_PROBES_OF = "DRCD_dev"  # English questions (XQuAD's) asked of the DRCD library


def quoted_lines(answer_text: str) -> list[str]:
    """The answer's quoted lines (source sentences and table rows, each ending in [n])."""
    return [line for line in answer_text.split("\n\n") if re.search(r"\[\d+\]\s*$", line)]


def contains(text: str, golds: list[str]) -> bool:
    folded = fold(text)
    return any(fold(g) in folded for g in golds if g.strip())


def plain_extractor(lib, question: str) -> str:
    """The top hit's sentence sharing the most characters with the question."""
    hits = lib.search(question, k=1)
    if not hits:
        return ""
    chars = set(fold(question))
    sentences = split_sentences(hits[0].text) or [hits[0].text]
    return max(sentences, key=lambda s: len(chars & set(fold(s))))


def evaluate(lib, questions: list[Question], probes: list[Question] = ()) -> dict:
    """The answer figures of one library."""
    n = max(1, len(questions))
    in_answer = first = cited = refused = plain = named = 0
    lengths, sentences, span_f1, span_em = [], [], [], []
    for q in questions:
        a = lib.ask(q.text)
        f1, em = best(a.span["text"] if a.span else None, q.golds)
        span_f1.append(f1)
        span_em.append(em)
        named += a.span is not None
        quotes = quoted_lines(a.answer)
        if not a.answered:
            refused += 1
        else:
            said = [re.sub(r"\s*\[\d+\]\s*$", "", x) for x in quotes]
            lengths.append(len("".join(said)))
            sentences.append(sum(len(split_sentences(x)) or 1 for x in said))
        in_answer += a.answered and contains(a.answer, q.golds)
        first += bool(a.answered and quotes and contains(quotes[0], q.golds))
        cited += any(c.doc_id == q.pid for c in a.citations) and a.answered
        plain += contains(plain_extractor(lib, q.text), q.golds)
    out = {"n": len(questions), "gold_in_answer": in_answer / n, "gold_in_first": first / n, "gold_paragraph_cited": cited / n,
           "median_chars": statistics.median(lengths) if lengths else 0,
           "median_sentences": statistics.median(sentences) if sentences else 0, "refused": refused / n,
           "plain_extractor": plain / n, "span_f1": statistics.fmean(span_f1) if span_f1 else 0.0,
           "span_em": statistics.fmean(span_em) if span_em else 0.0, "span_named": named / n}
    if probes:
        abstained = figure_lines = 0
        for q in probes:
            a = lib.ask(q.text)
            abstained += not a.answered
            figure_lines += a.answer.startswith(("In the sources", "來源所載", "来源所载"))
        out.update({"probes": len(probes), "probes_abstained": abstained / len(probes),
                    "probe_figure_lines": figure_lines})
    return out


DEFAULT_CACHE = Path.home() / ".cache" / "hkai-bench" / "embedding-cache.sqlite"


def folder_name(name: str) -> str:
    """A set's name as a store folder: every set its own (two sets' names may share a prefix)."""
    return re.sub(r"\W+", "-", name).strip("-")


def open_library(model: str, folder: Path, docs: list[Document], cache: Path | None = DEFAULT_CACHE):
    """A library of `docs` (every paragraph one document), its vectors cached
    by content in `cache` across runs."""
    from hkai.core.config import load_settings
    from hkai.library import Library

    lib = Library(load_settings(store_dir=folder, embedding_model=model, embedding_cache=cache))
    lib.index_documents(docs)
    lib.finish_embedding()
    return lib


def open_seed_library(model: str, folder: Path, cache: Path | None = DEFAULT_CACHE):
    """The shipped documents, as the app indexes them."""
    from hkai.core.config import load_settings
    from hkai.library import Library

    lib = Library(load_settings(store_dir=folder, embedding_model=model, embedding_cache=cache))
    lib.ensure_seeds()
    lib.finish_embedding()
    return lib


# The public sets' questions asked of the seeds: a small library on one topic, which answers none of them.
SEED_PROBES = ("xquad_public en->zh-Hant", "xquad_public en", "DRCD_dev", "cmrc2018_trial")


def answers_rows(models: list[str], tmp: Path, cache: Path | None = DEFAULT_CACHE):
    """The `answers` bench section: every set, for each model (lexical is "none"), row by row."""
    from .rows import Row

    sets = {s.name: s for s in answer_sets()}
    for model in models:
        label = "lexical" if model == "none" else model
        for name, s in sets.items():
            if not s.docs:
                continue  # a probe set only
            lib = open_library(model, tmp / f"answers-{folder_name(name)}-{model}", s.docs, cache)
            probes = sets[PROBES[name]].evaluation if PROBES.get(name) else []
            yield Row("answers", f"{name}, {label}", evaluate(lib, s.evaluation, probes))
            if name == ENGLISH_PROBES_OF:
                english = sets["xquad_public en->zh-Hant"].evaluation
                run = evaluate(lib, [], english)
                yield Row("answers", f"{name} library, English XQuAD probes, {label}",
                          {k: v for k, v in run.items() if k.startswith("probe")})
            lib.close()
        lib = open_seed_library(model, tmp / f"answers-seeds-{model}", cache)
        for name in SEED_PROBES:
            run = evaluate(lib, [], sets[name].evaluation)
            yield Row("answers", f"seeds library, {name} probes, {label}",
                      {k: v for k, v in run.items() if k.startswith("probe")})
        lib.close()


def ingest_rows(model: str, tmp: Path, n: int = 24) -> list:
    """Ingest per passage with and without the sentence vectors (a fresh cache each)."""
    import time

    from hkai.index.embeddings import load_dense
    from hkai.index.points import PointMaker, passage_sentences
    from hkai.index.sparse import BM25SparseEmbeddings

    from .rows import Row

    docs = drcd().docs[:n]
    out = {}
    for with_sentences in (False, True):
        dense, _ = load_dense(model, tmp / f"ingest-{with_sentences}.sqlite")
        maker = PointMaker(BM25SparseEmbeddings(), dense)
        t0 = time.perf_counter()
        for d in docs:
            text = d.clean_text
            maker.model_vectors([text], [passage_sentences(text, 0, len(text))] if with_sentences else None)
        out[with_sentences] = (time.perf_counter() - t0) / len(docs)
    return [Row("answers", f"ingest with the model ({model}), {n} DRCD passages of ~450 characters",
                {"s_per_passage_without_sentences": out[False], "s_per_passage_with_sentences": out[True],
                 "ratio": out[True] / out[False]})]
