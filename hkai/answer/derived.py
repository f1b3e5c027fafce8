"""Figures the documents imply but do not state: a difference, a share or a sum
of two cited figures, with the arithmetic shown.

"How much computing power does Hong Kong have outside Cyberport?" is not
answered by the total: it is the total less Cyberport's part, both from the
sources (5,000 PFLOPS − 3,000 PFLOPS = 2,000 PFLOPS [1]). When the sources do
not give both figures, the answer says so instead of quoting the total.

What is recognised is the operation's wording (outside, excluding, how much
more … than, what share, 以外, 佔…比例, 合共), in English and Chinese; which
figures it applies to is read off the answering sentences: the part is the
figure nearest after the words the operation names, the whole another figure
of the same kind and unit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..core.amounts import common_measure, figures_in_sentence
from ..core.rendering import render_figure
from ..core.script import detect_script, to_simplified
from .signals import Candidate

_PART = r"(?P<part>[^,?.;，。？；]{1,40}?)"
OPERATIONS = (
    ("difference", re.compile(r"\b(?:outside(?: of)?|other than|excluding|except(?: for)?|apart from|besides|"
                              r"not counting|leaving out)\s+" + _PART + r"\s*(?:[,?.;]|$|\b(?:is|are|does|do|has|have)\b)",
                              re.I)),
    ("difference", re.compile(r"\bhow (?:much|many) more\b.*?\bthan\s+" + _PART + r"\s*(?:[,?.;]|$)", re.I)),
    ("difference", re.compile(r"除(?:了|去)?" + _PART + r"(?:以外|之外|外)")),
    # "數碼港以外，…" without 除: the part is the words just before, back to a preposition or a particle
    ("difference", re.compile(r"(?P<part>[^,?.;，。？；在于於的和及與与]{1,20}?)(?:以外|之外)")),
    ("difference", re.compile(r"比" + _PART + r"多(?:出)?(?:多少|幾|几)")),
    ("share", re.compile(r"\bwhat (?:share|percentage|proportion|fraction|part) of\b.*?\b(?:is|are|comes from|"
                         r"goes to|is at|are at)\s+(?:at\s+|in\s+|from\s+|by\s+)?" + _PART + r"\s*(?:[,?.;]|$)", re.I)),
    ("share", re.compile(_PART + r"(?:佔|占)(?:了)?[^，。？?]{0,20}?(?:比例|多少|百分之幾|百分之几|幾成|几成)")),
    ("sum", re.compile(r"\b(?:combined|altogether|in all|added together)\b()" + r"(?P<part>)", re.I)),
    ("sum", re.compile(r"(?:合共|一共|總共|总共|加起來|加起来|合計|合计)" + r"(?P<part>)")),
)


@dataclass
class Derivation:
    operation: str
    text: str  # "5,000 PFLOPS − 3,000 PFLOPS = 2,000 PFLOPS"
    result: str  # the derived figure as rendered ("2,000 PFLOPS"), which no source states
    sources: list[Candidate]  # the sentences carrying the two figures


def states_share(c: Candidate) -> bool:
    """Whether a sentence states a percentage: a share asked for is then quoted, not computed."""
    return any(kind == "percent" for kind, *_ in figures_in_sentence(c.quote))


def operation(question: str) -> tuple[str, str] | None:
    """(operation, the words naming the part) of a question asking for one."""
    for name, pattern in OPERATIONS:
        if m := pattern.search(question):
            return name, m.group("part").strip()
    return None


@dataclass
class _Figure:
    kind: str
    value: float
    unit: str
    currency: str
    raw: str
    at: int
    candidate: Candidate

    @property
    def measure(self) -> tuple[str, float] | None:
        """What it measures and its value in that measure's unit (HK$, PFLOPS, labs …)."""
        return common_measure(self.kind, self.value, self.unit, self.currency)

    @property
    def group(self) -> str:
        return self.measure[0] if self.measure else f"{self.kind}:{self.unit.lower()}:{self.currency}"

    @property
    def amount(self) -> float:
        return self.measure[1] if self.measure else self.value


def _figures(pool: list[Candidate]) -> list[_Figure]:
    out = []
    for c in pool:
        for kind, value, unit, currency, raw in figures_in_sentence(c.quote):
            if kind != "percent":
                out.append(_Figure(kind, value, unit, currency, raw, c.quote.index(raw), c))
    return out


def _near(f: _Figure, terms: list[str]) -> int | None:
    """How far after one of `terms` the figure stands in its sentence (before it counts thrice)."""
    text = to_simplified(f.candidate.quote.lower())
    spots = [m.end() for t in terms if t for m in re.finditer(re.escape(t), text)]
    return min((f.at - s if f.at >= s else 3 * (s - f.at)) for s in spots) if spots else None


def _render(f_kind: str, value: float, unit: str, currency: str, lang: str, source: Candidate) -> str:
    return render_figure(f_kind, value, unit, currency, lang, source_script=detect_script(source.quote))


def derive(question: str, part_terms: list[str], ranked: list[Candidate], lang: str, depth: int = 6
           ) -> Derivation | None:
    """The asked-for difference, share or sum of two figures of the best
    `depth` candidates, or None when they do not give both."""
    op = operation(question)
    if op is None:
        return None
    figures = _figures(ranked[:depth])
    if op[0] == "sum":
        best = ranked[0] if ranked else None
        same = [f for f in figures if best is not None and f.candidate is best]
        groups = {}
        for f in same:
            groups.setdefault(f.group, []).append(f)
        pair = next((g[:2] for g in groups.values() if len({x.amount for x in g}) >= 2), None)
        if not pair:
            return None
        a, b = pair
        total = a.value * (a.amount + b.amount) / a.amount if a.amount else a.value + b.value
        shown = [_render(x.kind, x.value, x.unit, x.currency, lang, x.candidate) for x in (a, b)]
        result = _render(a.kind, total, a.unit, a.currency, lang, a.candidate)
        return Derivation("sum", f"{shown[0]} + {shown[1]} = {result}", result, [a.candidate])
    near = [(d, f) for f in figures if (d := _near(f, part_terms)) is not None]
    if not near:
        return None
    part = min(near, key=lambda x: x[0])[1]
    wholes = [f for f in figures if f.group == part.group and f.amount > part.amount and f is not part]
    if not wholes:
        return None
    # The whole: in the part's own sentence if it is there, the largest otherwise.
    whole = max(wholes, key=lambda f: (f.candidate is part.candidate, f.amount))
    sources = [whole.candidate] + ([part.candidate] if part.candidate is not whole.candidate else [])
    shown_whole = _render(whole.kind, whole.value, whole.unit, whole.currency, lang, whole.candidate)
    shown_part = _render(part.kind, part.value, part.unit, part.currency, lang, part.candidate)
    if op[0] == "difference":
        rest = whole.value * (1 - part.amount / whole.amount)  # in the whole's own unit
        result = _render(whole.kind, rest, whole.unit, whole.currency, lang, whole.candidate)
        return Derivation("difference", f"{shown_whole} − {shown_part} = {result}", result, sources)
    share = f"{100 * part.amount / whole.amount:.3g}%"
    return Derivation("share", f"{shown_part} ÷ {shown_whole} = {share}", share, sources)
