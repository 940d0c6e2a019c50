"""SDPA attention that lets grouped-query heads share their keys and values.

transformers' "sdpa" attention copies every key/value head once per query head it serves
whenever an attention mask is given (torch's CPU kernel used to need it). Our batches are
always masked (left padding), so on a model like SmolLM2 (9 query heads, 3 key/value
heads) that copy was a fifth of each decoding step on CPU. torch's `enable_gqa` reads the
shared heads in place and gives bit-identical results (checked in tests/engines/test_hf.py).
"""
from __future__ import annotations

from typing import Any

NAME = "capcheck_sdpa_gqa"


def register() -> str:
    """Make NAME a valid `attn_implementation` for transformers models; return it."""
    from transformers import AttentionInterface
    from transformers.masking_utils import AttentionMaskInterface, sdpa_mask

    AttentionInterface.register(NAME, _attention)
    AttentionMaskInterface.register(NAME, sdpa_mask)
    return NAME


def _attention(module: Any, query: Any, key: Any, value: Any, attention_mask: Any, dropout: float = 0.0,
               scaling: float | None = None, is_causal: bool | None = None, **kwargs: Any) -> tuple[Any, None]:
    import torch
    from transformers.integrations.sdpa_attention import sdpa_attention_forward

    q_length, kv_length = query.shape[2], key.shape[2]
    causal = (is_causal if is_causal is not None else getattr(module, "is_causal", True)) \
        and attention_mask is None and q_length > 1
    # Cases with extra terms (position bias, paged cache) or an unmasked causal query that
    # is shorter than its keys take transformers' own path.
    if kwargs.get("position_bias") is not None or kwargs.get("cache") is not None or (causal and kv_length != q_length):
        return sdpa_attention_forward(module, query, key, value, attention_mask, dropout=dropout,
                                      scaling=scaling, is_causal=is_causal, **kwargs)
    output = torch.nn.functional.scaled_dot_product_attention(
        query, key, value, attn_mask=attention_mask, dropout_p=dropout, scale=scaling, is_causal=causal,
        enable_gqa=key.shape[1] != query.shape[1],
    )
    return output.transpose(1, 2).contiguous(), None
