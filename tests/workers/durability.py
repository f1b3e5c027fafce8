"""A process for the kill -9 tests: indexes or rebuilds, printing one line
after every write to the store so the test can kill it mid-way."""

import sys
from pathlib import Path

from hkai.config import load_settings
from hkai.library import Library
from hkai.store import Store

_upsert = Store.upsert


def announce(self, collection, points):
    _upsert(self, collection, points)
    print(f"wrote {collection} {len(points)}", flush=True)


Store.upsert = announce


def main() -> None:
    mode, store, model = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
    lib = Library(load_settings(store_dir=store, embedding_model=model))  # a rebuild happens here
    print("open", flush=True)
    if mode == "upload":
        text = "\n\n".join(f"第{i}段：大型文件的內容，編號{i}，講述香港創科發展。" for i in range(12000))
        lib.add_upload(text.encode(), "big.txt", "ws:durable")
    print("done", flush=True)
    lib.close()


if __name__ == "__main__":
    main()
