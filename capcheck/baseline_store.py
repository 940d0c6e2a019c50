"""Where a session's baselines are read from and written to.

Two roots: the project's `baselines/` (recorded with `capcheck record`, always written
there) and the baselines installed with capcheck (the embedded model's, of the built-in
suites; read only). Under either, one folder per base model. A suite's baseline is the
project's file when there is one, else the installed one.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from capcheck import embedded
from capcheck.errors import BaselineError


@dataclass(frozen=True)
class BaselineStore:
    """The baseline folder of one base model, in the project and among the installed baselines."""

    root: Path
    """The project's baselines folder (--baselines)."""
    folder: str
    """The base model's folder name under each root."""
    installed: Path | None = None
    """capcheck's installed baselines; None when they are the project's own (a capcheck clone)."""

    @property
    def directory(self) -> Path:
        """The project's folder for this base model: recordings and noise floors go here."""
        return self.root / self.folder

    def path(self, slug: str) -> Path:
        """The baseline file of the suite with this slug: the project's, else the installed one."""
        own = self.directory / f"{slug}.json"
        if own.is_file() or self.installed is None:
            return own
        shipped = self.installed / self.folder / f"{slug}.json"
        return shipped if shipped.is_file() else own

    def noise_directory(self) -> Path:
        """Where the noise floor is read: the project's folder when it has one, else the installed one."""
        from capcheck.noise import FILE_NAME

        if self.installed is not None and not (self.directory / FILE_NAME).is_file():
            shipped = self.installed / self.folder
            if (shipped / FILE_NAME).is_file():
                return shipped
        return self.directory


def model_folders(root: Path) -> list[str]:
    """The base-model folders under a baselines root (not Python's package files)."""
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith(("_", ".")))


def open_store(
    root: Path,
    installed: Path | None,
    model_folder: str,
    *,
    base: str | None,
    record: bool,
    explicit_root: bool,
    same_as_embedded: Callable[[], bool],
) -> BaselineStore:
    """Pick the base model's folder (and whether the installed baselines back the project's).

    `model_folder` is the checkpoint's own (its base model's) folder name. --capcheck-base
    names one; recording writes to the model's own; a model with a folder (in the project
    or installed) uses it; else the project's only folder (a full fine-tune of the one base
    model the project recorded); else, in a project with no baselines of its own, the
    installed embedded model's folder when the model has the embedded model's architecture
    (a full fine-tune of it). Otherwise the model's own folder, which reports what to record.
    """
    if installed is not None and installed.resolve() == root.resolve() or explicit_root:
        installed = None  # a clone's own folder, or a folder the user named: read only from it
    if explicit_root and not record and not root.is_dir():
        raise BaselineError(
            f"--baselines {root}: no such folder. Check the path, or record baselines into it first with "
            f"`capcheck record --model BASE --baselines {root}`."
        )
    folder = base or model_folder
    if base is None and not record and not _exists(root, installed, folder):
        own = model_folders(root)
        if len(own) == 1:
            folder = own[0]
        elif not own and installed is not None and (installed / embedded.ALIAS).is_dir() and same_as_embedded():
            folder = embedded.ALIAS
    return BaselineStore(root=root, folder=folder, installed=installed)


def _exists(root: Path, installed: Path | None, folder: str) -> bool:
    return (root / folder).is_dir() or (installed is not None and (installed / folder).is_dir())
