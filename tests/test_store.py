"""The Qdrant layer: the local-mode speed-ups still apply to this qdrant-client
and give exactly Qdrant's own results; workspaces, budgets and expiry."""

import time

import numpy as np
import pytest
from qdrant_client import QdrantClient, models
from qdrant_client.local import local_collection, payload_filters, sparse_distances

from hkai.core import tokens
from hkai.core.config import Limits, load_settings
from hkai.core.types import PUBLIC
from hkai.index.sparse import BM25SparseEmbeddings
from hkai.ingest.errors import LoadError
from hkai.library import Library
from hkai.store import speedup as qdrant_speedup
from hkai.store.client import open_client
from hkai.store.filters import match

from .conftest import SEED_002, seed_paragraphs


def test_speedups_apply_to_the_installed_qdrant_client(tmp_path):
    """Fails when qdrant-client moves the private names the speed-ups replace,
    or is upgraded past the range they were tested with (requirements.txt)."""
    assert qdrant_speedup.tested_version() and qdrant_speedup.applies()
    client = open_client(load_settings(store_dir=tmp_path, embedding_model="none"))
    try:
        assert local_collection.calculate_distance_sparse is qdrant_speedup.fast_calculate_distance_sparse
        assert local_collection.calculate_payload_mask is qdrant_speedup.fast_calculate_payload_mask
    finally:
        client.close()


@pytest.fixture
def collection(tmp_path):
    """A real local collection of seed sentences under three owners."""
    qdrant_speedup.install()
    client = QdrantClient(path=str(tmp_path / "q"))
    client.create_collection("c", vectors_config={}, sparse_vectors_config={
        "s": models.SparseVectorParams(modifier=models.Modifier.IDF)})
    emb = BM25SparseEmbeddings()
    lines = seed_paragraphs(SEED_002, 60) * 3
    vectors = emb.embed_documents(lines)
    client.upsert("c", [models.PointStruct(id=i, vector={"s": models.SparseVector(**v.model_dump())}, payload={
        "owner": ["public", "ws:a", "ws:b"][i % 3], "ready": i % 4 != 0, "n": i})
        for i, v in enumerate(vectors)])
    yield client, client._client.collections["c"], emb
    client.close()


FILTERS = [
    models.Filter(must=[match("owner", ["public", "ws:a"]), match("ready", True)]),
    models.Filter(must=[match("owner", "ws:b")]),
    models.Filter(must=[match("ready", False)], must_not=[match("owner", "public")]),
    models.Filter(must=[match("owner", ["nobody"])]),
    models.Filter(should=[match("owner", "ws:a"), match("ready", False)]),  # not the fast path: delegated
]


def masks_agree(coll) -> None:
    for flt in FILTERS:
        fast = qdrant_speedup.fast_calculate_payload_mask(coll.payload, flt, coll.ids_inv, coll.deleted_per_vector)
        slow = payload_filters.calculate_payload_mask(coll.payload, flt, coll.ids_inv, coll.deleted_per_vector)
        assert np.array_equal(fast, slow), flt


def scores_agree(coll, emb) -> None:
    vectors = coll.sparse_vectors["s"][:len(coll.payload)]
    for q in ("數碼港撥款5,000萬元", "阿里巴巴股價", "不存在的詞語"):
        query = models.SparseVector(**emb.embed_query(q).model_dump())
        assert np.allclose(qdrant_speedup.fast_calculate_distance_sparse(query, vectors),
                           sparse_distances.calculate_distance_sparse(query, vectors), rtol=1e-5)


def test_fast_filter_and_scorer_equal_qdrant_through_writes(collection):
    client, coll, emb = collection
    masks_agree(coll)
    scores_agree(coll, emb)
    client.set_payload("c", {"ready": True}, points=list(range(0, 40)))  # payload objects replaced
    masks_agree(coll)
    client.delete("c", models.PointIdsList(points=list(range(40, 60))))
    masks_agree(coll)
    new = emb.embed_documents(["新增的段落，數碼港再獲撥款。"] * 10)
    client.upsert("c", [models.PointStruct(id=1000 + i, vector={"s": models.SparseVector(**v.model_dump())},
                                           payload={"owner": "ws:c", "ready": False}) for i, v in enumerate(new)])
    masks_agree(coll)  # appended rows
    scores_agree(coll, emb)  # appended segment
    client.upsert("c", [models.PointStruct(id=5, vector={"s": models.SparseVector(**new[0].model_dump())},
                                           payload={"owner": "public", "ready": True})])
    masks_agree(coll)  # a replaced point
    scores_agree(coll, emb)
    for i in range(14):  # more appends than segments kept: the newest merge, the old stay
        vector = {"s": models.SparseVector(**new[i % 10].model_dump())}
        client.upsert("c", [models.PointStruct(id=2000 + i, vector=vector, payload={"owner": "ws:d", "ready": True})])
        scores_agree(coll, emb)
    assert len(qdrant_speedup._sparse_indexes[id(coll.sparse_vectors["s"][0])].segments) <= 12
    later = emb.embed_documents(["阿里巴巴股價昨收報99.3元。"] * 3)  # vectors filled in later, mid-list and at the end
    client.update_vectors("c", points=[models.PointVectors(id=k, vector={"s": models.SparseVector(**v.model_dump())})
                                       for k, v in zip((7, 1003, 2013), later)])
    scores_agree(coll, emb)


