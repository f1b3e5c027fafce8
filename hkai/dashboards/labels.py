"""What a figure found in a visitor's document measures: the noun phrase the
number qualifies, never the words that happen to stand before it.

English: an amount used as a modifier ("a HK$2.5 billion AI compute subsidy
for local start-ups") labels the noun phrase after it; an amount that is the
object of a verb ("The new Tseung Kwan O data centre, which will provide 1,200
PFLOPS") labels the subject of its sentence, from its first proper name where
it has one. Chinese: jieba's part-of-speech tags give the noun run the amount
belongs to: the recipient after 予/給/向 ("撥款5,000萬元予數碼港" → 數碼港 撥款)
or the subject before the verb ("數碼港人工智能超算中心提供3000 PFLOPS" →
數碼港人工智能超算中心). The function words consulted are the languages'
grammar (articles, auxiliaries, relative pronouns), not any document's words.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache

from ..core.script import contains_cjk, detect_script, to_simplified

MAX_WORDS = 8
MAX_CHARS = 24
_DETERMINERS = {"the", "a", "an", "this", "that", "these", "those", "its", "their", "our", "his", "her", "my", "your",
                "some", "any", "each", "every", "another"}
# Words that end an English noun phrase: auxiliaries and copulas, relative pronouns, conjunctions.
_ENDS_PHRASE = {"is", "are", "was", "were", "be", "been", "being", "will", "would", "shall", "should", "can", "could",
                "may", "might", "must", "has", "have", "had", "does", "do", "did", "which", "that", "who", "whom",
                "whose", "where", "when", "while", "and", "but", "or", "nor", "as", "than", "because", "if"}
_PRONOUNS = {"it", "they", "he", "she", "we", "i", "you"}
# English's irregular past tenses (the grammar's, as the auxiliaries above are): they end a subject as "-ed" does.
_IRREGULAR_PAST = {"said", "told", "made", "set", "put", "gave", "took", "paid", "spent", "sold", "built", "got",
                   "brought", "kept", "led", "left", "lent", "meant", "met", "ran", "saw", "sent", "stood", "won",
                   "wrote", "began", "became", "bought", "came", "chose", "drew", "found", "grew", "held", "knew",
                   "laid", "rose", "fell", "sought", "struck", "thought", "went"}
_NOT_NAMES_WORDS = {"about", "around", "nearly", "almost", "over", "some", "more", "less", "than", "at", "least", "only",
              "just", "up", "now", "then", "also", "still", "already", "today", "yesterday", "here", "there"}
_PREPOSITIONS = {"of", "in", "for", "on", "to", "into", "at", "by", "with", "from", "towards", "toward", "over",
                 "under", "across", "per"}
_NOT_NAMES = _NOT_NAMES_WORDS | _DETERMINERS | _PREPOSITIONS | _PRONOUNS
_CLAUSE = re.compile(r"[,;:()\[\]—–]|\s-\s|(?<=\w)\.(?=\s|$)")
_WORD = re.compile(r"[A-Za-z][\w'’&.-]*|\d[\d,.]*")
# jieba part-of-speech tags of nouns and noun-like words (names, places, organisations, abbreviations, English).
_NOUNISH = re.compile(r"^(n\w*|vn|j|eng|l|an)$")
_CLAUSE_ZH = re.compile(r"[^，。；;！？!?：:]+?(?=[，。；;！？!?：:]|(?<!\d),|,(?!\d)|$)")
_TO_WHOM = {"予", "给", "給", "向", "为", "為", "用于", "用於", "于", "於"}
_lock = threading.Lock()


def label_for(quote: str, raw: str, kind: str = "") -> str:
    """The label of the figure written `raw` in the sentence `quote`; `kind`
    ("money", "compute", "count", …): money is labelled by what it is for where the
    sentence says so, a count by what it counts and whose."""
    at = quote.find(raw)
    if at < 0:
        return _trim(quote)
    english = detect_script(quote) == "en"
    found = (_english(quote, at, raw, kind) if english else _chinese(quote, at, raw, kind))
    return found or _clause_without(quote, at, raw)


# ---- English --------------------------------------------------------------------------------
def _english(quote: str, at: int, raw: str, kind: str = "") -> str:
    before = [w.group(0) for w in _WORD.finditer(quote[:at])]
    rest = quote[at + len(raw):]
    after = _phrase_after(rest)
    modifier = bool(before) and before[-1].lower() in ("a", "an", "the", "its", "their", "our")
    if modifier and after:  # "a HK$2.5 billion AI compute subsidy for local start-ups"
        return after
    subject = _subject(quote[:at])
    if kind == "count" and (counted := _noun_phrase(_WORD.findall(raw)[1:])):  # "hosts 12 local AI start-ups"
        name = _name_of(subject)
        return f"{counted} ({name})" if name else counted
    if measured := _partitive(rest):  # "Cyberport will add 500 PFLOPS of computing power": what is measured
        named_thing = any(w[0].islower() for w in subject.split())  # "Tseung Kwan O data centre" says it already
        return subject if named_thing else f"{subject} {measured}".strip()
    if kind == "compute" and subject:  # "the data park will supply 2,000 PFLOPS for model training": whose compute
        return subject
    if purpose := _purpose(rest):  # "pledged HK$300 million for AI chips": what it is for, and whose
        name = _name_of(subject)
        return f"{purpose} ({name})" if name and name.lower() not in purpose.lower() else purpose
    return subject or after


def _partitive(text: str) -> str:
    """The noun phrase after "of" right after the amount ("500 PFLOPS of computing power")."""
    m = re.match(r"\s*of\s+(.*)", _CLAUSE.split(text, maxsplit=1)[0], re.I)
    return _noun_phrase(_WORD.findall(m.group(1))) if m else ""


def _name_of(subject: str) -> str:
    """A subject's proper name ("Hong Kong Science Park" of "Hong Kong Science Park"), or the subject; a
    sentence's capitalised first word that is a function word ("About 300 companies") is none."""
    words = [w for w in subject.split() if w.lower() not in _NOT_NAMES]
    names = [w for w in words if w[0].isupper()]
    return " ".join(names) if names else " ".join(words)


