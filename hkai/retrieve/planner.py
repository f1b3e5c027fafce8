"""A question to what is searched: its script, lexical terms, salient words
and concepts (an English question with the glossary's Chinese).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from ..core.script import detect_script, fold
from ..core.words import segmenter
from ..index.sparse import terms
from .glossary import load_glossary

EN_STOPWORDS = set("""a an the of in on at to for from by with and or but is are was were be been being do does did
what which who whom whose when where why how many much is it its this that these those there their they he she
his her as about into than then so if not no yes can could will would should may might has have had i you we our
your me my tell please give list show any some all more most other such only own same too very just also
s t d ll re ve
""".split())


# Words of a Chinese question that say what kind of answer is wanted, not what it is about.
# (Folded word by word: folding a whole line would join the words.)
ZH_QUESTION_WORDS = {fold(w) for w in """什么 甚麼 多少 哪些 哪个 哪個 哪里 哪裡 哪一 几 幾 是否 如何 怎样 怎樣 怎么样 怎麼樣
为什么 為什麼 何时 何時 有没有 有沒有 是什么 呢 吗 嗎 请问 請問 哪家 哪年 何 谁 誰 多大 多久 目前 一个 一個 这个 這個 那个
其 的 是 有 了 在 和 及 与 與""".split()}


@dataclass
class QueryPlan:
    question: str
    script: str
    terms: list[str]  # lexical terms sent to Qdrant
    salient: list[str]  # folded strings a passage should contain to answer
    expansions: list[str] = field(default_factory=list)  # chinese terms added by the glossary
    names: list[str] = field(default_factory=list)  # terms of proper names in an English question (weigh more)
    # What the question asks about, each with the ways a passage may say it (an
    # English phrase or its Chinese terms).
    concepts: list[list[str]] = field(default_factory=list)

    def named(self) -> list[list[str]]:
        """Each thing the question names, once, with its wordings (its glossary concept, or the name alone)."""
        return [list(g) for g in dict.fromkeys(tuple(next((g for g in self.concepts if n in g), [n]))
                                               for n in self.names)]


def plan_query(question: str) -> QueryPlan:
    script = detect_script(question)
    folded = fold(question)
    if script == "en":
        phrases, zh, names, groups = load_glossary().expand(question)
        words = [w for w in re.findall(r"[a-z0-9$&.\-]+", folded) if w not in EN_STOPWORDS]
        # English words the glossary translated are searched in both languages (an English
        # upload says "budget" where a Chinese source says 财政预算案), but a passage
        # needs only the Chinese to count as covering them.
        covered = {w for p in phrases for w in p.split()}
        words = [w.strip(".-") for w in words if w.strip(".-")]
        latin = [w for w in words if w not in covered]
        english = [w for w in words if w in covered]
        # A glossary term is searched as itself, its words and bigrams; its single characters
        # (家, 超, 行, 政 of 李家超 / 行政长官) would match half the library.
        query_terms = terms(" ".join(latin + english)) + [t for z in zh for t in terms(z) + [z]
                                                          if len(t) > 1 or len(z) == 1]
        checked = [t for g in groups for t in g[1:] if t not in zh]  # terms only checked for
        salient = list(dict.fromkeys(latin + zh + checked))
        capitalised = {w.lower().strip(".-") for w in re.findall(r"(?<=\s)[A-Z][\w.\-]*", question)}
        # Capitalised words in a row that the glossary does not know are one name ("Wenxin Yiyan"), matched
        # whole (a romanised Chinese name by its readings: `answer.glosses.says_by_pinyin`).
        runs = [r.lower() for r in re.findall(r"(?<=\s)[A-Z][\w\-]*(?:\s+[A-Z][\w\-]*)+", question)]
        runs = [r for r in runs if all(w in latin for w in r.split())]
        in_runs = {w for r in runs for w in r.split()}
        names += runs + [w for w in latin if w in capitalised and w not in in_runs]
        concepts = _unique([*groups, *([r] for r in runs), *([w] for w in latin if w not in in_runs)])
        return QueryPlan(question, script, query_terms, salient, zh, names, concepts)
    words = [w for w in segmenter().lcut(folded, HMM=False) if w.strip() and re.search(r"\w", w)]
    salient = [w for w in dict.fromkeys(words) if w not in ZH_QUESTION_WORDS and (len(w) > 1 or w.isdigit())]
    english_of = load_glossary().english_of  # an English passage may say a concept in English ("风险": risk)
    return QueryPlan(question, script, terms(question), salient,
                     concepts=[[w, *english_of.get(w, [])] for w in salient])


def _unique(groups: list[list[str]]) -> list[list[str]]:
    """Concepts without repeats (one phrase asked twice, or a follow-up's topic already asked)."""
    out: list[list[str]] = []
    for g in groups:
        if g not in out:
            out.append(g)
    return out


def with_translation(plan: QueryPlan, translation: str) -> QueryPlan:
    """An English question searched with the words of its Chinese translation
    as well (a model's, as the glossary's terms are): the lexical leg then finds
    Chinese passages, and Qdrant fuses it with the dense leg as for glossary terms."""
    if plan.script != "en" or not translation.strip() or detect_script(translation) == "en":
        return plan
    extra = [t for t in terms(translation) if len(t) > 1 and t not in plan.terms]
    return replace(plan, terms=plan.terms + extra, expansions=list(dict.fromkeys(plan.expansions + [fold(translation)])))