def test_query_results_with_filters_equal_unpatched(collection, monkeypatch):
    client, coll, emb = collection
    query = models.SparseVector(**emb.embed_query("數碼港撥款").model_dump())
    flt = FILTERS[0]
    fast = client.query_points("c", query=query, using="s", query_filter=flt, limit=10).points
    monkeypatch.setattr(local_collection, "calculate_payload_mask", payload_filters.calculate_payload_mask)
    monkeypatch.setattr(local_collection, "calculate_distance_sparse", sparse_distances.calculate_distance_sparse)
    slow = client.query_points("c", query=query, using="s", query_filter=flt, limit=10).points
    assert [(p.id, round(p.score, 4)) for p in fast] == [(p.id, round(p.score, 4)) for p in slow]
    assert all(p.payload["owner"] in ("public", "ws:a") and p.payload["ready"] for p in fast)


# ---- workspaces, budgets, expiry ----------------------------------------------

def test_workspace_tokens_are_unguessable_and_names_are_refused():
    a, b = tokens.mint(), tokens.mint()
    assert a != b and tokens.is_token(a) and len(a) == 32  # 192 bits
    assert tokens.owner_of(a) != tokens.owner_of(b) and a not in tokens.owner_of(a)
    for guess in ("acme", "", "a" * 31, "../" * 11, "a" * 33):
        assert not tokens.is_token(guess)
        with pytest.raises(ValueError):
            tokens.owner_of(guess)


def test_only_the_owner_can_remove_and_nobody_can_remove_the_seeds(fresh_library):
    fresh_library.ensure_seeds()
    mine = tokens.owner_of(tokens.mint())
    doc = fresh_library.add_upload("觀塘新開的量子咖啡館。".encode(), "cafe.txt", mine).document
    assert not fresh_library.remove(doc.doc_id, tokens.owner_of(tokens.mint()))
    assert not fresh_library.remove("000", mine) and not fresh_library.remove("000", PUBLIC)
    assert fresh_library.document(doc.doc_id, [PUBLIC]) is None  # not readable without the token either
    assert fresh_library.remove(doc.doc_id, mine) and fresh_library.documents([PUBLIC, mine]) == \
        fresh_library.documents([PUBLIC])


def test_visitor_budgets_name_the_limit_and_keep_the_rest(tmp_path):
    limits = Limits(file_chunks=20, owner_chunks=30)
    lib = Library(load_settings(store_dir=tmp_path, embedding_model="none", limits=limits))
    try:
        long_text = "\n\n".join(f"第{i}段：香港創科發展的長篇記錄，內容編號{i}。" * 3 for i in range(200)).encode()
        with pytest.raises(LoadError, match="20-passage limit"):
            lib.add_upload(long_text, "long.txt", "ws:x")
        medium = "\n\n".join(f"第{i}段：數碼港記錄編號{i}。" * 4 for i in range(80)).encode()
        assert 15 < lib.add_upload(medium, "a.txt", "ws:x").chunks <= 20
        with pytest.raises(LoadError, match="limit of 30"):
            lib.add_upload(medium.replace("數碼港".encode(), "科學園".encode()), "b.txt", "ws:x")
        assert [d.source for d in lib.documents(["ws:x"])] == ["a.txt"]
        assert lib.add_upload(medium, "a.txt", "ws:y").status == "added"  # another visitor's budget is theirs
    finally:
        lib.close()


