"""Translation catalogues: one JSON file per language beside this module. Page code asks for a
key; the text lives only here. A missing key falls back to Finnish, then to the key itself."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

DEFAULT_LANGUAGE = "fi"
_HERE = Path(__file__).parent


@cache
def catalogue(lang: str) -> dict[str, str]:
    path = _HERE / f"{lang}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def translate(key: str, lang: str = DEFAULT_LANGUAGE, **params) -> str:
    text = catalogue(lang).get(key) or catalogue(DEFAULT_LANGUAGE).get(key) or key
    return text.format(**params) if params else text
