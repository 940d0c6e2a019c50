# The two Quickstart commands. Each sets up .venv on first use.
.PHONY: gate test setup

setup:
	@bash scripts/setup.sh

gate: setup
	.venv/bin/pytest suites

test: setup
	.venv/bin/pytest tests
