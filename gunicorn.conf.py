"""gunicorn's settings for `gunicorn app:server` started in this folder (gunicorn reads this file
by default; the command line still sets workers, threads, bind and timeout, see docs/serving.md).

- Each instance gets a control socket of its own. gunicorn's default is one per user
  ($HOME/.gunicorn/gunicorn.ctl), so a second instance on another port, or another programme's
  dashboard, took that socket over, and `gunicornc` then managed the wrong server.
- The app is loaded once, in the master, and the workers are forked from it (preload): they share
  the imported code and the opened snapshot's pages instead of each holding copies, and a worker
  that replaces one that died answers as soon as it is forked. The master starts no thread and
  opens no DuckDB connection (a connection must not cross a fork): each worker connects, watches
  the files and warms its caches itself (dashboard/factory.py: before_fork, after_fork)."""

import os
import tempfile

# The master process reads this file once: its pid names the socket. ESR_GUNICORN_CONTROL chooses
# a path of one's own (for `gunicornc -s PATH`).
control_socket = os.environ.get("ESR_GUNICORN_CONTROL") or os.path.join(
    tempfile.gettempdir(), f"esr-seuranta-gunicorn-{os.getpid()}.ctl"
)

preload_app = os.environ.get("ESR_PRELOAD", "1") != "0"
if preload_app:
    os.environ["ESR_FORKING"] = "1"  # read by the app as it is made (dashboard/config.py: forking)


def pre_fork(server, worker):
    if preload_app:
        from dashboard import factory

        factory.before_fork()


def post_fork(server, worker):
    if preload_app:
        from dashboard import factory

        factory.after_fork()
