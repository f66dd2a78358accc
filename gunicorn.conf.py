"""gunicorn's settings for `gunicorn app:server` started in this folder (gunicorn reads this file
by default; the command line still sets workers, threads, bind and timeout, see docs/serving.md).

Each instance gets a control socket of its own. gunicorn's default is one per user
($HOME/.gunicorn/gunicorn.ctl), so a second instance on another port, or another programme's
dashboard, took that socket over, and `gunicornc` then managed the wrong server."""

import os
import tempfile

# The master process reads this file once: its pid names the socket. ESR_GUNICORN_CONTROL chooses
# a path of one's own (for `gunicornc -s PATH`).
control_socket = os.environ.get("ESR_GUNICORN_CONTROL") or os.path.join(
    tempfile.gettempdir(), f"esr-seuranta-gunicorn-{os.getpid()}.ctl"
)
