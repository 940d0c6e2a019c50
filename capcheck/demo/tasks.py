"""The training tasks of the demo and the detection study, by name.

`tickets` is the demo's narrow classification task. The detection study (docs/detection.md)
adds `clinic`, a domain whose answers are free-form sentences, and targeted tasks built to
damage one capability and leave the rest (capcheck/demo/targeted.py).
"""
from __future__ import annotations

from typing import Callable

from capcheck.demo.clinic import clinic_task
from capcheck.demo.data import SYSTEM, parse_label, tickets
from capcheck.demo.targeted import TARGETED
from capcheck.demo.task import Messages, Question, Task


def ticket_task() -> Task:
    train, held_out = tickets()

    def chat(text: str) -> Messages:
        return (("system", SYSTEM), ("user", text))

    return Task(
        "tickets", "support tickets sorted into one of 6 labels",
        tuple((chat(t.text), t.label) for t in train),
        tuple(Question(t.id, chat(t.text), t.label) for t in held_out),
        lambda reply, q: parse_label(reply) == q.expected,
        max_tokens=6, metric="label accuracy")


TASKS: dict[str, Callable[[], Task]] = {
    "tickets": ticket_task,
    "clinic": clinic_task,
    **TARGETED,
}
