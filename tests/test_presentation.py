"""Presentation mode as functions: which slides, moving between them, rotation from the URL."""

from __future__ import annotations

from dashboard.pages import presentation as deck
from dashboard.url_state import ViewFilters


def test_fixed_slides_then_one_per_area_in_scope(tiny):
    assert deck.slide_names(tiny, ViewFilters()) == [*deck.FIXED_SLIDES, "area:a", "area:b"]
    assert deck.slide_names(tiny, ViewFilters(implementer="b")) == [*deck.FIXED_SLIDES, "area:b"]


def test_moving_wraps_around_both_ways():
    assert deck.next_index(0, 6, "slide-next") == 1
    assert deck.next_index(5, 6, "slide") == 0  # a click on the slide moves on
    assert deck.next_index(0, 6, "slide-prev") == 5
    assert deck.next_index(3, 6, "slide-timer") == 4


def test_rotation_seconds_come_from_the_url_within_bounds():
    assert deck.rotate_seconds("?rotate=20&implementer=a") == 20
    assert deck.rotate_seconds("?rotate=1") == deck.MIN_ROTATE_SECONDS
    assert deck.rotate_seconds("?rotate=999999") == deck.MAX_ROTATE_SECONDS
    assert deck.rotate_seconds("?rotate=x") is None
    assert deck.rotate_seconds("") is None


def test_every_slide_has_a_title_a_message_and_big_figures(tiny):
    filters = ViewFilters()
    for name in deck.slide_names(tiny, filters):
        body = deck.slide(tiny, filters, name)
        assert body[0].className == "slide-title" and body[0].children
        if name == "areas":  # the status board: a row per area
            board = next(part for part in body if "slide-board" in (part.className or "").split())
            assert len(board.children[1].children) == 2  # Alpha and Beta
            continue
        tiles = next(part for part in body if part.className.startswith("slide-tiles")).children
        assert tiles and all(tile.children[1].className == "slide-figure" for tile in tiles)
    headlines = [
        p.children
        for n in deck.slide_names(tiny, filters)
        for p in deck.slide(tiny, filters, n)
        if p.className == "slide-headline"
    ]
    assert len(headlines) == 7 and all(h.endswith(".") for h in headlines)  # every slide carries its message


def test_area_slide_figures_match_the_areas_page(tiny):
    title, figures = deck.area_slide(tiny, deck.scope_for(tiny, ViewFilters()), "a", "fi")
    assert title == "Alue: Alpha"
    # Alpha has spent 405,5 € of its 2 600 € budget (tests/fixtures/tiny/README.md): 16 %.
    assert figures[0].value == "16\u00a0%"


def test_filter_changes_keep_the_presentation_parameters_in_the_url():
    from dashboard.url_state import keep_display_params

    assert keep_display_params("?implementer=a", "?kiosk=1&implementer=b&rotate=30") == "?implementer=a&kiosk=1&rotate=30"
    assert keep_display_params("", "?rotate=30") == "?rotate=30"
    assert keep_display_params("?implementer=a", "?implementer=b") == "?implementer=a"
