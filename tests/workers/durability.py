"""A process for the kill -9 tests: indexes or rebuilds, printing one line
after every write to the store so the test can kill it mid-way."""

import sys
from pathlib import Path

from hkai.core.config import load_settings
from hkai.library import Library
from hkai.store.store import Store

_upsert = Store.upsert


def announce(self, collection, points):
    _upsert(self, collection, points)
    print(f"wrote {collection} {len(points)}", flush=True)


Store.upsert = announce
_fill = Store.fill_vectors


def announce_fill(self, collection, vectors, payload):
    n = _fill(self, collection, vectors, payload)
    print(f"filled {n}", flush=True)
    return n


Store.fill_vectors = announce_fill


def main() -> None:
    mode, store, model = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
    lib = Library(load_settings(store_dir=store, embedding_model=model))  # a rebuild happens here
    print("open", flush=True)
    if mode == "upload":
        text = "\n\n".join(f"第{i}段：大型文件的內容，編號{i}，講述香港創科發展。" for i in range(12000))
        lib.add_upload(text.encode(), "big.txt", "ws:durable")
    elif mode == "embed":  # an upload is searchable at once; its dense vectors follow in the background
        text = "\n\n".join(f"Note {i}: the harbour survey logged vessel number {i} near Tsing Yi." for i in range(200))
        lib.add_upload(text.encode(), "survey.txt", "ws:durable")
        print("uploaded", flush=True)
        lib.finish_embedding()
    print("done", flush=True)
    lib.close()


if __name__ == "__main__":
    main()
