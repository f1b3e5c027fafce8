"""What answering a question starts from: its plan (a follow-up's with the
question it leans on), the passages retrieved for it, and what their documents
add (the clean text quotes are widened in, PDF page starts, table cells), each
document read once."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..core.types import Hit
from ..index.quotes import table_quotes
from ..ingest.document import Document
from ..retrieve.followups import followup_plan, is_followup
from ..retrieve.planner import QueryPlan, plan_query

Search = Callable[[QueryPlan, int, list[str]], list[Hit]]
Read = Callable[[str, list[str]], Document | None]


@dataclass
class Asked:
    plan: QueryPlan  # what is searched (a follow-up: with its earlier question)
    own: QueryPlan  # the question alone
    previous: QueryPlan | None  # the earlier question a follow-up leans on
    hits: list[Hit]
    texts: dict[str, str]  # the cited documents' clean texts
    page_starts: dict[str, list[int]]
    tables: dict[str, list[tuple[int, str, str]]]  # their table cells (`index.quotes.table_quotes`)


def gather(question: str, search: Search, read: Read, owners: Iterable[str], k: int = 8,
           previous: str | None = None, plan: QueryPlan | None = None) -> Asked:
    """A question's plan (given, or a follow-up's with its earlier question),
    its hits and the documents they come from, each read once."""
    owners = list(owners)
    own = plan_query(question)
    before = None
    if plan is None:
        plan = own
        if previous and is_followup(question):
            plan, _ = followup_plan(question, previous)
            before = plan_query(previous)
    hits = search(plan, k, owners)
    docs = {d: read(d, owners) for d in dict.fromkeys(h.doc_id for h in hits)}
    docs = {d: doc for d, doc in docs.items() if doc is not None}
    return Asked(plan, own, before, hits, {d: doc.clean_text for d, doc in docs.items()},
                 {d: doc.extra.get("page_starts") or [] for d, doc in docs.items()},
                 {d: table_quotes(doc.extra["tables"], doc.clean_text) for d, doc in docs.items()
                  if doc.extra.get("tables")})