def _noun_phrase(words: list[str]) -> str:
    """Words up to the first that ends a noun phrase (a verb's auxiliary, a relative pronoun, a preposition
    once a noun has come, a number), without leading determiners."""
    while words and words[0].lower() in _DETERMINERS:
        words = words[1:]
    out = []
    for w in words:
        if w.lower() in _ENDS_PHRASE or len(out) >= MAX_WORDS or w[0].isdigit() \
                or (out and w.lower() in _PREPOSITIONS and w.lower() != "of"):
            break
        out.append(w)
    while out and out[-1].lower() in _PREPOSITIONS | _DETERMINERS:
        out.pop()
    return " ".join(out)


def _purpose(text: str) -> str:
    """What an amount is for: the noun phrase after "for", "in", "into", "towards" or "on", or after an
    infinitive of purpose ("to build a robotics lab"); where the money comes from ("from the Fund") is
    passed over."""
    clause = _CLAUSE.split(text, maxsplit=1)[0]
    if m := re.match(r"\s*from\s+.*?(?=\s(?:for|to|towards|toward|into)\s)", clause, re.I):
        clause = clause[m.end():]
    if m := re.match(r"\s*(?:in order\s+)?to\s+[a-z]+\s+((?:a|an|the|its|their|new)\s.*)", clause):
        return _noun_phrase(_WORD.findall(m.group(1)))
    m = re.match(r"\s*(?:for|in|into|towards|toward|on|to)\s+(.*)", clause, re.I)
    return _noun_phrase(_WORD.findall(m.group(1))) if m else ""


