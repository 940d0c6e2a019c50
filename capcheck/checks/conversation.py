"""Checks for the conversation suite."""
from __future__ import annotations

from capcheck.checks.registry import register  # noqa: F401

