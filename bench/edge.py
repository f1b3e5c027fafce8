"""`python -m hkai bench --sections edge`: Qdrant Edge measured as a candidate
for the embedded store (issue 9: "measure the candidates and choose").

The same passages and lexical vectors as the `scale` section (the public sets'
passages copied into another visitor's workspace up to 60,000, the seeds
public), in an Edge shard (`pip install qdrant-edge-py`; not a dependency)
with payload indexes on owner and state; a visitor's filtered lexical query
and a lexical + dense RRF query (dense vectors random: only speed is measured).
Not chosen, for the reasons the README gives; this keeps the figures reproducible.
"""

from __future__ import annotations

import statistics
import tempfile
import time
import uuid

import numpy as np

from hkai.index.chunking import chunk_document, make_splitter
from hkai.index.sparse import BM25SparseEmbeddings
from hkai.ingest.document import Document
from hkai.ingest.loader import load_path
from hkai.ingest.paths import seed_paths
from hkai.retrieve.planner import plan_query


def edge_rows(docs: list[Document], questions: list[str], target: int = 60000) -> list:
    from .rows import Row, percentile

    try:
        import qdrant_edge as qe
    except ImportError:
        return [Row("edge", "Qdrant Edge not installed (pip install qdrant-edge-py)", {})]
    sparse, splitter, rng = BM25SparseEmbeddings(), make_splitter(320, 60), np.random.default_rng(0)

    def points(texts: list[str], owner: str) -> list:
        out = []
        for text, vec in zip(texts, sparse.embed_documents(texts)):
            dense = rng.standard_normal(384).astype(np.float32)
            out.append(qe.Point(id=str(uuid.uuid4()), payload={"owner": owner, "state": "ready", "text": text},
                                vector={"dense": (dense / np.linalg.norm(dense)).tolist(),
                                        "lexical": qe.SparseVector(indices=vec.indices, values=vec.values)}))
        return out

    config = qe.EdgeConfig(vectors={"dense": qe.EdgeVectorParams(size=384, distance=qe.Distance.Cosine)},
                           sparse_vectors={"lexical": qe.EdgeSparseVectorParams(modifier=qe.Modifier.Idf)})
    with tempfile.TemporaryDirectory() as folder:
        shard = qe.EdgeShard.create(folder, config)
        for key in ("owner", "state"):
            shard.update(qe.UpdateOperation.create_field_index(key, qe.PayloadSchemaType.Keyword))
        seeds = [c.text for p in seed_paths() for c in chunk_document(load_path(p), splitter=splitter)]
        shard.update(qe.UpdateOperation.upsert_points(points(seeds, "public")))
        texts = [c.text for d in docs for c in chunk_document(d, splitter=splitter)]
        total, t0 = 0, time.perf_counter()
        while total < target:
            batch = points(texts, "ws:other")
            for i in range(0, len(batch), 256):
                shard.update(qe.UpdateOperation.upsert_points(batch[i:i + 256]))
            total += len(batch)
        written = time.perf_counter() - t0
        shard.optimize()
        rows = [Row("edge", f"{total} private chunks written, then optimised",
                    {"write_s": written, "optimise_s": time.perf_counter() - t0 - written})]
        visible = qe.Filter(must=[qe.FieldCondition(key="owner", match=qe.MatchAny(any=["public", "ws:me"])),
                                  qe.FieldCondition(key="state", match=qe.MatchValue(value="ready"))])
        queries = [sparse.embed_query_terms(plan_query(q).terms) for q in questions]

        def lexical(q):
            return qe.Prefetch(query=qe.Query.Nearest(qe.SparseVector(indices=q.indices, values=q.values),
                                                      using="lexical"), filter=visible, limit=40)

        def dense():
            v = rng.standard_normal(384).astype(np.float32)
            return qe.Prefetch(query=qe.Query.Nearest((v / np.linalg.norm(v)).tolist(), using="dense"),
                               filter=visible, limit=40)

        kinds = {"lexical": lambda q: qe.QueryRequest(prefetches=[lexical(q)], query=qe.Fusion.Rrf(60), limit=5,
                                                      with_payload=True),
                 "lexical + dense, RRF": lambda q: qe.QueryRequest(prefetches=[lexical(q), dense()],
                                                                  query=qe.Fusion.Rrf(60), limit=5, with_payload=True)}
        for name, request in kinds.items():
            times, leaked = [], 0
            for _ in range(2):
                for q in queries:
                    start = time.perf_counter()
                    hits = shard.query(request(q))
                    times.append(1000 * (time.perf_counter() - start))
                    leaked += sum(h.payload["owner"] != "public" for h in hits)
            rows.append(Row("edge", f"visitor beside {total} private chunks, Qdrant Edge, {name}",
                            {"n": len(times), "p50_ms": statistics.median(times), "p95_ms": percentile(times, 95),
                             "leaked": leaked}))
        shard.close()
    return rows