def test_every_visitor_together_has_a_budget_too(tmp_path):
    """Strangers opening many workspaces cannot grow the shared store without end:
    past HKAI_MAX_PRIVATE_CHUNKS an upload gets a sentence; the shipped documents
    do not count, and room made by removing (or expiry) is usable again."""
    lib = Library(load_settings(store_dir=tmp_path, embedding_model="none",
                                limits=Limits(file_chunks=20, owner_chunks=30, private_chunks=45)))
    try:
        lib.ensure_seeds()  # 38 shipped passages, not counted

        def text(word: str) -> bytes:
            return "\n\n".join(f"第{i}段：{word}記錄編號{i}。" * 4 for i in range(80)).encode()

        first = lib.add_upload(text("數碼港"), "a.txt", "ws:a")
        assert lib.add_upload(text("科學園"), "b.txt", "ws:b").status == "added"
        with pytest.raises(LoadError, match="full") as refused:
            lib.add_upload(text("北部都會區"), "c.txt", "ws:c")
        assert refused.value.code == "site_full"
        said = lib.upload(text("北部都會區"), "c.txt", "ws:c", "zh-Hant").message
        assert said.startswith("未能加入 c.txt：本網站")
        assert lib.remove(first.document.doc_id, "ws:a")
        assert lib.add_upload(text("北部都會區"), "c.txt", "ws:c").status == "added"
    finally:
        lib.close()


def test_idle_workspaces_are_purged_with_their_documents(fresh_library):
    fresh_library.ensure_seeds()
    old, fresh = tokens.owner_of(tokens.mint()), tokens.owner_of(tokens.mint())
    fresh_library.add_upload("舊工作區的文件。".encode(), "old.txt", old)
    fresh_library.add_upload("新工作區的文件。".encode(), "new.txt", fresh)
    week = 7 * 24 * 3600
    fresh_library.parts.store.put_meta(f"seen:{old}", {"owner": old, "last_seen": time.time() - week - 60})
    assert fresh_library.parts.workspaces.purge(dry_run=True) == [old] and fresh_library.documents([old])
    assert fresh_library.parts.workspaces.purge() == [old]
    assert fresh_library.documents([old]) == []
    assert all(h.source != "old.txt" for h in fresh_library.search("舊工作區的文件", owners=[PUBLIC, old]))
    assert [d.source for d in fresh_library.documents([fresh])] == ["new.txt"]
    assert fresh_library.status([PUBLIC]).documents == 2


def test_a_long_running_process_purges_idle_workspaces_at_most_hourly(fresh_library):
    """Start-up is not the only purge: a page run starts one in the background
    when the last is an hour old, and never two at once."""
    idle = tokens.owner_of(tokens.mint())
    fresh_library.add_upload("閒置工作區的文件。".encode(), "idle.txt", idle)
    fresh_library.parts.store.put_meta(f"seen:{idle}", {"owner": idle, "last_seen": time.time() - 8 * 24 * 3600})
    first = fresh_library.parts.workspaces.purge_if_due()
    assert first is not None and fresh_library.parts.workspaces.purge_if_due() is None  # once per hour
    first.join(timeout=60)
    assert fresh_library.documents([idle]) == []
    again = tokens.owner_of(tokens.mint())
    fresh_library.add_upload("又一個閒置工作區。".encode(), "again.txt", again)
    fresh_library.parts.store.put_meta(f"seen:{again}", {"owner": again, "last_seen": time.time() - 8 * 24 * 3600})
    assert fresh_library.parts.workspaces.purge_if_due() is None and fresh_library.documents([again])  # not yet due
    later = fresh_library.parts.workspaces.purge_if_due(every=0.0)
    later.join(timeout=60)
    assert fresh_library.documents([again]) == []


def test_an_upload_reports_its_passages_as_they_are_written(fresh_library):
    heard = []
    text = "\n\n".join(f"第{i}段：數碼港的算力將持續擴展，支援本地初創企業及大學的模型訓練。" * 3 for i in range(400))
    result = fresh_library.add_upload(text.encode(), "long.txt", "ws:progress",
                                      written=lambda done, total: heard.append((done, total)))
    assert result.status == "added" and result.chunks > 64  # more than one batch
    assert heard[0] == (0, result.chunks) and heard[-1] == (result.chunks, result.chunks) and len(heard) >= 3
    assert [d for d, _ in heard] == sorted(d for d, _ in heard)


def test_warming_loads_what_the_first_question_would_wait_for(fresh_library):
    """The app's loader calls warm() before it reports ready: jieba's dictionary
    is loaded then, not inside the first visitor's question."""
    from hkai.core import words

    words.segmenter.cache_clear()
    fresh_library.warm()
    assert words.segmenter.cache_info().currsize == 1
