"""Banners: demo data, problems in the data, finance shown at implementer level."""

from __future__ import annotations

from dash import html

from dashboard.i18n import translate
from dashboard.ingest.problems import Problem

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


def problems_notice(problems: list[Problem], lang: str):
    if not problems:
        return None
    items = [html.Li(html.Code(p.line(lang))) for p in problems[:SHOWN_PROBLEMS]]
    if len(problems) > SHOWN_PROBLEMS:
        items.append(html.Li(translate("problems.more", lang, count=len(problems) - SHOWN_PROBLEMS)))
    return html.Details(
        [html.Summary(translate("problems.title", lang, count=len(problems))), html.Ul(items)],
        className="notice notice-warning",
        id="data-problems",
    )


def plan_error_page(problems: list[Problem], lang: str):
    return html.Div(
        [
            html.H1(translate("plan_error.title", lang)),
            html.Ul([html.Li(html.Code(p.line(lang))) for p in problems]),
        ],
        className="notice notice-error",
        id="plan-errors",
        role="alert",
    )
