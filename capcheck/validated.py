"""Marks of documents that passed their schema, so an unchanged file is not validated again.

jsonschema takes about 1.5 s for the built-in suites' 2,932 cases and 0.3 s for their seven
baselines: most of a fully cached rerun. A document that passed leaves an empty marker
file in the user cache, named by the sha256 of the document, its schema and this capcheck's
version. A document changed by one byte has another name and is validated in full again,
and only passes are marked, so every error is still reported. Marking is best effort: an
unwritable cache only means validating again next time.
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Callable

from capcheck.paths import cache_dir
from capcheck.version import __version__


def _marker(kind: str, schema: str, document: str) -> Path:
    digest = hashlib.sha256()
    for part in (kind, __version__, schema, document):
        digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
    name = digest.hexdigest()
    return cache_dir() / "validated" / name[:2] / name


def passed_before(kind: str, schema: str, document: str) -> bool:
    """Whether this exact document passed this schema (`kind`: what it is, e.g. "suite cases")."""
    try:
        return _marker(kind, schema, document).is_file()
    except OSError:
        return False


def check_once(kind: str, schema: str, document: str, check: Callable[[], None]) -> None:
    """Run `check` (it raises for a bad document) unless this exact document passed it before;
    mark the document when it passes."""
    if not passed_before(kind, schema, document):
        check()
        mark_passed(kind, schema, document)


def mark_passed(kind: str, schema: str, document: str) -> None:
    marker = _marker(kind, schema, document)
    try:
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.touch()
    except OSError:
        pass