def _phrase_after(text: str) -> str:
    """The noun phrase that starts right after the amount, if the amount modifies one."""
    text = _CLAUSE.split(text, maxsplit=1)[0]
    words = _WORD.findall(text)
    if not words or words[0].lower() in _PREPOSITIONS | _ENDS_PHRASE:
        return ""  # "1,200 PFLOPS of computing power": a partitive, not a noun the amount qualifies
    out = []
    for w in words:
        if w.lower() in _ENDS_PHRASE or len(out) >= MAX_WORDS:
            break
        out.append(w)
    while out and out[-1].lower() in _PREPOSITIONS | _DETERMINERS:
        out.pop()
    return " ".join(out)


def _subject(text: str) -> str:
    """The subject of the sentence the amount ends up in: its first noun phrase,
    from its first proper name where it has one ("The new Tseung Kwan O data centre")."""
    clauses = [c for c in _CLAUSE.split(text) if _WORD.search(c)]
    if not clauses:
        return ""
    head = clauses[-1]  # the clause the amount stands in; a relative clause's subject is the clause before
    if _WORD.findall(head)[0].lower() in ("which", "that", "who", "where") and len(clauses) > 1:
        head = clauses[-2]
    words = _WORD.findall(head)
    if words and words[0].lower() in _PREPOSITIONS:  # "By 2027 the … data park": an opening adverbial, passed over
        det = next((i for i, w in enumerate(words) if w.lower() in _DETERMINERS), None)
        words = words[det:] if det is not None else [w for w in words[1:] if not w[0].isdigit()]
    while words and words[0].lower() in _DETERMINERS:
        words = words[1:]
    out = []
    for w in words:
        if w.lower() in _ENDS_PHRASE or w.lower() in _PREPOSITIONS or w.lower() in _PRONOUNS \
                or (out and _looks_like_verb(w)):
            break
        if w.lower() in _DETERMINERS:  # "Last year the city council": the noun phrase starts again here
            out = []
            continue
        out.append(w)
    names = [i for i, w in enumerate(out) if w[0].isupper()]
    if names and names[0] > 0:
        out = out[names[0]:]  # "new Tseung Kwan O data centre" → "Tseung Kwan O data centre"
    return " ".join(out[:MAX_WORDS]) if out else ""


def _looks_like_verb(word: str) -> bool:
    """A past tense or a third-person verb after a noun ("The fund invests", "The Government announced",
    "Cyberport said")."""
    w = word.lower()
    return w.endswith("ed") or w in _IRREGULAR_PAST or (
        w.endswith("s") and not w.endswith("ss") and word[0].islower() and len(w) > 3 and w not in ("plus",))


# ---- Chinese --------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _tagger():
    import jieba
    import jieba.posseg

    from ..core.words import segmenter

    class Tagger(jieba.posseg.POSTokenizer):
        """jieba's part-of-speech tagger over the process's segmenter, its word -> tag table keyed by the word
        strings the segmenter already holds and one string per tag (`load_word_tag` reads jieba's dictionary
        as jieba's own does): the table in 7 MB instead of 43 (jieba's HMM tables, 54 MB, come with the module)."""

        def load_word_tag(self, f) -> None:
            own = {w: w for w in self.tokenizer.FREQ}
            tags: dict[str, str] = {}
            table: dict[str, str] = {}
            with f:
                for line in f:
                    if line := line.strip().decode("utf-8"):
                        word, _, tag = line.split(" ")
                        table[own.get(word, word)] = tags.setdefault(tag, tag)
            self.word_tag_tab = table

    jieba.setLogLevel(60)
    return Tagger(segmenter())


def _tagged(text: str) -> list[tuple[str, str, int]]:
    """(word as written, part of speech, offset) of a clause (tagged in Simplified script)."""
    folded = to_simplified(text)
    source = folded if len(folded) == len(text) else text
    tokens, pos = [], 0
    tagger = _tagger()
    with _lock:  # jieba's tokenizer is shared by the whole process
        tagged = list(tagger.cut(source))
    for word in tagged:
        tokens.append((text[pos:pos + len(word.word)], word.flag, pos))
        pos += len(word.word)
    return tokens


