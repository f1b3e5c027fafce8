"""Tables as data: rows with their header labels.
"""

from __future__ import annotations


def table_rows(grid: list[list[str]]) -> list[dict]:
    """A table's body rows as data: each row's label (its first cell) and its
    other cells with their column's header (the first row). Kept in a
    document's `extra["tables"]`, so a cell is quoted with its row and column."""
    grid = [[" ".join(c.split()) for c in row] for row in grid if any(c.strip() for c in row)]
    if len(grid) < 2 or len(grid[0]) < 2:
        return []
    header, rows = grid[0], []
    for row in grid[1:]:
        cells = [[header[j], c] for j, c in enumerate(row[1:len(header)], 1) if c and header[j]]
        if row[0] and cells:
            rows.append({"label": row[0], "cells": cells})
    return rows
