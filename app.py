"""Entry point. `python app.py [--host H] [--port P] [--plan DIR] [--extracts DIR] [--store DIR]`
serves the dashboard; `gunicorn app:server` serves it with the directories from ESR_PLAN_DIR,
ESR_EXTRACTS_DIR and ESR_STORE (or `gunicorn -e ESR_STORE=DIR app:server`)."""

from __future__ import annotations

import argparse
import os
import sys

from dashboard import auth
from dashboard.factory import create_app


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python app.py", description="Serve the ESR monitoring dashboard.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8050)
    parser.add_argument("--plan", metavar="DIR", help="plan directory (default: the embedded PRO SOS plan)")
    parser.add_argument("--extracts", metavar="DIR", help="extracts directory (default: the embedded demo extracts)")
    parser.add_argument("--store", metavar="DIR", help="snapshot store (default: ESR_STORE, else ~/.cache/esr-seuranta/store)")
    parser.add_argument("--debug", action="store_true", help="Dash debug mode (never in production)")
    args = parser.parse_args(argv)
    debug = args.debug or os.environ.get("ESR_DEBUG") == "1"
    if debug and os.environ.get("ESR_PASSWORD"):
        # Debug mode's error pages and console would show code and data to anyone past the password.
        print("python app.py: error: debug mode is refused while ESR_PASSWORD protects the app", file=sys.stderr)
        return 2
    app = create_app(args.plan, args.extracts, store=args.store)
    for problem in app.server.extensions["esr_seuranta"].current.problems:
        print(problem.line(), file=sys.stderr)
    app.run(host=args.host, port=args.port, debug=debug, request_handler=auth.NoBannerHandler)
    return 0


if __name__ == "__main__":
    sys.exit(main())
else:
    app = create_app()
    server = app.server
