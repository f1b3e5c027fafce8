"""`python -m bench` (what `python -m hkai bench` runs, from a checkout): the benchmarks, as a table for
people or JSON lines for machines."""

from __future__ import annotations

import argparse
import sys

from .run import SECTIONS, run_bench


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    p.add_argument("--quick", action="store_true", help="subsample the public benchmarks")
    p.add_argument("--no-dense", action="store_true", help="skip the dense-model runs")
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    p.add_argument("--sections", nargs="*", help=f"some of: {' '.join(SECTIONS)} (default: all); edge (Qdrant Edge as "
                   "a candidate store, needs qdrant-edge-py) only when named")
    return run_bench(p.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
