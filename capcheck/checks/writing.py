"""Checks for the writing suite."""
from __future__ import annotations

from capcheck.checks.registry import register  # noqa: F401

