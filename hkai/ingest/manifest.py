"""The shipped documents' manifest (title, publisher, date, language) and the
tables recorded for them.
"""

from __future__ import annotations

import yaml

from ..core.config import SEEDS_DIR


def seed_manifest() -> dict[str, dict]:
    """Manifest entries by file name."""
    data = yaml.safe_load((SEEDS_DIR / "manifest.yaml").read_text(encoding="utf-8"))
    return {d["file"]: d for d in data["documents"]}


def seed_tables(doc_id: str) -> list[dict]:
    """Table rows of a shipped document whose plain text lost the table's grid
    (seed 002's model comparison), as `tables.table_rows` gives them for
    Word and HTML tables: each row's label and its cells with their headers."""
    data = yaml.safe_load((SEEDS_DIR / "dashboard_tables.yaml").read_text(encoding="utf-8"))
    out = []
    for table in data.values():
        if not isinstance(table, dict) or str(table.get("doc", "")) != doc_id:
            continue
        labels = table["column_labels"]["zh-Hant"]
        for row in table["rows"]:
            cells = [[label, str(row[col])] for col, label in zip(table["columns"], labels)
                     if str(row.get(col, "")).strip() not in ("", "—")]
            out.append({"label": row["name"], "cells": cells})
    return out
