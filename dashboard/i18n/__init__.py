"""Translation catalogues: one JSON file per language beside this module, and the labels of each
programme period's indicators and age groups from its definition (data/programmes/). Page code asks
for a key; the text lives only there. A missing key falls back to Finnish, then to the key itself."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from dashboard.contract import LANGUAGES
from queries.programmes import programme, programme_ids

DEFAULT_LANGUAGE = "fi"
_HERE = Path(__file__).parent


def language(value: object) -> str:
    """A language the app speaks: anything else (from a URL or a forged request) means Finnish."""
    return value if isinstance(value, str) and value in LANGUAGES else DEFAULT_LANGUAGE


@cache
def catalogue(lang: str) -> dict[str, str]:
    # Only known languages reach the file system: `lang` comes from requests.
    found = json.loads((_HERE / f"{language(lang)}.json").read_text(encoding="utf-8"))
    return found | programme_labels(language(lang))


def programme_labels(lang: str) -> dict[str, str]:
    """`indicator.<code>` and `age.<group>` of every programme (a code two programmes share, such
    as the unknown-education row, has one text: tests/test_programmes.py holds them to it)."""
    labels = {}
    for programme_id in programme_ids():
        defined = programme(programme_id)
        labels |= {f"indicator.{row.code}": row.labels[lang] for row in defined.rows}
        labels |= {f"age.{group.code}": group.labels[lang] for group in defined.age_groups}
        labels |= {defined.gender_key(code): text[lang] for code, text in defined.gender_labels.items()}
    return labels


def translate(key: str, lang: str = DEFAULT_LANGUAGE, **params) -> str:
    lang = language(lang)
    text = catalogue(lang).get(key) or catalogue(DEFAULT_LANGUAGE).get(key) or key
    return text.format(**params) if params else text
