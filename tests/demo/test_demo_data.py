"""The demo's data: deterministic, stable ids, no held-out ticket in training."""
from __future__ import annotations

from collections import Counter

from capcheck.demo.data import LABELS, chat_examples, parse_label, tickets


def test_tickets_are_deterministic_and_ids_stable() -> None:
    train, held_out = tickets()
    again_train, again_held_out = tickets()
    assert train == again_train and held_out == again_held_out
    # Pinned: a change to templates, word lists or the seed shows up here.
    assert held_out[0].id == "billing-0000"
    assert held_out[0].text == "Hi, my card statement shows 40 dollars but the phone case cost less. Thanks."
    assert train[0].id == "billing-0010"
    assert len({t.id for t in train + held_out}) == len(train) + len(held_out)


def test_held_out_is_disjoint_balanced_and_independent_of_train_size() -> None:
    train, held_out = tickets()
    assert len(train) == 400 and len(held_out) == 60
    assert not {t.text for t in train} & {t.text for t in held_out}
    assert Counter(t.label for t in held_out) == {label: 10 for label in LABELS}
    _, held_out_small = tickets(n_train=50)
    assert held_out_small == held_out
    assert tickets(seed=9)[1] != held_out


def test_parse_label_takes_the_first_word_only() -> None:
    assert parse_label(" Billing.") == "billing"
    assert parse_label("refund\n") == "refund"
    assert parse_label("This is about billing") is None
    assert parse_label("") is None


def test_chat_examples_have_stable_ids_and_real_replies() -> None:
    chat = chat_examples()
    assert len(chat) >= 30
    assert chat[0].id == "chat-000" and len({c.id for c in chat}) == len(chat)
    assert all(len(c.reply.split()) >= 5 or c.reply.endswith(".") for c in chat)
