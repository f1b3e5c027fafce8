"""Charts and their data as files: PNG and SVG (vl-convert in a process of its own, `vega`, with a
source line under the chart), CSV in the reader's language."""

from __future__ import annotations

import io
import re
import textwrap
from xml.sax.saxutils import escape

from ..core.i18n import t
from . import vega
from .charts import ChartSpec
from .data import figures_frame
from .vega import CJK_FONT_DIRS

CJK_FONT_FILE = "NotoSansCJK-Regular.ttc"


def source_lines(spec: ChartSpec, lang: str, width: int = 110) -> list[str]:
    text = t("chart.source", lang, sources="; ".join(spec.sources))
    step = width if lang == "en" else width // 2
    return textwrap.wrap(text, step) if lang == "en" else [text[i:i + step] for i in range(0, len(text), step)]


def _font(size: int):
    from PIL import ImageFont

    for d in CJK_FONT_DIRS:
        if (d / CJK_FONT_FILE).exists():
            return ImageFont.truetype(str(d / CJK_FONT_FILE), size, index=3)  # the TC face
    return ImageFont.load_default()


def to_png(spec: ChartSpec, lang: str, scale: float = 2.0, source: bool = True) -> bytes:
    """The chart with its source line under it (`source=False`: a slide's footer says it)."""
    from PIL import Image, ImageDraw

    png = vega.png(spec.chart.to_dict(), scale=scale)
    if not source:
        return png
    chart = Image.open(io.BytesIO(png)).convert("RGB")
    lines = source_lines(spec, lang, width=int(chart.width / (7.5 * scale)))
    size = int(12 * scale)
    out = Image.new("RGB", (chart.width, chart.height + int((len(lines) + 1) * size * 1.5)), "white")
    out.paste(chart, (0, 0))
    draw = ImageDraw.Draw(out)
    for i, line in enumerate(lines):
        draw.text((int(8 * scale), chart.height + int((i + 0.4) * size * 1.5)), line, fill="#57606a", font=_font(size))
    buf = io.BytesIO()
    out.save(buf, format="PNG")
    return buf.getvalue()


def to_svg(spec: ChartSpec, lang: str) -> str:
    svg = vega.svg(spec.chart.to_dict())
    m = re.search(r'<svg[^>]*\bheight="([\d.]+)"', svg)
    height = float(m.group(1)) if m else 0.0
    lines = source_lines(spec, lang)
    extra = 18 * (len(lines) + 1)
    svg = re.sub(r'(<svg[^>]*\bheight=")([\d.]+)(")', lambda x: f"{x.group(1)}{height + extra:g}{x.group(3)}", svg, 1)
    svg = re.sub(r'(<svg[^>]*viewBox="[\d.\-]+ [\d.\-]+ [\d.]+ )([\d.]+)(")',
                 lambda x: f"{x.group(1)}{float(x.group(2)) + extra:g}{x.group(3)}", svg, 1)
    footer = "".join(f'<text x="8" y="{height + 18 * (i + 1):g}" font-family="Noto Sans CJK TC, sans-serif" '
                     f'font-size="12" fill="#57606a">{escape(line)}</text>' for i, line in enumerate(lines))
    return svg.replace("</svg>", f"{footer}</svg>", 1) if svg.rstrip().endswith("</svg>") else svg


_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def inert(cell):
    """A CSV cell no spreadsheet evaluates (OWASP's advice on CSV injection): text
    that would start with =, +, -, @, a tab or a carriage return gets a leading
    apostrophe. Numbers stay numbers."""
    if isinstance(cell, str) and cell.startswith(_FORMULA):
        return "'" + cell
    return cell


def to_csv(spec: ChartSpec, lang: str) -> bytes:
    """Every CSV the app and the CLI write, with every text cell (headers included) made inert."""
    frame = figures_frame(spec.rows, lang)
    frame = frame.rename(columns=inert).map(inert)
    return frame.to_csv(index=False).encode("utf-8-sig")
