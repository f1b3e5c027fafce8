"""A generated answer's citations as real models write them, resolved to the
passages they name, with the language checked: what decides whether the
generated text may stand as the answer."""

from __future__ import annotations

import re

from ..core import i18n
from ..core.script import detect_script, to_script
from ..core.sentences import similar, split_sentences
from ..core.types import Answer, Citation, Hit
from .grounding import check_grounding, figures_in, normalise_figure

_MARKER = re.compile(r"[\[【［(（]\s*(\d{1,2}(?:\s*[,，、;；\-–]\s*\d{1,2})*)\s*[\]】］)）]")
_HALF_MARKER = re.compile(r"\s*[\[【［(（]\s*[\d,，、\s]*$")


def normalise_citations(text: str) -> str:
    """Markers as real models write them ([1], 【1】, (1), （2）, [1, 2], [1-3], [1][2])
    as [1], [1][2] …: what the citations are resolved from."""
    def one(m: re.Match) -> str:
        numbers: list[int] = []
        for part in re.split(r"\s*[,，、;；]\s*", m.group(1)):
            if re.fullmatch(r"\d+\s*[\-–]\s*\d+", part):
                a, b = (int(x) for x in re.split(r"\s*[\-–]\s*", part))
                numbers += list(range(a, b + 1)) if 0 < b - a < 10 else [a, b]
            else:
                numbers.append(int(part))
        return "".join(f"[{n}]" for n in numbers)

    return _MARKER.sub(one, text)


def cut_short(text: str) -> str:
    """A reply stopped at the token limit: no half marker at its end, and a visible "…"."""
    return _HALF_MARKER.sub("", text).rstrip() + "…"


def _shares_figure(a: str, b: str) -> bool:
    figs = {normalise_figure(f) for f in figures_in(b) if len(f) > 2}
    return any(f in normalise_figure(a) for f in figs)


def resolve(question: str, text: str, hits: list[Hit], lang: str) -> Answer:
    """Citations for the [n] the model used, and the grounding check."""
    text = normalise_citations(text)
    used = sorted({int(n) for n in re.findall(r"\[(\d+)\]", text) if 1 <= int(n) <= len(hits)})
    citations = []
    claims = [s for s in re.split(r"(?<=[。！？.!?])\s*", text) if s.strip()]
    for n in used:
        h = hits[n - 1]
        # Mark the passage sentences the answer's [n] sentences draw on.
        mine = [re.sub(r"\[\d+\]", "", c) for c in claims if f"[{n}]" in c]
        marks = [s for s in split_sentences(h.text) if any(similar(s, c) or _shares_figure(s, c) for c in mine)]
        citations.append(Citation(n, h, highlights=marks))
    answered = i18n.t("answer.not_found", lang) not in text
    text, notice, language_ok = in_asker_script(text, lang)
    grounding = check_grounding(text, [c.text for c in citations], given=len(hits))
    grounding["language_ok"] = language_ok
    if answered and not used:
        grounding["supported"] = False
        grounding["uncited"] = True
    return Answer(question, text, "llm", citations, lang, answered=answered, grounding=grounding, notice=notice)


def in_asker_script(text: str, lang: str) -> tuple[str, str, bool]:
    """(text, notice, language ok): a reply in the other Chinese script is
    converted with OpenCC and says so; one in another language is flagged."""
    prose = re.sub(r"\[\d+\]|[\d.,%]+|[A-Za-z]+\$?", " ", text) if lang != "en" else re.sub(r"\[\d+\]", " ", text)
    got = detect_script(prose) if prose.strip() else lang
    if lang == "en":
        return text, ("" if got == "en" else i18n.t("llm.wrong_language", lang)), got == "en"
    if got == "en":
        return text, i18n.t("llm.wrong_language", lang), False
    if got != lang:
        return to_script(text, lang), i18n.t("answer.converted", lang), True
    return text, "", True


def unverified(answer: Answer) -> tuple[str, dict] | None:
    """Why a generated answer may not stand as the answer, as (reason code,
    detail), or None: a figure not in its citations, no valid citation, or the
    wrong language."""
    if not answer.answered:
        return None
    g = answer.grounding
    if g.get("unsupported_figures"):
        return "unsupported", {"figures": ", ".join(g["unsupported_figures"])}
    if g.get("uncited") or g.get("invalid_citations") and not answer.citations:
        return "uncited", {}
    if g.get("language_ok") is False:
        return "language", {}
    return None
