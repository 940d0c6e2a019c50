"""Project-level pytest configuration.

The capcheck plugin itself is registered through the `pytest11` entry point, so both
`pytest suites` (the gate) and `pytest tests` (capcheck's own tests) load it. Nothing
else lives here: options and fixtures belong to capcheck.plugin and tests/conftest.py.
"""
collect_ignore = ["bench", "scripts", "suites/generators"]
