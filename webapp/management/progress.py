"""A tqdm progress bar on stderr that stays quiet when output is not a terminal."""

from __future__ import annotations

import sys

from tqdm import tqdm


def bar(total: int, desc: str, unit: str = "doc"):  # type: ignore[no-untyped-def]
    return tqdm(total=total, desc=desc, unit=unit, file=sys.stderr, dynamic_ncols=True, disable=None)
