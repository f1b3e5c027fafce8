"""Word (.docx) files through python-docx, refused by their unpacked size
before they are opened.
"""

from __future__ import annotations

import io
import logging
import zipfile

from ..core.config import Limits
from .errors import LoadError, _mb
from .parsed import Parsed
from .tables import table_rows

logger = logging.getLogger(__name__)


MAX_ZIP_MEMBERS = 2_000


def _check_zip(data: bytes, name: str, limits: Limits) -> None:
    """A .docx is a zip: refuse it by the unpacked sizes its members declare
    (zipfile never inflates a member past its declared size)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise LoadError(name, "the Word file cannot be opened (not a valid .docx)", "corrupt") from exc
    unpacked = sum(m.file_size for m in members)
    xml = sum(m.file_size for m in members if m.filename.endswith((".xml", ".rels")))
    if len(members) > MAX_ZIP_MEMBERS or unpacked > limits.unpacked_bytes:
        raise LoadError(name, f"the Word file unpacks to {_mb(unpacked)}, over the {_mb(limits.unpacked_bytes)} "
                        "limit (a compressed file this large is refused before it is opened)", "too_large")
    if xml > limits.xml_bytes:
        raise LoadError(name, f"the Word file's text and layout unpack to {_mb(xml)}, over the "
                        f"{_mb(limits.xml_bytes)} limit; split it into smaller files", "too_large")


def parse(data: bytes, name: str, limits: Limits) -> Parsed:
    import docx
    from docx.opc.exceptions import OpcError

    _check_zip(data, name, limits)
    try:
        document = docx.Document(io.BytesIO(data))
        parts = [p.text for p in document.paragraphs]
        tables: list[dict] = []
        for table in document.tables:
            grid = [[cell.text for cell in row.cells] for row in table.rows]
            parts += [" | ".join(row) for row in grid]
            tables += table_rows(grid)
        heading = next((p.text.strip() for p in document.paragraphs if p.text.strip()
                        and (p.style.name or "").lower().startswith(("heading", "title"))), "")
        title = document.core_properties.title or heading
    except (OpcError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise LoadError(name, "the Word file cannot be opened (not a valid .docx)", "corrupt") from exc
    except Exception as exc:  # lxml and python-docx raise many kinds on malformed parts
        logger.exception("python-docx failed on %s", name)
        raise LoadError(name, "the Word file is damaged and cannot be read", "corrupt") from exc
    return Parsed("\n\n".join(parts), title, tables=tables)
