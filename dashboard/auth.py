"""Optional password protection (HTTP basic auth) from the environment, and the response headers
every page gets. Basic auth sends the password with every request: serve it over HTTPS, which the
organisation's reverse proxy provides (see README)."""

from __future__ import annotations

import collections
import hmac
import os
import threading
import time
from dataclasses import dataclass

import flask
from werkzeug.serving import WSGIRequestHandler

REALM = "ESR-seuranta"
DEFAULT_USER = "esr"


@dataclass(frozen=True)
class Credentials:
    user: str
    password: str

    def accept(self, user: str | None, password: str | None) -> bool:
        # Compared in constant time, both parts always, so that timing does not tell which was wrong.
        user_ok = hmac.compare_digest((user or "").encode(), self.user.encode())
        password_ok = hmac.compare_digest((password or "").encode(), self.password.encode())
        return user_ok and password_ok


def credentials_from_env() -> Credentials | None:
    """ESR_PASSWORD turns protection on; ESR_USER names the user (default "esr")."""
    password = os.environ.get("ESR_PASSWORD")
    if not password:
        return None
    return Credentials(os.environ.get("ESR_USER") or DEFAULT_USER, password)


class SignInThrottle:
    """Failed sign-ins slowed down per client: after FREE_FAILURES wrong passwords in a row a client
    must wait, twice as long after each further one (up to MAX_WAIT_SECONDS), before its next try
    is even checked. A right password clears its record. Per server process, and bounded: the
    least recently seen clients are forgotten past MAX_CLIENTS."""

    FREE_FAILURES = 5
    MAX_WAIT_SECONDS = 300
    MAX_CLIENTS = 10_000

    def __init__(self, clock=time.monotonic):
        self.clock = clock
        self._lock = threading.Lock()
        self._clients: collections.OrderedDict[str, tuple[int, float]] = collections.OrderedDict()

    def wait_left(self, client: str) -> float:
        """Seconds before this client may try again (0: now)."""
        with self._lock:
            _, allowed_at = self._clients.get(client, (0, 0.0))
        return max(0.0, allowed_at - self.clock())

    def failed(self, client: str) -> None:
        with self._lock:
            failures = self._clients.pop(client, (0, 0.0))[0] + 1
            wait = 0 if failures <= self.FREE_FAILURES else min(2 ** (failures - self.FREE_FAILURES), self.MAX_WAIT_SECONDS)
            self._clients[client] = (failures, self.clock() + wait)
            while len(self._clients) > self.MAX_CLIENTS:
                self._clients.popitem(last=False)

    def succeeded(self, client: str) -> None:
        with self._lock:
            self._clients.pop(client, None)


def protect(server: flask.Flask, credentials: Credentials | None, throttle: SignInThrottle | None = None) -> None:
    """Every route asks for the password when credentials are given; wrong ones are throttled."""
    server.config["ESR_CREDENTIALS"] = credentials
    if credentials is None:
        return
    throttle = throttle or SignInThrottle()
    server.extensions["esr_sign_in_throttle"] = throttle

    @server.before_request
    def require_password():
        given = flask.request.authorization
        client = flask.request.remote_addr or "?"
        if given is not None:
            wait = throttle.wait_left(client)
            if wait > 0:  # not even checked: guessing gets no faster by asking more often
                return flask.Response(
                    "Liian monta yritystä / För många försök / Too many attempts",
                    status=429,
                    mimetype="text/plain; charset=utf-8",
                    headers={"Retry-After": str(int(wait) + 1)},
                )
            if given.type == "basic" and credentials.accept(given.username, given.password):
                throttle.succeeded(client)
                return None
            throttle.failed(client)
        return flask.Response(
            "Kirjaudu sisään / Logga in / Sign in",
            status=401,
            mimetype="text/plain; charset=utf-8",
            headers={"WWW-Authenticate": f'Basic realm="{REALM}", charset="UTF-8"'},
        )


# Scripts, styles and fonts that never change for a version: the browser may keep them. Everything
# else (pages, callback answers, downloads, the report) carries figures and is never stored.
STATIC_PREFIXES = ("/assets/", "/_dash-component-suites/", "/vendor/", "/_favicon.ico")
MAX_REQUEST_BYTES = 1 << 20  # a callback's inputs are filter values: a megabyte is far more than any needs


CALLBACK_PATH = "/_dash-update-component"


def _well_formed_callback(body: object) -> bool:
    """The shape dash-renderer sends: anything else would reach Dash's dispatcher and fail there."""
    if not isinstance(body, dict) or not isinstance(body.get("output"), str):
        return False
    outputs = body.get("outputs")
    if not (isinstance(outputs, dict) or (isinstance(outputs, list) and all(isinstance(o, dict) for o in outputs))):
        return False
    for key in ("inputs", "state"):
        items = body.get(key, [])
        if not isinstance(items, list) or not all(isinstance(i, (dict, list)) for i in items):
            return False
    changed = body.get("changedPropIds", [])
    return isinstance(changed, list) and all(isinstance(c, str) for c in changed)


def refuse_malformed_callbacks(server: flask.Flask) -> None:
    """A malformed callback request gets 400, never a 500 from inside Dash."""

    @server.before_request
    def check_callback_body():
        if flask.request.path != CALLBACK_PATH or flask.request.method != "POST":
            return None
        if _well_formed_callback(flask.request.get_json(silent=True)):
            return None
        return flask.Response("malformed callback request", status=400, mimetype="text/plain; charset=utf-8")


def content_security_policy(script_hashes: list[str]) -> str:
    """Only this server's own scripts (and Dash's few inline ones, by their hashes), styles, fonts
    and images: an injected script or a call home has nowhere to go. Plotly writes <style> rules
    and data: images (a chart's PNG download), so styles may be inline and images data: or blob:."""
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' {' '.join(script_hashes)}",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'self'",
        ]
    )


def add_security_headers(server: flask.Flask) -> None:
    server.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES  # larger bodies get 413 before any work

    @server.after_request
    def headers(response: flask.Response) -> flask.Response:
        if not flask.request.path.startswith(STATIC_PREFIXES):
            response.headers["Cache-Control"] = "no-store"
        policy = server.config.get("ESR_CSP")
        if policy:
            response.headers["Content-Security-Policy"] = policy
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")  # filters in URLs stay in-house
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        return response


class NoBannerHandler(WSGIRequestHandler):
    """`python app.py`'s server without its version banner (Werkzeug's says "Werkzeug/3.x
    Python/3.11"): a version tells an attacker which known holes to try. gunicorn says only its name."""

    server_version = "ESR-seuranta"

    def version_string(self) -> str:
        return self.server_version
