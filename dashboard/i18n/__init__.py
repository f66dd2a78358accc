"""Translation catalogues: one JSON file per language beside this module. Page code asks for a
key; the text lives only here. A missing key falls back to Finnish, then to the key itself."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from dashboard.contract import LANGUAGES

DEFAULT_LANGUAGE = "fi"
_HERE = Path(__file__).parent


def language(value: object) -> str:
    """A language the app speaks: anything else (from a URL or a forged request) means Finnish."""
    return value if isinstance(value, str) and value in LANGUAGES else DEFAULT_LANGUAGE


@cache
def catalogue(lang: str) -> dict[str, str]:
    # Only known languages reach the file system: `lang` comes from requests.
    return json.loads((_HERE / f"{language(lang)}.json").read_text(encoding="utf-8"))


def translate(key: str, lang: str = DEFAULT_LANGUAGE, **params) -> str:
    lang = language(lang)
    text = catalogue(lang).get(key) or catalogue(DEFAULT_LANGUAGE).get(key) or key
    return text.format(**params) if params else text
