"""HTML → PDF/A with WeasyPrint, in a worker process.

WeasyPrint lays out in pure Python: in the server's own process (even in a thread) a 60-page portfolio
would hold the interpreter for seconds and every sync push and page load would wait behind it. So a
small pool of spawned processes does the rendering; the event loop only awaits their answer. Fonts
(DejaVu, from Debian's fonts-dejavu-core) are embedded by WeasyPrint; PDF/A-3b marks the file as
archival.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any

#: PDF/A-3b: archival, fonts embedded, the form a portfolio is kept in
PDF_VARIANT = "pdf/a-3b"
WORKERS = 1

_pool: ProcessPoolExecutor | None = None
_lock = threading.Lock()


#: the worker's niceness: a render gives way to the server's own process on a busy machine, so that a
#: portfolio takes a little longer rather than sync pushes waiting (``python -m bench pdf``)
NICENESS = 10


def _lower_priority() -> None:
    try:
        os.nice(NICENESS)
    except OSError:  # not allowed here: render at the same priority
        pass


def html_to_pdf(html: str) -> bytes:
    """Runs in the worker: one document, laid out and written."""
    from weasyprint import HTML  # imported in the worker only: the server process never loads it

    return HTML(string=html, base_url=None).write_pdf(pdf_variant=PDF_VARIANT)  # type: ignore[no-any-return]


def _executor() -> ProcessPoolExecutor:
    global _pool
    with _lock:
        if _pool is None:
            # spawn, not fork: the server has threads (the SQLite writer, the mail job) a fork would copy
            _pool = ProcessPoolExecutor(max_workers=WORKERS, mp_context=multiprocessing.get_context("spawn"),
                                        initializer=_lower_priority)
        return _pool


async def in_worker(fn: Callable[..., bytes], *args: Any) -> bytes:
    """``fn(*args)`` in the render worker (``fn`` and ``args`` must pickle: a module-level function)."""
    return await asyncio.get_running_loop().run_in_executor(_executor(), fn, *args)


def shutdown() -> None:
    """Ends the workers (the app's shutdown); the next render starts a new pool."""
    global _pool
    with _lock:
        pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)
