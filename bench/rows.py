"""A benchmark's result rows, and the table they print as."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Row:
    section: str
    name: str
    values: dict


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def format_table(rows: list[Row]) -> str:
    lines, section = [], None
    for row in rows:
        if row.section != section:
            section = row.section
            lines.append(f"\n## {section}")
        vals = "  ".join(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}" for k, v in row.values.items())
        lines.append(f"  {row.name:<58} {vals}")
    return "\n".join(lines)
