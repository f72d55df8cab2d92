"""Pausing Python's cyclic garbage collector around a view that builds many short-lived objects.

A matrix page holds 18,000 cells while it renders. Made with the collector running, they
outlive its young-generation passes, move to the old generation, and every few pages tip it
into a full collection: a pass over every object of the process (the models, templates and
translations a server keeps), a hundred milliseconds and more on one page in four. That was
the slow tail of the page's times. Paused for the view, the collector makes no pass meanwhile;
the cells are freed by their reference counts as soon as the view returns, and any cycle the
view left is found by the next ordinary collection.

The collector is the process's: with threads, a pause by one view is a pause for all until the
last view that paused it is done.
"""

from __future__ import annotations

import gc
import threading
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")

_lock = threading.Lock()
_pauses = 0  # views in a pause now
_resume = False  # whether the collector ran before the first of them


@contextmanager
def collector_paused() -> Iterator[None]:
    """No automatic collection inside; the collector as it was afterwards (nesting and threads
    allowed: it resumes when the last pause ends, and only if it was running before)."""
    global _pauses, _resume
    with _lock:
        if _pauses == 0:
            _resume = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _lock:
            _pauses -= 1
            if _pauses == 0 and _resume:
                gc.enable()


def pauses_collector(view: Callable[P, R]) -> Callable[P, R]:
    """A view run with the collector paused. The pause ends once the view has returned, when
    its objects are already freed (a `with` inside the view would end it while they live)."""

    @wraps(view)
    def paused(*args: P.args, **kwargs: P.kwargs) -> R:
        with collector_paused():
            return view(*args, **kwargs)

    return paused


def exception_released(exc: BaseException | None) -> None:
    """Let go of what a caught exception's tracebacks hold (the locals of every frame it passed
    through, along its chain of causes). A database error's traceback and its frames form
    cycles; with the collector paused they would keep those locals (a run's partial, a batch of
    documents' input) alive until the pause ends."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        traceback.clear_frames(exc.__traceback__)
        exc.__traceback__ = None
        exc = exc.__cause__ or exc.__context__
