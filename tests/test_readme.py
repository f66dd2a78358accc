"""The docs stay true to the code: the data format in full names every header and value alias of
the contract; README is the front door (at most about 250 lines) and links every document."""

import re

from dashboard import contract
from dashboard.config import ROOT


def test_data_format_lists_every_alias_of_the_contract():
    documented = (ROOT / "docs" / "data-format.md").read_text(encoding="utf-8")
    for spec in contract.EXTRACTS.values():
        for column in spec.columns:
            assert f"`{column.name}`" in documented
            for alias in column.aliases:
                assert f"`{alias}`" in documented, alias
            for alias, code in column.code_aliases.items():
                assert f"`{alias}`→`{code}`" in documented, alias


def test_readme_is_the_front_door_and_every_link_leads_somewhere():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 250
    for doc in ("benchmarks", "data-format", "serving", "architecture", "figures"):
        assert f"(docs/{doc}.md)" in readme, doc
    for target in re.findall(r"\]\(([^)#]+)\)", readme):
        assert (ROOT / target).exists(), target
