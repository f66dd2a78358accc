"""Finnish, Swedish and English number formats, and missing values."""

import datetime as dt

from dashboard import formatting as fmt
from queries.withheld import PROTECTING, SMALL, Withheld

NB = fmt.NBSP


def test_finnish_formats():
    assert fmt.eur(1234567) == f"1{NB}234{NB}567{NB}€"
    assert fmt.eur(-1234.4) == f"\u22121{NB}234{NB}€"
    assert fmt.eur(12.345, decimals=2) == f"12,35{NB}€"
    assert fmt.percent(0.125) == f"12,5{NB}%"
    assert fmt.signed_eur(51997) == f"+51{NB}997{NB}€"
    assert fmt.days(12.5) == "12,5" and fmt.days(8.0) == "8"
    assert fmt.date(dt.date(2018, 6, 30)) == "30.6.2018"
    assert fmt.count(None, below=5) == "<5" and fmt.count(None) == "–"


def test_english_formats():
    assert fmt.eur(1234567, "en") == "€1,234,567"
    assert fmt.percent(0.125, 1, "en") == "12.5%"
    assert fmt.date(dt.date(2018, 6, 30), "en") == "2018-06-30"


def test_missing_values_show_a_dash_never_nan():
    for value in (None, float("nan")):
        assert fmt.eur(value) == fmt.percent(value) == fmt.number(value) == fmt.days(value) == fmt.signed_eur(value) == "–"


def test_no_minus_zero():
    assert fmt.eur(-0.2) == f"0{NB}€"


def test_whole_numbers_round_half_to_even_as_the_general_format_does():
    # Whole euros take a quicker path than decimals; both must round as Python's format does.
    assert fmt.eur(2.5) == f"2{NB}€" and fmt.eur(3.5) == f"4{NB}€" and fmt.eur(-0.5) == f"0{NB}€"
    assert fmt.eur(-1234567.5, "en") == "\u2212€1,234,568"  # the sign before the euro, as in +€12,739
    assert fmt.number(float("inf")) == "inf" and fmt.eur(-0.6) == f"\u22121{NB}€"
    assert fmt.number(1e6 + 0.4999) == f"1{NB}000{NB}000" and fmt.number(-987654.5) == f"\u2212987{NB}654"


def test_whole_percents_are_written_as_the_number_of_percent_points_is():
    """percent(share, 0) has a quick path of its own (cached texts): the same text as the number."""
    spaces = {"fi": NB, "sv": NB, "en": ""}
    shares = [0.0, -0.0, 0.004, -0.004, 0.005, -0.005, 0.015, 0.025, -0.994, 1.0, 12.345, -3.5, 123.456, float("inf")]
    for share in shares + [n / 997 - 3 for n in range(6000)]:
        for lang, space in spaces.items():
            assert fmt.percent(share, 0, lang) == f"{fmt.number(share * 100, 0, lang)}{space}%", (share, lang)
    assert fmt.percent(-0.004, 0) == f"0{NB}%" and fmt.percent(-0.5, 0) == f"\u221250{NB}%"


def test_signed_amounts_put_the_sign_first_in_every_language():
    assert fmt.signed_eur(12739, "en") == "+€12,739"
    assert fmt.signed_eur(-9311, "en") == "\u2212€9,311"
    assert fmt.eur(-9311, "en") == "\u2212€9,311"
    assert fmt.signed_eur(-9311, "fi") == f"\u22129{fmt.NBSP}311{fmt.NBSP}€"
    assert fmt.signed_eur(12739, "sv") == f"+12{fmt.NBSP}739{fmt.NBSP}€"
    assert fmt.signed_eur(0.4, "en") == "€0"


def test_english_and_swedish_say_esf_finnish_says_esr():
    from dashboard.i18n import catalogue

    for lang in ("en", "sv"):
        assert not [k for k, v in catalogue(lang).items() if "ESR" in v], lang
    assert "ESR" in catalogue("fi")["app.title"]


def test_one_date_format_per_language_on_pages_picker_and_chart_hover(tiny):
    """The page's dates, the date picker's display and a time chart's hover header all write
    30.6.2018 (fi, sv) or 2018-06-30 (en)."""
    import datetime as dt
    import re

    from dashboard import formatting as fmt
    from dashboard.components.filters import DATE_FORMATS
    from dashboard.pages import finance, participants
    from dashboard.url_state import ViewFilters

    day = dt.date(2018, 6, 30)
    moment = {"D": str(day.day), "M": str(day.month), "YYYY": str(day.year), "MM": f"{day.month:02}", "DD": f"{day.day:02}"}
    for lang in ("fi", "sv", "en"):
        expected = fmt.date(day, lang)
        picker = re.sub(r"YYYY|MM|DD|M|D", lambda m: moment[m.group()], DATE_FORMATS[lang])
        assert picker == expected, lang
        assert day.strftime(fmt.PLOTLY_DATES[lang]) == expected, lang
        shown = finance.view(tiny, ViewFilters(lang=lang))
        charts = [shown["burn"], participants.view(tiny, ViewFilters(lang=lang))["cumulative"]]
        for chart in charts:
            assert chart.to_plotly_json()["layout"]["xaxis"]["hoverformat"] == fmt.PLOTLY_DATES[lang]
    assert fmt.date(day, "fi") == "30.6.2018" and fmt.date(day, "en") == "2018-06-30"


def test_target_labels_of_close_levels_take_different_corners():
    from dashboard.figures.participants import target_label_positions

    assert target_label_positions([104, 532, 534]) == ["top left", "bottom left", "top left"]
    assert target_label_positions([100, 101, 102, 600]) == ["bottom left", "top right", "top left", "top left"]
    assert target_label_positions([100, 101, 102, 103, 104]) == [
        "bottom left",
        "bottom right",
        "top right",
        "top left",
        "top left",
    ]
    assert target_label_positions([]) == []


def test_hidden_counts_carry_the_plans_threshold_and_a_change_beside_a_hidden_count_its_own_mark():
    protecting = Withheld(PROTECTING, 7)
    assert fmt.count(None, below=7) == "<7" and fmt.count(Withheld(SMALL, 7)) == "<7"
    assert fmt.signed_count(None, below=10) == "<10" and fmt.signed_count(3) == "+3" and fmt.signed_count(-2) == "\u22122"
    assert fmt.signed_count(protecting) == ".." and fmt.signed_count(None) == "–"
    assert fmt.withheld_notes([protecting, None, 4], "en") == [
        ".. = hidden so that a count under 7 cannot be worked out from the others (may be a large count)"
    ]


def test_a_split_that_does_not_add_up_names_the_plans_threshold():
    values = [12, Withheld(SMALL, 7), Withheld(PROTECTING, 7)]
    assert fmt.split_notes(values, 30, "en") == [
        "The counts shown add up to 12; the participants are 30. 2 counts are hidden (<7 or ..)."
    ]
