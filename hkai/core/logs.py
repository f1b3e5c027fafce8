"""The command line's console logging: quiet by default, everything with
`--verbose` (or HKAI_LOG_LEVEL=DEBUG).

By default the CLI's own lines say what failed and why (one per file); a
library's warnings (pypdf on a malformed PDF, Python warnings) and records
carrying a traceback are counted and summarised in one line at the end. The
app is not affected: its log keeps every record with its traceback.
"""

from __future__ import annotations

import logging
import sys
from collections import Counter


class _Summary(logging.Filter):
    """Lets the project's own records through without their tracebacks;
    counts, and holds back, a library's warnings and traceback records."""

    def __init__(self) -> None:
        super().__init__()
        self.held: Counter[str] = Counter()

    def filter(self, record: logging.LogRecord) -> bool:
        ours = record.name == "hkai" or record.name.startswith("hkai.")
        if record.exc_info or not ours and record.levelno < logging.CRITICAL:
            self.held["tracebacks" if record.exc_info else record.name.split(".")[0]] += 1
            return False
        return True

    def line(self) -> str:
        if not self.held:
            return ""
        parts = [f"{n} from {name}" if name != "tracebacks" else f"{n} with a traceback"
                 for name, n in sorted(self.held.items())]
        return f"note: {sum(self.held.values())} log records held back ({', '.join(parts)}); --verbose shows them"


def setup(verbose: bool, level: str = "") -> _Summary | None:
    """Console logging for one CLI run; returns the summary to print at exit (None when verbose)."""
    debug = verbose or level.upper() == "DEBUG"
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logging.captureWarnings(True)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if debug else getattr(logging, level.upper(), logging.WARNING) if level
                  else logging.WARNING)
    if debug:
        return None
    summary = _Summary()
    handler.addFilter(summary)
    return summary
