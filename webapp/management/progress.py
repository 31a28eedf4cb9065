"""A tqdm progress bar on stderr that stays quiet when output is not a terminal."""

from __future__ import annotations

import sys
from typing import NoReturn

from tqdm import tqdm


def bar(total: int, desc: str, unit: str = "doc") -> tqdm[NoReturn]:  # NoReturn: a bar with no iterable
    return tqdm(total=total, desc=desc, unit=unit, file=sys.stderr, dynamic_ncols=True, disable=None)
