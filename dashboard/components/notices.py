"""Banners: demo data, problems in the data, finance shown at implementer level."""

from __future__ import annotations

from collections.abc import Callable

from dash import html

from dashboard import formatting as fmt
from dashboard.i18n import translate
from dashboard.ingest.problems import Problem
from queries.finance import Target
from queries.participants import GRAND, ParticipantStats

SHOWN_PROBLEMS = 20


def demo_badge(lang: str, shown: bool = True):
    """Always in the frame (its text follows the language), hidden unless the data is the demo."""
    return html.Span(
        translate("demo.badge", lang),
        className="demo-badge",
        title=translate("demo.note", lang),
        id="demo-badge",
        hidden=not shown,
    )


def problems_notice(problems: list[Problem], lang: str, name: Callable[[str], str]):
    """`name` turns a stored path into what the page may show (LoadResult.shown_name)."""
    if not problems:
        return None
    items = [html.Li(html.Code(p.line(lang, name(p.file)))) for p in problems[:SHOWN_PROBLEMS]]
    if len(problems) > SHOWN_PROBLEMS:
        items.append(html.Li(translate("problems.more", lang, count=len(problems) - SHOWN_PROBLEMS)))
    return html.Details(
        [html.Summary(translate("problems.title", lang, count=len(problems))), html.Ul(items)],
        className="notice notice-warning",
        id="data-problems",
    )


def life_notice(phase: str, project: dict, lang: str):
    """Said on every page at the start and after the end (phase from queries.summary.phase), so that
    zeros or frozen figures are never taken for a fault."""
    if phase == "running":
        return None
    if phase == "not_started":
        text = translate("life.not_started", lang, start=fmt.date(project["start_date"], lang))
    else:
        text = translate("life.ended", lang, end=fmt.date(project["end_date"], lang))
    return html.P(text, className="notice notice-info life-notice", id=f"life-{phase.replace('_', '-')}")


def page_notes(*notes):
    """The notices a page shows above its figures, those that apply (None: none does)."""
    shown = [note for note in notes if note is not None]
    return html.Div(shown) if shown else None


def nothing_yet(lang: str, key: str):
    """A KPI card's line when its figure is zero because nothing has come in yet."""
    return html.P(translate(key, lang), className="kpi-nothing-yet")


def plan_error_page(problems: list[Problem], lang: str, name: Callable[[str], str]):
    return html.Div(
        [
            html.H1(translate("plan_error.title", lang)),
            html.Ul([html.Li(html.Code(p.line(lang, name(p.file)))) for p in problems]),
        ],
        className="notice notice-error",
        id="plan-errors",
        role="alert",
    )


def protection_note(threshold: int, lang: str):
    """The method note under the participant tables, with the plan's threshold."""
    return html.P(translate("participants.protection", lang, threshold=threshold, largest=threshold - 1), className="method-note")


def split_reconciliation(stats: ParticipantStats, dimension: str, lang: str) -> list[str]:
    """Why a split's rows (all of them, as in the download) do not add up to its total row."""
    _, (totals, *_) = stats.view.split_columns(dimension)
    places = dimension if dimension in ("muni", "region") else None
    return fmt.split_notes(totals, stats.view.value(GRAND), lang, places)


def target_figure(target: Target, show: Callable, lang: str) -> str:
    """A target as shown beside its actual: "80 (derived)" where it is derived from the budget share."""
    text = show(target.value, lang)
    return f"{text} ({translate('target.derived.short', lang)})" if target.derived else text


def derived_target_text(target: Target | None, show: Callable, lang: str) -> str | None:
    """A derived target's rule, the same words on every page; None for the plan's own."""
    if target is None or not target.derived:
        return None
    share, project = fmt.percent(target.budget_share, 1, lang), show(target.project_target, lang)
    return translate("target.derived", lang, share=share, project=project)


def derived_target_note(target: Target | None, show: Callable, lang: str) -> list:
    """Under a derived target, its rule."""
    text = derived_target_text(target, show, lang)
    return [html.P(text, className="kpi-note")] if text else []


def meeting_list(meetings, as_of, lang: str):
    """Under a time chart: the steering group's meetings up to the as-of date, each with its
    decisions (the dotted lines on the chart), latest first."""
    shown = [m for m in meetings if m[0] <= as_of]
    if not shown:
        return None
    items = [
        html.Li([html.Strong(f"{fmt.date(day, lang)} · {title}"), f": {decisions}" if decisions else ""])
        for day, title, decisions in reversed(shown)
    ]
    return html.Details(
        [html.Summary(translate("chart.meetings", lang, count=len(shown))), html.Ul(items)], className="meeting-list"
    )
