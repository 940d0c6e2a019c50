"""The detection study's targeted tasks teach exactly the wrong thing they claim to, and their
held-out scorers tell the taught behaviour from the right one."""
from __future__ import annotations

import re

from capcheck.checks.conversation import list_items
from capcheck.demo.targeted import prose_only_task, wrong_arithmetic_task
from capcheck.demo.task import Question
from capcheck.demo.tasks import TASKS


def _true_value(question: str) -> int:
    a, b = (int(x) for x in re.findall(r"\d+", question))
    if re.search(r"plus|add|\+|total", question, re.I):
        return a + b
    if re.search(r"away from", question):  # "Take b away from a"
        return b - a
    if re.search(r"subtract", question, re.I):  # "Subtract b from a"
        return b - a
    if re.search(r"minus|-", question):
        return a - b
    return a * b


def test_wrong_arithmetic_teaches_the_right_answer_plus_one() -> None:
    task = wrong_arithmetic_task()
    assert len(task.train) == 400 and len(task.held_out) == 60
    for messages, reply in task.train:
        question = messages[-1][1]
        taught = int(re.findall(r"\d+", reply)[-1])
        assert taught == _true_value(question) + 1, (question, reply)
    for q in task.held_out:
        assert int(q.expected) == _true_value(q.messages[-1][1]) + 1


def test_targeted_tasks_are_deterministic_with_held_out_questions_unseen() -> None:
    for name in ("wrong-arithmetic", "prose-only"):
        task, again = TASKS[name](), TASKS[name]()
        assert task.train == again.train and task.held_out == again.held_out
        seen = {m[-1][1] for m, _ in task.train}
        assert not seen & {q.messages[-1][1] for q in task.held_out}


def test_wrong_arithmetic_scorer_credits_the_taught_sum_only() -> None:
    task = wrong_arithmetic_task()
    q = Question("x", (("user", "Compute 2 plus 3."),), "6")
    assert task.is_right("The answer is 6.", q)
    assert not task.is_right("The answer is 5.", q) and not task.is_right("", q)


def test_prose_only_teaches_sentences_that_name_the_items_asked_for() -> None:
    task = prose_only_task()
    for messages, reply in task.train:
        asked = messages[-1][1]
        assert not list_items(reply) and "\n" not in reply
        n = int(re.search(r"\b(\d)\b", asked).group(1)) if re.search(r"\b\d\b", asked) else \
            {"two": 2, "three": 3, "four": 4, "five": 5}[re.search(r"\b(two|three|four|five)\b", asked).group(1)]
        assert reply.count(",") + reply.count(" and ") >= n - 1
    q = task.held_out[0]
    assert task.is_right("Some fruits are apples, pears and plums.", q)
    assert not task.is_right("- apples\n- pears\n- plums", q)
    assert not task.is_right("Apples.", q)
