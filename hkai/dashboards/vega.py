"""Vega-Lite drawn to PNG and SVG by vl-convert, in a process of its own.

vl-convert runs a JavaScript engine and, with the CJK fonts registered, holds
about 100 MB from its first chart on; in the app's long-lived process (every
visitor's) that stayed after the first export or deck. Here a chart is drawn
in a short-lived worker that ends with the export: a deck's charts share one
(`worker()` held around the build), a single PNG or SVG download starts its own.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

CJK_FONT_DIRS = [Path("/usr/share/fonts/opentype/noto"), Path("/usr/share/fonts/truetype/noto")]

_local = threading.local()


class DrawingFailed(RuntimeError):
    """The chart could not be drawn (vl-convert's process failed or refused the chart)."""


@contextmanager
def worker():
    """One drawing process for the charts drawn inside (on this thread); a nested call shares the outer one.
    The process runs this file as a script (it imports vl-convert and nothing of the app's), talking over
    its standard input and output."""
    if getattr(_local, "process", None) is not None:
        yield
        return
    process = subprocess.Popen([sys.executable, str(Path(__file__).resolve())], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    _local.process = process
    try:
        yield
    finally:
        _local.process = None
        process.stdin.close()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _draw(kind: str, spec: dict, scale: float) -> bytes | str:
    with worker():
        process = _local.process
        try:
            pickle.dump((kind, spec, scale), process.stdin)
            process.stdin.flush()
            ok, result = pickle.load(process.stdout)
        except (OSError, EOFError, pickle.UnpicklingError) as exc:
            raise DrawingFailed(f"vl-convert's process ended before drawing the chart ({exc})") from exc
    if not ok:
        raise DrawingFailed(f"vl-convert could not draw the chart: {result}")
    return result


def png(spec: dict, scale: float = 2.0) -> bytes:
    return _draw("png", spec, scale)


def svg(spec: dict) -> str:
    return _draw("svg", spec, 1.0)


def _serve() -> None:
    """The drawing process: (kind, spec, scale) in, (ok, PNG bytes / SVG text / the error) out, until its input
    closes. Nothing else may write to the channel, so the standard output is the channel alone."""
    import vl_convert as vlc

    channel_in, channel_out = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr
    for d in CJK_FONT_DIRS:
        if d.is_dir():
            vlc.register_font_directory(str(d))
    while True:
        try:
            kind, spec, scale = pickle.load(channel_in)
        except EOFError:
            return
        try:
            result = (True, vlc.vegalite_to_png(spec, scale=scale) if kind == "png" else vlc.vegalite_to_svg(spec))
        except ValueError as exc:  # vl-convert's error for a chart it cannot draw
            result = (False, str(exc))
        pickle.dump(result, channel_out)
        channel_out.flush()


if __name__ == "__main__":
    _serve()
