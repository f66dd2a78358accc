"""How fast a filter change feels: from the click on an implementer in the filter bar to every chart
and table of the page updated, measured inside headless Chromium on the embedded demo data.

    .venv/bin/python scripts/bench_filters.py [--runs 20] [--cold] [--out artifacts/bench-filters.json]

Writes medians and 95th percentiles per page to a JSON file (the machines are shared and noisy:
read medians, not single runs). Not a test: nothing here asserts a time."""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from werkzeug.serving import make_server  # noqa: E402

from dashboard import state, warmup  # noqa: E402
from dashboard.config import DEFAULT_EXTRACTS_DIR, DEFAULT_PLAN_DIR  # noqa: E402
from dashboard.factory import create_app  # noqa: E402
from dashboard.measure import percentile  # noqa: E402

PAGES = {"/": "overview-scope", "/talous": "finance-scope", "/osallistujat": "participants-scope", "/alueet": "areas-scope"}
AREAS = ["Socca", "Verso", "Pikassos", "KOSKE", "Socom", "Vasso", "Chydenius", "SONet BOTNIA"]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

STAMP_CLICKS = """
window.__clicked = null;
performance.setResourceTimingBufferSize(10000);
document.addEventListener('click', e => { if (e.target.closest('[role=option]')) window.__clicked = performance.now(); }, true);
"""
# Done when the page says the new area and no Dash component is loading any more.
SETTLED = """([scopeId, area]) => {
  const scope = document.getElementById(scopeId);
  if (window.__clicked === null || !scope || !scope.innerText.startsWith(area)) return false;
  if (document.querySelector('[data-dash-is-loading="true"]')) return false;
  const replies = performance.getEntriesByType('resource')
    .filter(e => e.name.includes('_dash-update-component') && e.startTime >= window.__clicked);
  const replied = Math.max(0, ...replies.map(e => e.responseEnd)) - window.__clicked;
  return [performance.now() - window.__clicked, replied];
}"""


def measure(runs: int, pages: list[str], cold: bool) -> dict:
    from playwright.sync_api import sync_playwright

    app = create_app(DEFAULT_PLAN_DIR, DEFAULT_EXTRACTS_DIR, warm=False)
    if not cold:
        # As a running server is a few seconds after start or reload: the page caches are warm.
        started = time.time()
        views = warmup.warm(app.server.extensions[state.EXTENSION].current)
        print(f"warmed {views} views in {time.time() - started:.1f} s", file=sys.stderr)
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}"
    results = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"), args=CHROMIUM_ARGS
            )
            page = browser.new_page(viewport={"width": 1920, "height": 1080})
            for path, scope_id in ((p, PAGES[p]) for p in pages):
                page.goto(url + path)
                page.wait_for_selector(f"#{scope_id}:not(:empty)", timeout=60000)
                page.wait_for_timeout(1000)
                page.evaluate(STAMP_CLICKS)
                first_look, repeated, replies = [], [], []
                for run in range(runs + 1):  # the very first change warms the browser and is not counted
                    area = AREAS[run % len(AREAS)]
                    page.click("#filter-implementer")
                    page.locator(".dash-dropdown-search").fill(area)  # replaces any earlier search text
                    page.evaluate("window.__clicked = null; performance.clearResourceTimings()")
                    page.get_by_role("option", name=area).first.click()
                    elapsed, replied = page.wait_for_function(SETTLED, arg=[scope_id, area], timeout=60000).json_value()
                    # The first time an area is shown on a page its figures are computed; after that the
                    # store's caches answer. Both are reported: a meeting sees mostly repeats.
                    if run:
                        (first_look if run < len(AREAS) else repeated).append(float(elapsed))
                        replies.append(float(replied))
                    print(f"{path:14} {area:13} {elapsed:7.0f} ms (last reply at {replied:5.0f} ms)", file=sys.stderr, flush=True)
                everything = first_look + repeated
                results[path] = {
                    "runs": len(everything),
                    "median_ms": round(statistics.median(everything)),
                    "p95_ms": round(percentile(everything, 0.95)),
                    "first_look_median_ms": round(statistics.median(first_look)),
                    "repeated_median_ms": round(statistics.median(repeated)) if repeated else None,
                    # When the last callback reply had arrived: the rest is the browser drawing.
                    "last_reply_median_ms": round(statistics.median(replies)),
                }
            browser.close()
    finally:
        server.shutdown()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--pages", nargs="*", default=list(PAGES), help="paths to measure (default: all)")
    parser.add_argument("--out", default=str(ROOT / "artifacts" / "bench-filters.json"))
    parser.add_argument("--cold", action="store_true", help="measure without the start-up warm-up of the page caches")
    args = parser.parse_args()
    started = time.time()
    results = measure(args.runs, args.pages, args.cold)
    report = {
        "measured": time.strftime("%Y-%m-%d %H:%M"),
        "machine": {
            "cpus": os.cpu_count(),
            "processor": platform.processor() or platform.machine(),
            "python": platform.python_version(),
        },
        "data": "embedded PRO SOS plan and demo extracts",
        "caches": "cold: every view computed on first request" if args.cold else "warm: as after the start-up warm-up",
        "what": "click on an implementer in the filter bar -> every chart and table of the page updated (in-browser)",
        "pages": results,
        "seconds": round(time.time() - started),
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(report["pages"], indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
