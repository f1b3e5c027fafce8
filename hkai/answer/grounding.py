"""The grounding check every answer goes through: each figure and date of the
answer stands in a cited passage, each [n] names a passage given.
"""

from __future__ import annotations

import re

from ..core.amounts import figures_in_sentence
from ..core.dates import dates_in
from ..core.script import fold

# A figure: digits (with separators/decimals), optionally followed by a unit or scale word.
FIGURE = re.compile(
    r"(?:(?:HK|US)\$\s?)?\d[\d,]*(?:\.\d+)?\s?(?:%|％|个百分点|個百分點|亿|億|万|萬|千|百|million|billion|"
    r"PFLOPS|EFLOPS|TFLOPS|公顷|公頃|hectares|年|月|日|元|港元|港币|港幣|美元)?", re.I)


def normalise_figure(s: str) -> str:
    return re.sub(r"[\s,]", "", fold(s)).replace("％", "%")


def figures_in(text: str) -> list[str]:
    """Figures worth checking: numbers that carry a unit or are not tiny
    citation markers. `[3]` markers are removed first."""
    text = re.sub(r"\[\d+\]", " ", text)
    found = []
    for m in FIGURE.finditer(text):
        token = m.group(0).strip()
        if re.fullmatch(r"\d", token):
            continue  # a bare single digit ("3 reasons") is not a figure
        found.append(token)
    return list(dict.fromkeys(found))


def _same(a: tuple, b: tuple) -> bool:
    """Two parsed figures agree: same kind and value, and the same currency
    where both name one."""
    (k1, v1, _, c1, _), (k2, v2, _, c2, _) = a, b
    return k1 == k2 and abs(v1 - v2) <= 1e-9 * max(1.0, abs(v1)) and (c1 == c2 or not c1 or not c2)


def check_grounding(answer_text: str, cited_texts: list[str], given: int | None = None) -> dict:
    """Every figure in the answer must stand in a cited passage, by value when
    it can be parsed (so "HK$1 billion" is checked against "10亿港元"), as
    written otherwise; every date likewise; every [n] must name a passage given."""
    text = re.sub(r"\[\d+\]", " ", answer_text)
    cited = " ".join(cited_texts)
    cited_figures = figures_in_sentence(cited)
    cited_dates = dates_in(cited)
    haystack = normalise_figure(cited)
    unsupported, covered = [], []
    for fig in figures_in_sentence(text):
        covered.append(fig[4])
        if not any(_same(fig, c) for c in cited_figures):
            unsupported.append(fig[4])
    for d in dates_in(text):
        covered.append(d.raw)
        if not any(d.key() == c.key() or (d.month is None and d.year == c.year) for c in cited_dates):
            unsupported.append(d.raw)
    for fig in figures_in(text):  # anything else with a unit: as written
        if any(fig in c or c in fig for c in covered):
            continue
        number = normalise_figure(re.match(r"(?:(?:HK|US)\$\s?)?[\d,]*\d(?:\.\d+)?", fig, re.I).group(0))
        number = re.sub(r"^(hk|us)\$", "", number)
        if normalise_figure(fig) not in haystack and not re.search(r"(?<![\d.])" + re.escape(number) + r"(?![\d])", haystack):
            unsupported.append(fig)
    bad_refs = []
    if given is not None:
        bad_refs = sorted({int(n) for n in re.findall(r"\[(\d+)\]", answer_text) if not 1 <= int(n) <= given})
    return {"supported": not unsupported and not bad_refs, "unsupported_figures": unsupported,
            "invalid_citations": bad_refs}
