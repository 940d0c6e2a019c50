"""capcheck's built-in capability suites.

Installed with the package as `capcheck.suites` (pyproject.toml maps this folder), so
`pytest --model X` and `capcheck gate` can run them from any repository. Being a package
also gives the suite modules unique names (`capcheck.suites.test_grammar`), so they never
clash with a user's own `test_grammar.py`.
"""
