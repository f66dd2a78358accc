"""Right after data is loaded, compute each page's figures for the whole project and for each area
in the background, so that the first look at an area in a meeting is as quick as the second."""

from __future__ import annotations

import atexit
import logging
import threading

from dashboard.ingest.load import LoadResult
from dashboard.pages import areas, finance, overview, participants
from dashboard.url_state import ViewFilters
from dashboard.view import page_view, plan_options

# A programme of hundreds of implementers warms only the whole-programme view: warming every area
# would keep a core busy for minutes after each reload.
WARM_AREAS_AT_MOST = 20
VIEWS = (overview.view, finance.view, participants.view, areas.scope_view, areas.all_areas_view)

log = logging.getLogger(__name__)

# A warm-up thread still inside DuckDB when the interpreter exits aborts the process: at exit the
# threads are told to stop after their current view and are waited for.
_stopping = threading.Event()
_running: set[threading.Thread] = set()


def warm(result: LoadResult) -> int:
    """Fill the page caches; returns how many views were computed."""
    if not result.ok:
        return 0
    implementers = list(plan_options(result).areas)
    chosen = [None, *(implementers if len(implementers) <= WARM_AREAS_AT_MOST else [])]
    for implementer in chosen:
        for view in VIEWS:
            if _stopping.is_set():
                return 0
            page_view(view, result, ViewFilters(implementer=implementer))
    return len(chosen) * len(VIEWS)


def warm_in_background(result: LoadResult) -> threading.Thread:
    def run() -> None:
        try:
            warm(result)
        except Exception:  # a failed warm-up only costs speed: the callbacks compute on demand
            log.exception("warming the page caches failed")
        finally:
            _running.discard(threading.current_thread())

    thread = threading.Thread(target=run, name="esr-warmup", daemon=True)
    _running.add(thread)
    thread.start()
    return thread


@atexit.register
def _finish_at_exit() -> None:
    _stopping.set()
    for thread in list(_running):
        thread.join(timeout=30)
