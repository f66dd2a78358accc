"""Hostile requests and microdata, over HTTP as a browser (or an attacker) sends them: every server
callback gets SQL-looking strings, 10 000-character strings, unknown ids and wrong types, and every
page URL gets them in its query string. Clean answers only (no 5xx, no traceback), the data intact
afterwards, and no participant id in any response."""

from __future__ import annotations

import json
import re
import urllib.parse

import pandas as pd
import pytest

from dashboard.config import DEFAULT_EXTRACTS_DIR, DEFAULT_PLAN_DIR
from dashboard.dash_http import call, server_callbacks
from dashboard.exports import EXPORTS
from dashboard.factory import create_app
from dashboard.pages import PAGES
from queries.summary import Scope, summary
from tests.conftest import TINY

HOSTILE = [
    "'; drop table participants; --",
    "x' OR '1'='1",
    "a" * 10_000,
    "no-such-area",
    "2018-02-30",
    "../../etc/passwd",
    "<script>alert(1)</script>",
    12345,
    -1,
    3.5,
    True,
    ["'; drop table spending; --", None, 7],
    {"implementer": "vasso", "$where": 1},
    [["nested"]],
]


@pytest.fixture(scope="module")
def client():
    """The tiny world: hostile values meet the same code whatever the size of the data, and it answers fast."""
    app = create_app(TINY / "plan", TINY / "extracts", warm=False, watch_seconds=None, credentials=None)
    return app.server.test_client()


@pytest.fixture(scope="module")
def demo_client():
    """The demo extracts: hundreds of participant ids that could leak."""
    app = create_app(DEFAULT_PLAN_DIR, DEFAULT_EXTRACTS_DIR, warm=False, watch_seconds=None, credentials=None)
    return app.server.test_client()


def headline(client) -> dict:
    served = client.application.extensions["esr_seuranta"].current
    return summary(served.store, Scope())


class Answers:
    """Collects every unclean answer, so that one run names them all."""

    def __init__(self):
        self.unclean: list[str] = []

    def check(self, response, what: str) -> None:
        if response.status_code >= 500 or b"Traceback" in response.data:
            self.unclean.append(f"{what}: HTTP {response.status_code}")

    def assert_all_clean(self) -> None:
        assert not self.unclean, f"{len(self.unclean)} unclean answers:\n" + "\n".join(self.unclean[:40])


def test_every_callback_answers_hostile_values_cleanly(client):
    before = headline(client)
    answers = Answers()
    callbacks = server_callbacks(client, match="'; drop table participants; --")
    assert len(callbacks) >= 15  # every page's callbacks are registered up front
    for callback in callbacks:
        for value in HOSTILE:
            # Every input and state at once gets the hostile value ...
            answers.check(call(client, callback, {}, default=value), f"{callback.output:.60} <- {value!r:.60}")
        for component_id, prop in callback.inputs + callback.state:
            # ... and each one alone among ordinary values.
            for value in ("'; drop table participants; --", "a" * 10_000, {"x": 1}):
                values = {f"{component_id}.{prop}" if isinstance(component_id, str) else prop: value}
                answers.check(call(client, callback, values), f"{callback.output:.60} {component_id}.{prop} <- {value!r:.60}")
    answers.assert_all_clean()
    assert headline(client) == before  # nothing was dropped or changed


def test_every_page_url_answers_hostile_query_strings_cleanly(client):
    before = headline(client)
    answers = Answers()
    view = next(c for c in server_callbacks(client) if c.output == "page-content.children")
    sync = next(c for c in server_callbacks(client) if "filter-implementer.value" in c.output and "url.search" in c.output)
    for value in HOSTILE:
        text = value if isinstance(value, str) else json.dumps(value)
        for page in PAGES:
            answers.check(client.get(page.PATH + "?" + urllib.parse.urlencode({"implementer": text})), f"GET {page.PATH}")
            answers.check(call(client, view, {"pathname": page.PATH, "lang.data": text}), f"{page.PATH} lang={text:.40}")
        for key in ("implementer", "region", "municipality", "as_of", "lang", "rotate", "kiosk", "'; drop"):
            query = "?" + urllib.parse.urlencode({key: text})
            answers.check(call(client, sync, {"search": query, "lang.data": "fi"}), f"filters from {query:.80}")
        answers.check(call(client, view, {"pathname": text, "lang.data": "fi"}), f"page {text!r:.40}")
    answers.check(client.get("/" + "a" * 10_000), "a 10 000-character path")
    answers.assert_all_clean()
    assert headline(client) == before


def test_unknown_values_are_dropped_from_the_filters_not_trusted(client):
    """The URL's filter sync answers only with values the plan knows."""
    sync = next(c for c in server_callbacks(client) if "filter-implementer.value" in c.output and "url.search" in c.output)
    query = "?" + urllib.parse.urlencode({"implementer": "'; drop table participants; --", "municipality": "Atlantis"})
    response = call(client, sync, {"search": query, "lang.data": "fi"})
    assert response.status_code == 200
    assert "drop table" not in response.get_data(as_text=True)
    assert "Atlantis" not in response.get_data(as_text=True)


def participant_ids() -> set[str]:
    frame = pd.read_csv(DEFAULT_EXTRACTS_DIR / "participants.csv", dtype=str)
    return set(frame["participant_id"])


def test_no_response_carries_a_participant_id(demo_client):
    """Every page, every callback with ordinary values (each page's URL, each area), every CSV
    download: participant ids (and so participant rows) never leave the server."""
    client = demo_client
    ids = participant_ids()
    assert len(ids) > 100
    pattern = re.compile(r"[A-Z]{3}-[0-9A-F]{6}")  # the demo extracts' id format
    assert all(pattern.fullmatch(i) for i in ids)
    served = client.application.extensions["esr_seuranta"].current
    implementers = [None, *served.plan.tables["implementers"]["implementer_id"]]
    bodies = [client.get("/_dash-layout").get_data(as_text=True)]
    callbacks = server_callbacks(client)
    for page in PAGES:
        bodies.append(client.get(page.PATH).get_data(as_text=True))
    for implementer in implementers:
        for callback in callbacks:
            if callback.output.startswith('{"table"'):
                continue  # the downloads, below
            # Callbacks that read the path run once per page; the rest once per area.
            paths = [p.PATH for p in PAGES] if any(prop == "pathname" for _, prop in callback.inputs) else ["/"]
            for path in paths:
                values = {
                    "pathname": path,
                    "search": f"?implementer={implementer}" if implementer else "",
                    "href": f"http://localhost{path}",
                    "lang.data": "fi",
                    "filter-implementer.value": implementer,
                    "n_clicks": 1,
                    "slide-index.data": 0,
                    "n_intervals": 0,
                }
                response = call(client, callback, values)
                assert response.status_code in (200, 204), callback.output
                bodies.append(response.get_data(as_text=True))
    download = next(c for c in callbacks if c.output.startswith('{"table"'))
    for table in EXPORTS:
        for implementer in implementers:
            table_id = {"type": "csv-button", "table": table}
            values = {"n_clicks": 1, "id": table_id, "search": f"?implementer={implementer}" if implementer else ""}
            response = call(client, download, values)
            assert response.status_code == 200, table
            bodies.append(response.get_data(as_text=True))
    leaked = {found for text in bodies for found in pattern.findall(text)} & ids
    assert not leaked, sorted(leaked)[:5]
    assert len(bodies) > 200
