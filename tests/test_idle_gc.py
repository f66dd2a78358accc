"""Full garbage collections wait for a moment without requests (dashboard/idle_gc.py)."""

from __future__ import annotations

import gc

import flask

from dashboard import idle_gc
from dashboard.factory import create_app
from tests.conftest import TINY


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_collects_only_when_no_request_is_in_flight_and_then_not_too_often():
    clock = Clock()
    collector = idle_gc.IdleCollector(clock)
    server = flask.Flask(__name__)
    collector.attach(server)
    seen = {}

    @server.route("/")
    def page():
        clock.now += idle_gc.EVERY_SECONDS + idle_gc.IDLE_SECONDS  # a long request
        seen["during"] = collector.collect_if_due()
        return "ok"

    assert not collector.collect_if_due()  # just collected (at start)
    before = gc.get_stats()[2]["collections"]
    assert server.test_client().get("/").status_code == 200
    assert seen["during"] is False  # in flight: never
    assert not collector.collect_if_due()  # the request just ended: not yet idle
    clock.now += idle_gc.IDLE_SECONDS
    assert collector.collect_if_due() and gc.get_stats()[2]["collections"] > before
    clock.now += idle_gc.IDLE_SECONDS
    assert not collector.collect_if_due()  # idle, but collected a moment ago


def test_under_unbroken_load_it_still_collects_now_and_then():
    clock = Clock()
    collector = idle_gc.IdleCollector(clock)
    collector._begin()  # a request that never ends
    clock.now += idle_gc.EVERY_SECONDS * 2
    assert not collector.collect_if_due()
    clock.now += idle_gc.AT_LEAST_SECONDS
    assert collector.collect_if_due()


def test_the_app_leaves_the_oldest_generation_to_the_collector():
    create_app(TINY / "plan", TINY / "extracts", warm=False, watch_seconds=None)
    assert gc.get_threshold()[2] == idle_gc.NEVER_BY_ITSELF
