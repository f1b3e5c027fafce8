"""Follow-ups, recognised by what they lack, and searched with the question
they lean on.
"""

from __future__ import annotations

import re

from ..core.script import detect_script
from .planner import QueryPlan, _unique, plan_query

# A follow-up is recognised by what it lacks: it opens as a continuation ("And …", "What about …", "那…")
# or points back with a pronoun ("that", "it", "它", "其中") instead of naming its subject.
_CONTINUES_EN = re.compile(r"^\s*(and|but|also|so|then|what about|how about)\b", re.I)


_POINTS_BACK_EN = re.compile(r"\b(it|its|they|them|their|those|these|that|this one|there)\b", re.I)


_EXISTENTIAL_EN = re.compile(r"\b(is|are|was|were|will|would|has|have|had)\s+there\b|\bthere\s+(is|are|was|were|will|"
                             r"would|has|have|had|be)\b", re.I)


_CONTINUES_ZH = re.compile(r"^\s*(那麼|那么|那|另外|還有|还有|此外|而)|呢\s*[？?]?\s*$")


_POINTS_BACK_ZH = re.compile(r"其中|當中|当中|它|其[^他實实中]|該[^\s]|该[^\s]|這(個|些|項|项|筆|笔|家|所)|这(个|些|项|笔|家|所)|"
                             r"那(個|些|項|筆|家|所)|那(个|些|项|笔)")


def is_followup(question: str) -> bool:
    """A question that leans on the one before ("And how much of that is at
    Cyberport?", "那數碼港呢？"): a continuation, or a pronoun pointing back
    ("Is there any information about Nvidia chips?" points nowhere: its
    "there" is existential). A long question stands alone."""
    if detect_script(question) == "en":
        if len(question.split()) > 12:
            return False
        pointing = _POINTS_BACK_EN.search(_EXISTENTIAL_EN.sub(" ", question))
        return bool(_CONTINUES_EN.search(question) or pointing)
    return len(question) <= 24 and bool(_CONTINUES_ZH.search(question) or _POINTS_BACK_ZH.search(question))


def followup_plan(question: str, previous: str) -> tuple[QueryPlan, list[str]]:
    """The follow-up searched together with the previous question's topic; the
    topic terms come back apart so the answerer weighs them as context."""
    plan, before = plan_query(question), plan_query(previous)
    topic = [t for t in before.salient if t not in plan.salient]
    merged = QueryPlan(question=f"{previous} {question}", script=plan.script, terms=plan.terms + before.terms,
                       salient=plan.salient + topic, expansions=list(dict.fromkeys(plan.expansions + before.expansions)),
                       names=plan.names, concepts=_unique(plan.concepts + before.concepts))
    return merged, topic
