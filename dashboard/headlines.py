"""Headline sentences written from the data, for the slides and the report: one message each, the
way the director would open a steering group meeting ("Spending is 6,5 % behind plan; Socom has
used 49 % of its plan")."""

from __future__ import annotations

from dashboard import formatting as fmt
from dashboard.i18n import translate
from dashboard.ingest.load import LoadResult
from queries import finance
from queries.summary import Scope, summary

ON_PLAN = 0.02  # within 2 % of the plan to date, spending is "on plan"


def spending_headline(spent: float, planned: float, areas: list[tuple[str, float, float]], lang: str) -> str:
    """`areas`: (area, spent, planned to date) of each area in scope; the one furthest behind its
    plan is named when it is behind and there is more than one."""
    if planned <= 0:
        return translate("headline.spending.not_started", lang) + "."
    gap = spent / planned - 1
    if abs(gap) <= ON_PLAN:
        sentence = translate("headline.spending.on_plan", lang)
    else:
        kind = "behind" if gap < 0 else "ahead"
        sentence = translate(f"headline.spending.{kind}", lang, gap=fmt.percent(abs(gap), 1, lang))
    shares = [(spent_i / planned_i, area) for area, spent_i, planned_i in areas if planned_i > 0]
    if len(shares) > 1:
        share, area = min(shares)
        if share < 1 - ON_PLAN:
            sentence += translate("headline.spending.area", lang, area=area, share=fmt.percent(share, 0, lang))
    return sentence + "."


def participants_headline(people: int, target: float | None, lang: str) -> str:
    """The participants against their target: "507 participants, 75 % of the target of 680"."""
    if not target:
        return translate("headline.participants.no_target", lang, count=fmt.count(people, lang)) + "."
    share = fmt.percent(people / target, 0, lang)
    return (
        translate(
            "headline.participants", lang, count=fmt.count(people, lang), share=share, target=fmt.count(round(target), lang)
        )
        + "."
    )


def spending_sentence(result: LoadResult, scope: Scope, lang: str) -> str:
    """The slide's message about money: the scope against its plan to date, and the area furthest behind."""
    table = finance.implementer_table(result.store, scope, scope.as_of)
    total, areas = table.iloc[-1], table.iloc[:-1]
    rows = list(zip(areas["area"], areas["spent_eur"], areas["planned_to_date_eur"], strict=True))
    return spending_headline(float(total["spent_eur"]), float(total["planned_to_date_eur"]), rows, lang)


def participants_sentence(result: LoadResult, scope: Scope, lang: str) -> str:
    """The slide's message about people: the scope's participants against its target (derived
    targets as everywhere)."""
    figures = summary(result.store, scope)
    target = finance.scope_target(result.store, scope, "participants", figures["participants_target"])
    return participants_headline(figures["participants"], target.value if target else None, lang)
