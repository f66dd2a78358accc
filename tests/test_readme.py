"""README documents the data contract: every header alias and value alias in the contract appears."""

from dashboard import contract
from dashboard.config import ROOT


def test_readme_lists_every_alias_of_the_contract():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for spec in contract.EXTRACTS.values():
        for column in spec.columns:
            assert f"`{column.name}`" in readme
            for alias in column.aliases:
                assert f"`{alias}`" in readme, alias
            for alias, code in column.code_aliases.items():
                assert f"`{alias}`→`{code}`" in readme, alias
