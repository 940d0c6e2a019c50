"""Check functions for completion and conversation cases, by name (see registry)."""
from capcheck.checks import basic, conversation, instructions, knowledge, writing  # noqa: F401  (register the checks)
from capcheck.checks.registry import get, names, register, run_check, sanitize

__all__ = ["get", "names", "register", "run_check", "sanitize"]
