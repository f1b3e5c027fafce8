"""PDF files through pypdf, within the page and character limits.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile

from ..core.config import Limits
from .errors import LoadError, _check_chars
from .lines import strip_page_furniture
from .parsed import Parsed

logger = logging.getLogger(__name__)
_SPACES = re.compile(r"[ \t\u00a0]{2,}")


def parse(data: bytes, name: str, limits: Limits) -> Parsed:
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise LoadError(name, "the PDF is password-protected", "encrypted")
        if len(reader.pages) > limits.pages:
            raise LoadError(name, f"the PDF has {len(reader.pages):,} pages, over the {limits.pages:,}-page limit",
                            "too_large")
        pages, total = [], 0
        for page in reader.pages:
            text = (page.extract_text() or "").replace("\x00", "")  # some CJK fonts put NULs between characters
            text = _SPACES.sub(" ", text)  # justified lines come out with runs of spaces ("1,200  PFLOPS")
            total += len(text)
            _check_chars(total, name, limits)
            pages.append(text)
        title = (reader.metadata.title if reader.metadata else None) or ""
    except LoadError:
        raise
    except FileNotDecryptedError as exc:
        raise LoadError(name, "the PDF is password-protected", "encrypted") from exc
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, zipfile.BadZipFile) as exc:
        raise LoadError(name, "the PDF is damaged and cannot be read", "corrupt") from exc
    except Exception as exc:  # pypdf raises many kinds on malformed input; none may escape
        logger.exception("pypdf failed on %s", name)
        raise LoadError(name, "the PDF is damaged and cannot be read", "corrupt") from exc
    pages = strip_page_furniture(pages)
    return Parsed("\n\n".join(pages), str(title), pages=pages)