def _chinese(quote: str, at: int, raw: str, kind: str = "") -> str:
    clauses = list(_CLAUSE_ZH.finditer(quote))
    n = next((i for i, m in enumerate(clauses) if m.start() <= at < m.end()), None)
    if n is None:
        return ""
    clause = clauses[n]
    tokens = _tagged(clause.group(0))
    start, end = at - clause.start(), at - clause.start() + len(raw)
    inside = [i for i, (_, _, p) in enumerate(tokens) if p < end and p + len(tokens[i][0]) > start]
    if not inside:
        return ""
    first, last = inside[0], inside[-1]
    # After the amount: a recipient or a purpose ("予數碼港").
    j = last + 1
    while j < len(tokens) and tokens[j][1] in ("m", "q", "x") and not tokens[j][0].strip("，, "):
        j += 1
    recipient, to_whom = [], False
    if j < len(tokens) and (tokens[j][0] in _TO_WHOM or tokens[j][1] in ("p", "vg")):
        recipient, to_whom = _noun_run(tokens, j + 1, 1), True
    elif j + 1 < len(tokens) and tokens[j][1] == "v":  # "預留10億港元成立香港人工智能研發院": what it is for
        k = j + 1
        while k < len(tokens) and tokens[k][1] == "x":  # an opening quote mark
            k += 1
        recipient = _noun_run(tokens, k, 1)
    # Before the amount: skip the verb and adverbs, then the noun run that is the subject.
    i = first - 1
    verb = ""
    while i >= 0 and tokens[i][1][0] in "vdpcu" or (i >= 0 and tokens[i][1] in ("t", "r", "x")):
        if tokens[i][1][0] == "v" and not verb:
            verb = tokens[i][0]
        i -= 1
    subject = _noun_run(tokens, i, -1)
    if not recipient and kind == "money" and j >= len(tokens) and n + 1 < len(clauses):
        following = _tagged(clauses[n + 1].group(0).strip())  # "撥款25億港元，資助本地初創企業": what it pays for
        if following and following[0][1][0] not in "rtmdcux":
            words = [following[0][0]]
            for word, flag, _ in following[1:]:
                if flag[0] in "vpcux" or len("".join(words)) >= 12:
                    break
                words.append(word)
            if len(words) > 1:
                return _trim("".join(words))
    if recipient:
        granted = verb if to_whom and verb and tokens[first - 1][0] == verb and len(verb) > 1 else ""
        return _trim("".join(recipient) + (" " + granted if granted else ""))
    if subject:
        return _trim("".join(subject))
    return _trim("".join(_noun_run(tokens, last + 1, 1)))


def _noun_run(tokens: list, i: int, step: int) -> list[str]:
    """The run of nouns from token i, walking `step`; a verb or a one-character morpheme inside a
    compound ("數據園基金": 园 is tagged zg) stays in it when a noun follows it."""
    out = []

    def inside(k: int) -> bool:
        return bool(out) and (tokens[k][1] == "v" or tokens[k][1].endswith("g")) and 0 <= k + step < len(tokens) \
            and bool(_NOUNISH.match(tokens[k + step][1]))

    while 0 <= i < len(tokens) and (_NOUNISH.match(tokens[i][1]) or inside(i)):
        out.append(tokens[i][0])
        i += step
    return out[::-1] if step < 0 else out


# ---- fallbacks ------------------------------------------------------------------------------
def _clause_without(quote: str, at: int, raw: str) -> str:
    """The clause the figure stands in, without the figure."""
    bounds = [m.end() for m in re.finditer(r"[，,；;。！？!?]", quote[:at])]
    start = bounds[-1] if bounds else 0
    end = next((at + len(raw) + m.start() for m in re.finditer(r"[，,；;。！？!?]", quote[at + len(raw):])),
               len(quote))
    return _trim((quote[start:at] + quote[at + len(raw):end]).strip(" ：:（(「“\"'"))


def _trim(text: str) -> str:
    text = " ".join(text.split())
    limit = MAX_CHARS if contains_cjk(text) else 60
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"
