"""Ways to show verdicts: failure messages and the session summary (console), files later."""
