"""The shape the code base keeps: short functions and modules, one text toolkit, one vocabulary."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from interviewer.vocabulary import Act, Section, Source

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("interviewer", "training", "webapp")
LONGEST = 50  # lines of a function
LONGEST_MODULE = 600  # lines of a module


def _sources() -> list[Path]:
    return [
        path
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in path.parts and "tests" not in path.parts  # tests/ is not scanned; nor the apps'
    ] + sorted((ROOT / "bench").glob("*.py"))


def _parsed(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def test_sources_are_found() -> None:
    assert len(_sources()) > 50


@pytest.mark.parametrize("path", _sources(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_function_is_longer_than_50_lines(path: Path) -> None:
    long = [
        f"{node.name} ({node.end_lineno - node.lineno + 1} lines, line {node.lineno})"
        for node in ast.walk(_parsed(path))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno is not None
        and node.end_lineno - node.lineno + 1 > LONGEST
    ]
    assert not long, f"split these: {long}"


@pytest.mark.parametrize("path", _sources(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_is_longer_than_600_lines(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").count("\n")
    assert lines <= LONGEST_MODULE, f"{lines} lines: give a part with one meaning its own module"


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
    from webapp.interviews.models import Turn

    choices = Turn._meta.get_field("act").choices or ()
    assert [value for value, _label in choices] == [act.value for act in Act]
    assert Act.GAP_PROBE.label == "gap probe"


_RE_CALLS = {"compile", "findall", "finditer", "search", "match", "fullmatch", "split", "sub"}


def _is_word_pattern(pattern: str) -> bool:
    """Whether a regular expression is made of character classes alone, one of them holding letters or
    word characters, repeated: what a word is (``[A-Za-z][A-Za-z0-9+#]*``), not a phrase or a form."""
    from re import _constants as c  # type: ignore[attr-defined]
    from re import _parser  # type: ignore[attr-defined]

    try:
        parsed = _parser.parse(pattern)
    except Exception:
        return False
    found = {"letters": False, "repeat": False}

    def classes_only(items: list[tuple[object, object]]) -> bool:
        for op, av in items:
            if op is c.IN:
                members = list(av)  # type: ignore[call-overload]
                ranges = [a for o, a in members if o is c.RANGE]
                words = any(o is c.CATEGORY and a is c.CATEGORY_WORD for o, a in members)
                letters = words or any(low <= ord("z") and high >= ord("A") for low, high in ranges)
                if members[0][0] is c.NEGATE or not (letters or any(o is c.RANGE for o, _ in members)):
                    return False  # a class of no letters or digits: a mark, a space, a "not"
                found["letters"] = found["letters"] or letters
            elif op in (c.MAX_REPEAT, c.MIN_REPEAT):
                found["repeat"] = True
                if not classes_only(list(av[2])):  # type: ignore[index]
                    return False
            elif op is c.SUBPATTERN:
                if not classes_only(list(av[3])):  # type: ignore[index]
                    return False
            elif op is c.BRANCH:
                if not all(classes_only(list(b)) for b in av[1]):  # type: ignore[index]
                    return False
            elif op is not c.AT:
                return False
        return True

    return classes_only(list(parsed)) and found["letters"] and found["repeat"]


def _word_patterns(tree: ast.Module) -> list[tuple[int, str]]:
    out = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in _RE_CALLS
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "re"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
            and _is_word_pattern(node.args[0].value)
        ):
            out.append((node.lineno, node.args[0].value))
    return out


@pytest.mark.parametrize("path", _sources(), ids=lambda p: str(p.relative_to(ROOT)))
def test_words_are_written_only_in_the_text_toolkit(path: Path) -> None:
    if path == ROOT / "interviewer" / "text.py":
        return
    assert not _word_patterns(_parsed(path)), "use a word shape of interviewer.text"


def test_the_checker_sees_a_word_pattern() -> None:
    tree = ast.parse(
        'A = re.compile(r"[a-z0-9][a-z0-9+#.]*")\nB = re.findall(r"[A-Za-z]+", t)\nC = re.compile(r"^[a-z]{3,}ing\\b")\n'
    )
    assert [line for line, _ in _word_patterns(tree)] == [1, 2]
    assert not _is_word_pattern(r"(?:in|with)\b") and not _is_word_pattern(r"\d+")


# Section names that are words of another vocabulary too (a heading's "about", a boilerplate kind's
# "legal" and "benefits") are left out: comparing those strings is not comparing a section.
_NAMED_ONCE = {
    *(s.value for s in Section if s.value not in ("about", "legal", "benefits")),
    *(s.value for s in Source),
}


def _compared_names(tree: ast.Module) -> list[tuple[int, str]]:
    """Section and source names written as strings in a comparison (``section == "skills"``,
    ``kind in ("resume", ...)``)."""

    def strings(node: ast.expr) -> list[str]:
        items = node.elts if isinstance(node, ast.Tuple | ast.Set | ast.List) else [node]
        return [i.value for i in items if isinstance(i, ast.Constant) and isinstance(i.value, str)]

    return [
        (node.lineno, name)
        for node in ast.walk(tree)
        if isinstance(node, ast.Compare)
        for side in (node.left, *node.comparators)
        for name in strings(side)
        if name in _NAMED_ONCE
    ]


@pytest.mark.parametrize("path", _sources(), ids=lambda p: str(p.relative_to(ROOT)))
def test_sections_and_sources_are_compared_by_their_vocabulary(path: Path) -> None:
    assert not _compared_names(_parsed(path)), "use interviewer.vocabulary.Section / Source instead of the string"


def test_the_checker_sees_a_section_compared_as_a_string() -> None:
    tree = ast.parse('a = s == "skills"\nb = k in ("resume", "x")\nc = s == Section.SKILLS\nd = w == "about"\n')
    assert _compared_names(tree) == [(1, "skills"), (2, "resume")]


def _spelled_events(tree: ast.Module) -> list[tuple[int, str]]:
    """Socket message and event types written as strings: ``{"type": "turn"}`` or ``x["type"] == "turn"``."""
    from webapp.interviews.protocol import Event, Message

    names = {*(e.value for e in Event), *(m.value for m in Message)}

    def is_type(node: ast.expr) -> bool:
        if isinstance(node, ast.Subscript):
            return isinstance(node.slice, ast.Constant) and node.slice.value == "type"
        return (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "get"
            and bool(node.args)
            and isinstance(node.args[0], ast.Constant)
            and node.args[0].value == "type"
        )

    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            found += [
                (v.lineno, v.value)
                for k, v in zip(node.keys, node.values, strict=True)
                if isinstance(k, ast.Constant)
                and k.value == "type"
                and isinstance(v, ast.Constant)
                and v.value in names
            ]
        elif isinstance(node, ast.Compare) and (is_type(node.left) or any(is_type(c) for c in node.comparators)):
            found += [
                (c.lineno, c.value)
                for c in (node.left, *node.comparators)
                if isinstance(c, ast.Constant) and c.value in names
            ]
        elif isinstance(node, ast.Assign) and any(is_type(t) for t in node.targets):
            if isinstance(node.value, ast.Constant) and node.value.value in names:
                found.append((node.lineno, node.value.value))
    return found


@pytest.mark.parametrize("path", _sources(), ids=lambda p: str(p.relative_to(ROOT)))
def test_socket_events_are_named_by_the_protocol(path: Path) -> None:
    assert not _spelled_events(_parsed(path)), "use webapp.interviews.protocol.Event / Message"


def test_the_checker_sees_an_event_spelled_out() -> None:
    tree = ast.parse('a = {"type": "turn"}\nb = e["type"] == "token"\nc = {"type": Event.TURN}\nd = {"kind": "turn"}\n')
    assert _spelled_events(tree) == [(1, "turn"), (2, "token")]
