"""pyproject.toml lists capcheck's packages by hand (the built-in suites and baselines are mapped
from top-level folders): every package on disk must be in the list, and the mapping must hold."""
from __future__ import annotations

import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _setuptools() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]


def test_every_package_folder_is_listed() -> None:
    listed = set(_setuptools()["packages"])
    on_disk = {".".join(p.parent.relative_to(REPO).parts) for p in (REPO / "capcheck").rglob("*.py")
               if "__pycache__" not in p.parts and p.name != "conftest.py"}
    on_disk |= {"capcheck.schemas", "capcheck.suites", "capcheck.baselines"}
    assert on_disk - listed == set(), "add these packages to [tool.setuptools] packages in pyproject.toml"
    assert listed - on_disk == set(), "these listed packages do not exist"


def test_suites_and_baselines_map_from_the_top_level_folders() -> None:
    config = _setuptools()
    assert config["package-dir"] == {"capcheck.suites": "suites", "capcheck.baselines": "baselines"}
    for folder in ("suites", "baselines"):
        assert (REPO / folder / "__init__.py").is_file()


def test_the_import_system_finds_them_where_the_repository_keeps_them() -> None:
    """In this checkout (an editable install) the built-in folders are the repository's own."""
    from capcheck.builtin import baselines_dir, suites_dir

    assert suites_dir() == REPO / "suites"
    assert baselines_dir() == REPO / "baselines"
