"""Headline sentences from the data, for on-track, behind and ahead, in fi, sv and en."""

from __future__ import annotations

from dashboard.headlines import spending_headline

AREAS = [("Socom", 49.0, 100.0), ("Socca", 110.0, 100.0)]


def test_behind_names_the_area_furthest_behind():
    assert spending_headline(935.0, 1000.0, AREAS, "fi") == (
        "Kustannukset ovat 6,5\u00a0% jäljessä suunnitelmasta; Socom on käyttänyt 49\u00a0% suunnitellusta."
    )
    assert spending_headline(935.0, 1000.0, AREAS, "sv") == (
        "Kostnaderna ligger 6,5\u00a0% efter planen; Socom har använt 49\u00a0% av det planerade."
    )
    assert spending_headline(935.0, 1000.0, AREAS, "en") == "Spending is 6.5% behind plan; Socom has used 49% of its plan."


def test_ahead_and_on_plan():
    assert spending_headline(1041.0, 1000.0, [], "en") == "Spending is 4.1% ahead of plan."
    assert spending_headline(1010.0, 1000.0, [], "fi") == "Kustannukset ovat suunnitelmassa."  # within 2 %
    assert spending_headline(990.0, 1000.0, [("A", 99.0, 100.0), ("B", 99.0, 100.0)], "sv") == "Kostnaderna följer planen."


def test_one_area_or_none_behind_is_not_named():
    assert spending_headline(900.0, 1000.0, [("Socom", 90.0, 100.0)], "en") == "Spending is 10.0% behind plan."
    assert spending_headline(900.0, 1000.0, [("A", 100.0, 100.0), ("B", 99.0, 100.0)], "en") == "Spending is 10.0% behind plan."


def test_before_anything_was_planned():
    assert spending_headline(0.0, 0.0, AREAS, "en") == "Nothing was planned to be spent yet."


def test_participants_against_their_target():
    from dashboard.headlines import participants_headline

    assert participants_headline(507, 680, "fi") == "507 osallistujaa, 75\u00a0% tavoitteesta 680."
    assert participants_headline(507, 680, "en") == "507 participants, 75% of the target of 680."
    assert participants_headline(12, None, "sv") == "12 deltagare."
