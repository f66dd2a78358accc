"""Programme periods as data: one definition per programme in data/programmes/<id>.toml (its
indicators with their rules and one-line definitions in fi/sv/en, its age groups, the gender
columns it shows, the cost models a project may use). Pages, figures, downloads, the report and
the summary take all of that from here; nothing else knows a programme's codes.

A rule selects participants from the participant profile: every field given must hold.
  status              labour_market_status is one of the list
  long_term_unemployed  true, false or "unknown" (not told)
  age_group           the programme's age group is one of the list
  isced               [lowest, highest] ISCED level, or "unknown"
  left                true: the person's latest entry has ended
  exit                exit_status is one of the list, or "unknown"
  flag                an optional participant column (disability, ...) is true
  followup            a follow-up with `employed` or `improved_situation` true
  active              true/false: an entry is open
An empty rule selects everyone."""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

DIRECTORY = Path(__file__).resolve().parent.parent / "data" / "programmes"
DEFAULT_PROGRAMME = "esr_2014_2020"
LANGUAGES = ("fi", "sv", "en")
ALL = "ALL"  # in a relation: everyone in the scope

# Optional participant columns (contract v2) and the follow-up results, as profile columns.
FLAGS = ("disability", "third_country_national", "foreign_background", "minority", "homeless", "rural")
FOLLOWUPS = ("employed", "improved_situation")
FOLLOWUP_COLUMNS = {name: f"followup_{name}" for name in FOLLOWUPS}
RULE_FIELDS = ("status", "long_term_unemployed", "age_group", "isced", "left", "exit", "flag", "followup", "active")

Rule = tuple  # of (field, value) pairs, sorted: hashable, one spelling per rule


@dataclass(frozen=True)
class AgeGroup:
    code: str
    lower: int  # the youngest age in the group, at the start of the first entry
    labels: dict


@dataclass(frozen=True)
class Row:
    """A row of the indicator table: an official indicator (counted in the summary, targetable) or
    a row that keeps unknown values and totals visible."""

    code: str
    rule: Rule
    indicator: bool
    labels: dict

    @property
    def collected_by(self) -> str | None:
        """The optional column (or follow-ups) the row needs data from: without any, "not collected"."""
        fields = dict(self.rule)
        if "flag" in fields:
            return fields["flag"]
        return "followups" if "followup" in fields else None


@dataclass(frozen=True)
class Relation:
    total: Rule
    parts: tuple[Rule, ...]
    by_gender: bool


@dataclass(frozen=True)
class Programme:
    id: str
    title: dict
    age_groups: tuple[AgeGroup, ...]
    genders: tuple[str, ...]  # the gender columns shown; "MX" is men with other or not told
    cost_models: tuple[str, ...]
    rows: tuple[Row, ...]
    relations: tuple[Relation, ...]
    headline: tuple[str, ...]  # the indicators of the presentation's slide
    results: tuple[str, ...]  # the results on leaving the participants page adds up
    forms: dict  # table ("participants", "person_days") -> where the application form asks for it, per language
    gender_labels: dict  # gender code -> its column's name in this programme, per language (else the app's own)

    @property
    def age_codes(self) -> tuple[str, ...]:
        return tuple(group.code for group in self.age_groups)

    @property
    def indicators(self) -> tuple[str, ...]:
        return tuple(row.code for row in self.rows if row.indicator)

    def row(self, code: str) -> Row:
        return next(row for row in self.rows if row.code == code)

    def age_group(self, age: int) -> str:
        return next(group.code for group in reversed(self.age_groups) if age >= group.lower)

    def gender_key(self, code: str) -> str:
        """The text key of a gender column: the programme's own name for it where it has one."""
        return f"gender.{self.id}.{code}" if code in self.gender_labels else f"gender.{code}"

    def form(self, table: str, lang: str) -> str | None:
        """Where the programme's application form asks for a table's targets (None: not told)."""
        return self.forms.get(table, {}).get(lang)


def programme_ids() -> tuple[str, ...]:
    return tuple(sorted(path.stem for path in DIRECTORY.glob("*.toml")))


@cache
def programme(programme_id: str | None = None) -> Programme:
    path = DIRECTORY / f"{programme_id or DEFAULT_PROGRAMME}.toml"
    if programme_id not in (None, *programme_ids()):
        raise KeyError(f"unknown programme {programme_id!r}: one of {', '.join(programme_ids())}")
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    labels = lambda entry: {lang: entry[lang] for lang in LANGUAGES}  # noqa: E731 - every language, or a KeyError
    rows = tuple(Row(r["code"], rule_of(r["rule"]), r.get("indicator", True), labels(r)) for r in data["rows"])
    named = {row.code: row.rule for row in rows} | {ALL: ()}
    part = lambda p: named[p] if isinstance(p, str) else rule_of(p)  # noqa: E731
    return Programme(
        id=data["id"],
        title=labels(data["title"]),
        age_groups=tuple(AgeGroup(g["code"], int(g["from"]), labels(g)) for g in data["age_groups"]),
        genders=tuple(data["genders"]),
        cost_models=tuple(data["cost_models"]),
        rows=rows,
        relations=tuple(
            Relation(part(r["total"]), tuple(part(p) for p in r["parts"]), r.get("by_gender", True)) for r in data["relations"]
        ),
        headline=tuple(data["headline"]),
        results=tuple(data["results"]),
        forms={table: labels(text) for table, text in data.get("forms", {}).items()},
        gender_labels={code: labels(text) for code, text in data.get("gender_labels", {}).items()},
    )


def rule_of(fields: dict) -> Rule:
    unknown = set(fields) - set(RULE_FIELDS)
    if unknown:
        raise ValueError(f"unknown rule field(s) {sorted(unknown)}: one of {', '.join(RULE_FIELDS)}")
    return tuple(sorted((name, tuple(value) if isinstance(value, list) else value) for name, value in fields.items()))


def rule_name(rule: Rule) -> str:
    """A rule as text (a cell's key names it so), read back by rule_named."""
    return json.dumps(rule, separators=(",", ":"))


def rule_named(name: str) -> Rule:
    return tuple((field, tuple(value) if isinstance(value, list) else value) for field, value in json.loads(name))


def rule_mask(rule: Rule, profile: pd.DataFrame) -> np.ndarray:
    """Which rows of a participant profile (participant_profile.sql's columns) the rule selects."""
    mask = np.ones(len(profile), dtype=bool)
    for name, value in rule:
        mask &= _field_mask(name, value, profile)
    return mask


def _field_mask(name: str, value, p: pd.DataFrame) -> np.ndarray:
    if name == "status":
        selected = p["labour_market_status"].isin(value)
    elif name == "age_group":
        selected = p["age_group"].isin(value)
    elif name == "long_term_unemployed":
        selected = p["long_term_unemployed"].isna() if value == "unknown" else p["long_term_unemployed"] == value
    elif name == "isced":
        selected = p["education_isced"].isna() if value == "unknown" else p["education_isced"].between(*value)
    elif name == "left":
        selected = p["has_left"] == value
    elif name == "active":
        selected = p["is_active"] == value
    elif name == "exit":
        selected = p["exit_status"] == "unknown" if value == "unknown" else p["exit_status"].isin(value)
    elif name == "flag":
        selected = p[value] == True  # noqa: E712 - a missing value is not asked, never true
    else:  # followup
        selected = p[FOLLOWUP_COLUMNS[value]] == True  # noqa: E712
    return np.asarray(pd.Series(selected).fillna(False), dtype=bool)
