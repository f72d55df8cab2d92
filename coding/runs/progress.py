"""Progress reports and cancel checks of an agreement run's tasks, at most a few a second."""

from __future__ import annotations

import time
from collections.abc import Callable

#: Seconds between progress reports (and cancel checks) while documents are computed.
PROGRESS_SECONDS = 0.5


def throttled(func: Callable[[], None], seconds: float = PROGRESS_SECONDS) -> Callable[[], None]:
    """``func`` called at most once per ``seconds``: each report or check is a query (a
    report a commit too), and a run stores a document every few milliseconds."""
    last = time.monotonic()

    def call() -> None:
        nonlocal last
        now = time.monotonic()
        if now - last >= seconds:
            last = now
            func()

    return call
