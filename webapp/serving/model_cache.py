"""One loaded model per process, held with the key it was built for.

A served model depends on something that can change while the process runs: the active
ModelVersion, a settings path, the encoder a fitted model reads. Each cached model in
``webapp.serving.models_registry`` and ``webapp.interviews.voice`` is a ``Loaded`` holder: it returns what it holds
while the key is the same, builds again when the key changes, and forgets it on ``reset()``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")


class Loaded(Generic[T]):
    """The model built for the latest key asked for (one at a time: a new key replaces the old one).

    A build runs under the holder's lock, so threads that ask at once wait for one load instead of
    each loading the model. A build that raises leaves the holder as it was.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._held: tuple[Hashable, T] | None = None

    def get(self, key: Hashable, build: Callable[[], T]) -> T:
        """The model held for ``key``, built with ``build`` when another key (or none) is held."""
        with self._lock:
            if self._held is None or self._held[0] != key:
                self._held = (key, build())
            return self._held[1]

    def peek(self) -> T | None:
        """What is held now, without building (None when nothing is)."""
        held = self._held
        return None if held is None else held[1]

    def reset(self) -> None:
        """Forget the model; the next ``get`` builds it again."""
        with self._lock:
            self._held = None
