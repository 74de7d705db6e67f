"""The layout in docs/architecture.md names every module a newcomer will find in the package."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# extract/ is summarised as "the rules" there (its own __init__ docstring lists its modules).
SUMMARISED = {"extract"}


def test_architecture_doc_names_every_module() -> None:
    words = set(re.findall(r"\w+", (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")))
    package = ROOT / "summariser"
    modules = [p for p in package.glob("*.py") if not p.stem.startswith("__")]
    for sub in package.iterdir():
        if (sub / "__init__.py").exists() and sub.name not in SUMMARISED:
            assert sub.name in words, f"docs/architecture.md does not mention {sub.name}/"
            modules += [p for p in sub.glob("*.py") if not p.stem.startswith("__")]
    missing = sorted(str(p.relative_to(package)) for p in modules if p.stem not in words)
    assert not missing, f"docs/architecture.md does not name: {missing}"


def test_readme_lists_every_environment_variable() -> None:
    from summariser.settings import ENV_VARS

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert [v for v in ENV_VARS.values() if f"`{v}`" not in readme] == []
