"""Prompt rendering and tokenization shared by every local engine.

The hf and vllm engines both build token ids here, so the same request gives the
same tokens whichever engine answers it.
"""
from __future__ import annotations

from typing import Any

from capcheck.requests import Chat, Prompt

NO_TEMPLATE_WARNING = (
    "the tokenizer has no chat template; chats were rendered as plain "
    "'System:/User:/Assistant:' text, which the model may not follow well"
)


def has_chat_template(tokenizer: Any) -> bool:
    return bool(getattr(tokenizer, "chat_template", None))


def render(tokenizer: Any, prompt: Prompt) -> str:
    """Text of a prompt: raw text as is; a chat through the chat template with the generation prompt."""
    if isinstance(prompt, str):
        return prompt
    return render_chat(tokenizer, prompt)


def render_chat(tokenizer: Any, chat: Chat) -> str:
    messages = [{"role": m.role, "content": m.content} for m in chat]
    if has_chat_template(tokenizer):
        return tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)
    lines = [f"{m['role'].capitalize()}: {m['content']}" for m in messages]
    return "\n".join(lines) + "\nAssistant:"


def prefix_token_id(tokenizer: Any) -> int:
    """Token that stands for 'start of text' when scoring from an empty context."""
    for candidate in (tokenizer.bos_token_id, tokenizer.eos_token_id):
        if candidate is not None:
            return int(candidate)
    raise ValueError("tokenizer has neither a BOS nor an EOS token to start a text with")


def encode(tokenizer: Any, text: str) -> list[int]:
    return list(tokenizer(text, add_special_tokens=False)["input_ids"])


def prompt_ids(tokenizer: Any, prompt: Prompt) -> list[int]:
    ids = encode(tokenizer, render(tokenizer, prompt))
    return ids or [prefix_token_id(tokenizer)]


def context_continuation_ids(tokenizer: Any, context: Prompt, continuation: str) -> tuple[list[int], list[int]]:
    """Token ids of a context and its continuation, encoded separately (as lm-eval does).

    Trailing whitespace of a text context moves to the continuation, so ' word'
    tokenizes as the model would have produced it.
    """
    if isinstance(context, str):
        stripped = context.rstrip(" ")
        continuation = context[len(stripped):] + continuation
        context = stripped
        ctx = encode(tokenizer, context) if context else [prefix_token_id(tokenizer)]
    else:
        ctx = encode(tokenizer, render_chat(tokenizer, context))
    cont = encode(tokenizer, continuation)
    if not cont:
        raise ValueError(f"continuation {continuation!r} encodes to no tokens")
    return ctx, cont


def rolling_ids(tokenizer: Any, text: str) -> list[int]:
    """[start-of-text] + text tokens; every token after the first is scored."""
    return [prefix_token_id(tokenizer)] + encode(tokenizer, text)


def stop_token_ids(tokenizer: Any, generation_eos: Any = None) -> list[int]:
    """End-of-sequence ids: the tokenizer's, plus the model's declared end-of-turn ids."""
    ids: list[int] = []
    for value in (tokenizer.eos_token_id, generation_eos):
        if value is None:
            continue
        for item in value if isinstance(value, (list, tuple)) else [value]:
            if int(item) not in ids:
                ids.append(int(item))
    return ids


def cut_at_stop(text: str, stop: tuple[str, ...]) -> tuple[str, bool]:
    """Cut `text` at the first stop string; say whether one was found."""
    cut = len(text)
    for s in stop:
        index = text.find(s)
        if index != -1:
            cut = min(cut, index)
    return text[:cut], cut != len(text)
