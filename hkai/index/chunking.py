"""CJK-aware chunking with LangChain's recursive splitter.

Chunks break at paragraph, line and sentence ends (。！？；) first, so a
passage shown to the user reads as whole sentences. Ids are content hashes:
re-indexing an unchanged document produces the same ids and writes nothing.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass

from langchain_text_splitters import RecursiveCharacterTextSplitter

from ..ingest.document import Document

_NAMESPACE = uuid.UUID("8f1c2a0e-5b7d-4c39-9a51-2f6e0d3b7c11")
SEPARATORS = ["\n\n", "\n", "。", "！", "？", "；", ". ", "! ", "? ", "，", "、", ", ", " ", ""]


@dataclass
class Chunk:
    chunk_id: str
    doc_id: str
    ordinal: int
    text: str
    start: int  # offset in the document's clean text, for "open at this passage"


def make_splitter(chunk_size: int, chunk_overlap: int) -> RecursiveCharacterTextSplitter:
    return RecursiveCharacterTextSplitter(
        chunk_size=chunk_size,
        chunk_overlap=chunk_overlap,
        separators=SEPARATORS,
        keep_separator="end",
        add_start_index=True,
        strip_whitespace=True,
    )


def chunk_id(doc_id: str, ordinal: int, text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return str(uuid.uuid5(_NAMESPACE, f"{doc_id}|{ordinal}|{digest}"))


def chunk_document(doc: Document, chunk_size: int = 320, chunk_overlap: int = 60,
                   splitter: RecursiveCharacterTextSplitter | None = None) -> list[Chunk]:
    splitter = splitter or make_splitter(chunk_size, chunk_overlap)
    pieces = splitter.create_documents([doc.clean_text])
    chunks = []
    for i, piece in enumerate(p for p in pieces if p.page_content.strip()):
        chunks.append(Chunk(chunk_id(doc.doc_id, i, piece.page_content), doc.doc_id, i,
                            piece.page_content, int(piece.metadata.get("start_index", -1))))
    return chunks
