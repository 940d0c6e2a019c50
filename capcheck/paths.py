"""Where capcheck keeps files outside the project."""
from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path:
    """User cache directory: $CAPCHECK_CACHE_DIR, else $XDG_CACHE_HOME/capcheck, else ~/.cache/capcheck."""
    explicit = os.environ.get("CAPCHECK_CACHE_DIR")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "capcheck"
