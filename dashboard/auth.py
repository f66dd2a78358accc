"""Optional password protection (HTTP basic auth) from the environment, and the response headers
every page gets. Basic auth sends the password with every request: serve it over HTTPS, which the
organisation's reverse proxy provides (see README)."""

from __future__ import annotations

import hmac
import os
from dataclasses import dataclass

import flask

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


def protect(server: flask.Flask, credentials: Credentials | None) -> None:
    """Every route asks for the password when credentials are given."""
    server.config["ESR_CREDENTIALS"] = credentials
    if credentials is None:
        return

    @server.before_request
    def require_password():
        given = flask.request.authorization
        if given is not None and given.type == "basic" and credentials.accept(given.username, given.password):
            return None
        return flask.Response(
            "Kirjaudu sisään / Logga in / Sign in",
            status=401,
            mimetype="text/plain; charset=utf-8",
            headers={"WWW-Authenticate": f'Basic realm="{REALM}", charset="UTF-8"'},
        )


def add_security_headers(server: flask.Flask) -> None:
    @server.after_request
    def headers(response: flask.Response) -> flask.Response:
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")  # filters in URLs stay in-house
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        return response
