"""The shape the code base keeps: short functions, and one vocabulary of acts."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from interviewer.vocabulary import Act

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("interviewer", "training", "webapp")
LONGEST = 60


def _sources() -> list[Path]:
    return [
        path
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in path.parts
    ]


def _parsed(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def test_sources_are_found() -> None:
    assert len(_sources()) > 50


@pytest.mark.parametrize("path", _sources(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_function_is_longer_than_60_lines(path: Path) -> None:
    long = [
        f"{node.name} ({node.end_lineno - node.lineno + 1} lines, line {node.lineno})"
        for node in ast.walk(_parsed(path))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno is not None
        and node.end_lineno - node.lineno + 1 > LONGEST
    ]
    assert not long, f"split these: {long}"


def _act_literals(tree: ast.Module) -> list[tuple[int, str]]:
    """String constants spelling an act, other than dict keys (report fields) and docstrings."""
    acts = {act.value for act in Act}
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            skipped.update(id(key) for key in node.keys if key is not None)
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            skipped.add(id(node.value))
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and node.value in acts and id(node) not in skipped
    ]


@pytest.mark.parametrize("path", _sources(), ids=lambda p: str(p.relative_to(ROOT)))
def test_act_names_are_spelled_only_in_the_vocabulary(path: Path) -> None:
    if path == ROOT / "interviewer" / "vocabulary.py":
        assert _act_literals(_parsed(path)), "the vocabulary spells every act"
        return
    assert not _act_literals(_parsed(path)), "use interviewer.vocabulary.Act instead of the string"


def test_the_checker_sees_an_act_spelled_out() -> None:
    tree = ast.parse('x = "gap_probe"\nreport = {"closing": 1}\n')
    assert _act_literals(tree) == [(1, "gap_probe")]


def _package_imports() -> dict[str, set[str]]:
    """Which packages of interviewer/ each package imports ("" for the shared top-level modules)."""
    core = ROOT / "interviewer"
    packages = {p.name for p in core.iterdir() if (p / "__init__.py").is_file()}
    edges: dict[str, set[str]] = {name: set() for name in (*packages, "")}
    for path in core.rglob("*.py"):
        parts = path.relative_to(core).parts
        mine = parts[0] if len(parts) > 1 else ""
        for node in ast.walk(_parsed(path)):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "interviewer":
                names = node.module.split(".")[1:] or [alias.name for alias in node.names]
                theirs = names[0] if names[0] in packages else ""
                if theirs != mine:
                    edges[mine].add(theirs)
    return edges


def test_the_packages_of_the_core_import_each_other_one_way() -> None:
    edges = _package_imports()
    assert set(edges) >= {"documents", "matching", "dialog", "serving", "feedback", "voice"}
    assert not edges[""], f"the shared modules import a package: {edges['']}"
    order: list[str] = []  # a topological order exists only without a cycle
    left = {name: set(deps) - {""} for name, deps in edges.items() if name}
    while left:
        ready = sorted(name for name, deps in left.items() if not deps - set(order))
        assert ready, f"the packages import each other in a cycle: {left}"
        order.extend(ready)
        for name in ready:
            del left[name]


def test_the_core_never_imports_django_or_the_web_app() -> None:
    for path in (ROOT / "interviewer").rglob("*.py"):
        for node in ast.walk(_parsed(path)):
            modules = (
                [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else []
            )
            assert not any(m.split(".")[0] in ("django", "channels", "webapp") for m in modules), path


@pytest.mark.django_db
def test_a_turns_act_is_one_of_the_vocabularys() -> None:
    from webapp.models import Turn

    choices = Turn._meta.get_field("act").choices or ()
    assert [value for value, _label in choices] == [act.value for act in Act]
    assert Act.GAP_PROBE.label == "gap probe"
