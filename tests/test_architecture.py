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
    "cli": {"core", "dashboards", "library"},
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
    assert not _cycles(graph)


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    cycles, state = [], {}

    def visit(m: str, path: list[str]) -> None:
        state[m] = "open"
        for t in sorted(graph[m]):
            if state.get(t) == "open":
                cycles.append(path[path.index(t):] + [t] if t in path else [m, t])
            elif t not in state:
                visit(t, path + [t])
        state[m] = "done"

    for m in sorted(graph):
        if m not in state:
            visit(m, [m])
    return cycles


def test_the_package_never_imports_streamlit_tests_or_benchmarks():
    found = [f"{m}:{line} {t}" for m in MODULES for t, line in _imports(m)
             if t.split(".")[0] in ("streamlit", "tests", "bench", "components", "app_pages")]
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


# The interface: the frame, the pages, the components and the CLI.
INTERFACE = [PROJECT_ROOT / "app.py", *sorted((PROJECT_ROOT / "app_pages").glob("*.py")),
             *sorted((PROJECT_ROOT / "components").glob("*.py")), HKAI / "cli.py"]
# Library's parts (`Library.parts`, and the names its stages had as attributes).
PARTS = {"parts", "answers", "records", "indexer", "workspaces", "uploads", "retriever", "later", "store"}


def _interface_imports(path: Path) -> list[tuple[str, int]]:
    if path == HKAI / "cli.py":
        return _imports("hkai.cli")
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [(a.name, node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and not node.level:
            out += [(f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in MODULES else node.module, node.lineno)
                    for a in node.names]
    return out


def test_the_interface_comes_in_by_one_door():
    """Pages, components and the CLI import nothing of hkai but the library, the shared types and translation
    of hkai.core and the dashboards' pure chart and deck functions."""
    wrong = [f"{p.relative_to(PROJECT_ROOT)}:{line} imports {t}" for p in INTERFACE for t, line in _interface_imports(p)
             if t.startswith("hkai") and t != "hkai" and _part(t) not in ("library", "core", "dashboards")]
    assert not wrong, wrong


def test_the_interface_reaches_into_none_of_the_librarys_parts():
    found = []
    for path in INTERFACE:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in PARTS and isinstance(node.value, ast.Name) \
                    and node.value.id in ("lib", "library", "self"):
                found.append(f"{path.relative_to(PROJECT_ROOT)}:{node.lineno} {node.value.id}.{node.attr}")
    assert not found, found


def test_the_door_checker_sees_a_page_reaching_behind_it(tmp_path):
    probe = tmp_path / "page.py"
    probe.write_text("from hkai.answer.service import AnswerService\nlib.answers.answer('q')\n", encoding="utf-8")
    imports = [t for t, _ in _interface_imports(probe) if _part(t) not in ("library", "core", "dashboards")]
    reached = [n.attr for n in ast.walk(ast.parse(probe.read_text())) if isinstance(n, ast.Attribute) and n.attr in PARTS]
    assert imports == ["hkai.answer.service"] and reached == ["answers"]


def test_bench_is_apart():
    """No import cycle in bench/; the package never imports it (above) nor adds it to the path."""
    bench = {p: p for p in (PROJECT_ROOT / "bench").rglob("*.py")}
    name = {p: ".".join(p.relative_to(PROJECT_ROOT).with_suffix("").parts) for p in bench}
    graph = {}
    for p in bench:
        pkg = name[p].split(".")[:-1] if p.name != "__init__.py" else name[p].split(".")
        targets = set()
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                base = ".".join(pkg[:len(pkg) - (node.level - 1)] + ([node.module] if node.module else [])) \
                    if node.level else (node.module or "")
                targets |= {base} | {f"{base}.{a.name}" for a in node.names}
        graph[name[p]] = {t for t in targets if t in name.values() and t != name[p]}
    assert not _cycles(graph), _cycles(graph)
    assert not [m for m, p in MODULES.items() if "sys.path" in p.read_text(encoding="utf-8")]
