"""Stored base-model baselines, one folder per base model.

Installed with the package as `capcheck.baselines` (pyproject.toml maps this folder): the
embedded model's baselines of the built-in suites travel with capcheck. A package (not a
plain data folder) so editable installs and wheels find it the same way.
"""
