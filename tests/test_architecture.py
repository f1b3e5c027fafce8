"""The engine's shape: sub-packages along the data flow, dependencies one way,
no import cycles, no Streamlit, tests or benchmarks inside the shipped
package, one package that talks to Qdrant and one module that reads the
environment. Read from the source (every import, lazy ones included)."""

from __future__ import annotations

import ast
from pathlib import Path

from hkai.core.config import PROJECT_ROOT

HKAI = PROJECT_ROOT / "hkai"
# What each part may import (besides itself). The flow: core ← ingest ← store ← index ← retrieve ← answer
# ← library ← cli; workspace and dashboards are side branches the library wires in.
ALLOWED = {
    "core": set(),
    "ingest": {"core"},
    "store": {"core"},
    "index": {"core", "ingest", "store"},
    "retrieve": {"core", "store", "index"},
    "answer": {"core", "ingest", "index", "retrieve"},
    "workspace": {"core", "ingest", "store", "index"},
    "dashboards": {"core", "ingest"},
    "library": {"core", "ingest", "store", "index", "retrieve", "answer", "workspace"},
    "cli": {"core", "ingest", "store", "answer", "dashboards", "library"},
    "__main__": {"cli"},
    "__init__": set(),
}


def _module(path: Path) -> str:
    parts = list(path.relative_to(PROJECT_ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module(p): p for p in HKAI.rglob("*.py")}


def _imports(name: str) -> list[tuple[str, int]]:
    """Every module `name` imports (absolute names), with the line."""
    path = MODULES[name]
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [(a.name, node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for a in node.names:  # `from . import i18n` imports the module hkai.core.i18n
                sub = f"{target}.{a.name}"
                out.append((sub if sub in MODULES else target, node.lineno))
    return out


def _part(name: str) -> str:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def test_the_engine_is_in_sub_packages_along_the_flow():
    for part in ("core", "ingest", "store", "index", "retrieve", "answer", "workspace", "dashboards"):
        assert (HKAI / part / "__init__.py").exists(), part
    flat = sorted(p.name for p in HKAI.glob("*.py"))
    assert flat == ["__init__.py", "__main__.py", "cli.py", "library.py"], flat


def test_dependencies_point_one_way():
    wrong = []
    for name in MODULES:
        for target, line in _imports(name):
            if target.startswith("hkai.") and _part(target) != _part(name) \
                    and _part(target) not in ALLOWED[_part(name)]:
                wrong.append(f"{name}:{line} imports {target}")
    assert not wrong, wrong


def test_no_module_imports_itself_back():
    graph = {m: {t for t, _ in _imports(m) if t in MODULES and t != m} for m in MODULES}
    cycles, state = [], {}

    def visit(m: str, path: list[str]) -> None:
        state[m] = "open"
        for t in sorted(graph[m]):
            if state.get(t) == "open":
                cycles.append(path[path.index(t):] + [t] if t in path else [m, t])
            elif t not in state:
                visit(t, path + [t])
        state[m] = "done"

    for m in sorted(MODULES):
        if m not in state:
            visit(m, [m])
    assert not cycles, cycles


def test_the_package_never_imports_streamlit_tests_or_benchmarks():
    found = [f"{m}:{line} {t}" for m in MODULES for t, line in _imports(m)
             if t.split(".")[0] in ("streamlit", "tests", "bench", "components", "app_pages")
             and not (m == "hkai.cli" and t.startswith("bench"))]  # `python -m hkai bench` runs bench/ from a checkout
    assert not found, found
    assert not [m for m in MODULES if _names_the_test_tree(m)]


def _names_the_test_tree(name: str) -> bool:
    """A string in the code (not a docstring) that is a path into tests/."""
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    docs = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant)}
    return any(isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docs
               and (n.value == "tests" or n.value.startswith("tests/")) for n in ast.walk(tree))


def test_only_the_store_talks_to_qdrant():
    found = [f"{m}:{line}" for m in MODULES for t, line in _imports(m)
             if t.split(".")[0] == "qdrant_client" and _part(m) != "store"]
    assert not found, found


def test_only_settings_read_the_environment():
    readers = [m for m, p in MODULES.items() if "os.environ" in p.read_text(encoding="utf-8")
               or "getenv(" in p.read_text(encoding="utf-8")]
    assert readers == ["hkai.core.config"], readers


def test_the_checker_sees_a_wrong_import(tmp_path, monkeypatch):
    """The rules above can fail: a store module importing the answerer is caught."""
    bad = HKAI / "store" / "_probe_wrong_way.py"
    bad.write_text("from ..answer import extractive\n", encoding="utf-8")
    try:
        MODULES["hkai.store._probe_wrong_way"] = bad
        wrong = [t for t, _ in _imports("hkai.store._probe_wrong_way") if _part(t) not in ALLOWED["store"]]
        assert wrong == ["hkai.answer.extractive"]
    finally:
        MODULES.pop("hkai.store._probe_wrong_way", None)
        bad.unlink()
