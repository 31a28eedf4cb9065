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
