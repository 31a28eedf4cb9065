"""The one table formatter of the commands and the README figures (tabulate)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from tabulate import tabulate


def table(rows: Iterable[Sequence[Any]], headers: Sequence[str], markdown: bool = False, floatfmt: str = ".3f") -> str:
    """Rows as aligned plain text, or as a Markdown table for the README."""
    return tabulate(list(rows), headers=list(headers), tablefmt="github" if markdown else "simple", floatfmt=floatfmt)
