"""A problem found in a plan or extract file: where (file, row, column) and what (a message code
with its parameters, rendered in any UI language from the catalogues)."""

from __future__ import annotations

from dataclasses import dataclass, field

from dashboard.i18n import translate


@dataclass(frozen=True)
class Problem:
    file: str
    row: int  # spreadsheet row: 1 is the header, 0 is the file as a whole
    column: str  # canonical column name, or "-" for the file as a whole
    code: str
    params: dict = field(default_factory=dict, compare=False, hash=False)

    def message(self, lang: str = "en") -> str:
        params = dict(self.params)
        if "ref" in params:  # the kind of thing referred to, in the reader's language
            params["ref"] = translate(f"ref.{params['ref']}", lang)
        return translate(f"problem.{self.code}", lang, **params)

    def line(self, lang: str = "en", shown_file: str | None = None) -> str:
        """`FILE:ROW:COLUMN: message`; the UI passes `shown_file` (the name within its folder),
        so that no page names a server path."""
        return f"{shown_file or self.file}:{self.row}:{self.column}: {self.message(lang)}"
