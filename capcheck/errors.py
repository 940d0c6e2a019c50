"""Errors capcheck raises for problems a user can fix.

Every message says what is wrong, where, and how to fix it. The pytest plugin
turns a CapcheckError raised during configuration into a usage error; the CLI
turns it into exit code 2.
"""
from __future__ import annotations


class CapcheckError(Exception):
    """A problem with input the user gave (model, baseline, suite data, options)."""


class CheckpointError(CapcheckError):
    """The model or adapter cannot be used as given."""


class BaselineError(CapcheckError):
    """A baseline file is missing, unreadable or does not match its suite."""


class BaselineMissing(BaselineError):
    """No baseline file where the suite's baseline should be."""


class SuiteDataError(CapcheckError):
    """A suite's data is invalid."""


class EngineUnavailable(CapcheckError):
    """An engine's package is not installed or cannot run here."""


class EngineOutOfMemory(CapcheckError):
    """The engine ran out of memory even on a single request."""
