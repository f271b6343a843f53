"""The README and docs point only at files that are in the repository."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
TOP = ("slo/", "scenarios/", "reports/", "reference_app/", "tests/", "bench/", "examples/",
       "docs/", ".ci/")  # fmt: skip
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")
CODE = re.compile(r"`([^`\s]+)`")


def _repo_paths(page: Path) -> list[tuple[str, Path]]:
    text = page.read_text(encoding="utf-8")
    found = [
        (link, (page.parent / link).resolve())
        for link in LINK.findall(text)
        if "://" not in link and not link.startswith("mailto:")
    ]
    for token in CODE.findall(text):
        path = token.rstrip(".,:;")
        if path.startswith(TOP) and not re.search(r"[*{}<>?$]", path):
            found.append((token, ROOT / path.split("::")[0]))
    return found


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_path_a_page_names_exists_in_the_repository(page: Path) -> None:
    missing = [name for name, path in _repo_paths(page) if not path.exists()]
    assert not missing, f"{page.name} names paths that are not in the repository: {missing}"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_no_page_points_outside_the_repository(page: Path) -> None:
    outside = [name for name, path in _repo_paths(page) if not path.is_relative_to(ROOT)]
    assert not outside, f"{page.name} points outside the repository: {outside}"


def test_the_check_finds_a_missing_path(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("see `slo/no_such_module.py` and [x](../../elsewhere.md)", encoding="utf-8")
    names = [name for name, path in _repo_paths(page) if not path.exists()]
    assert names == ["../../elsewhere.md", "slo/no_such_module.py"]
