"""The batched plan: bounded engine calls, deduplication, conversation waves, order, scoring."""
from __future__ import annotations

from capcheck.cases import CheckSpec, ChoiceCase, CompletionCase, ConversationCase, PassageCase, Recall, Turn, user
from capcheck.engines.scripted import ScriptedEngine
from capcheck.plan import RunStats, run_suites
from capcheck.requests import Prompt
from capcheck.results import SCORE_DIGITS
from capcheck.suite import Suite


def grammar(n: int) -> Suite:
    return Suite("grammar", tuple(ChoiceCase(id=f"g/{i}", options=(f"good {i}", f"bad {i}"), answer=0) for i in range(n)))


def arithmetic(n: int) -> Suite:
    return Suite("arith", tuple(
        CompletionCase(id=f"a/{i}", prompt=user(f"{i} + 1?"), checks=(CheckSpec.make("number", value=i + 1),))
        for i in range(n)))


def chats(n: int, turns: int = 3) -> Suite:
    return Suite("chat", tuple(
        ConversationCase(id=f"c/{i}", turns=tuple(
            Turn(user=f"turn {t} of {i}", checks=(CheckSpec.make("contains", value=f"{i}"),),
                 recall=Recall(options=(str(i), "other"), answer=0) if t == turns - 1 else None)
            for t in range(turns)))
        for i in range(n)))


def answer_last_number(prompt: Prompt) -> str:
    text = prompt if isinstance(prompt, str) else prompt[-1].content
    first = int(text.split()[0]) if text.split()[0].isdigit() else 0
    return f"The answer is {first + 1}."


def test_three_suites_take_a_bounded_number_of_batched_calls() -> None:
    for size in (5, 40):
        engine = ScriptedEngine(reply=answer_last_number)
        stats = RunStats()
        run_suites([grammar(size), arithmetic(size), chats(size)], engine, stats)
        # rolling: none; generate: wave 1 (completions + turn 1) + 2 more waves; loglikelihood: one call.
        assert [kind for kind, _ in engine.calls] == ["generate", "generate", "generate", "loglikelihood"]
        assert engine.calls[0][1] == 2 * size  # completions and first turns share one call
        assert engine.calls[-1][1] == 2 * size + 2 * size  # choice options + recall options together


def test_identical_requests_are_sent_once() -> None:
    engine = ScriptedEngine()
    twin = Suite("twin", grammar(10).cases)
    stats = RunStats()
    results = run_suites([grammar(10), twin], engine, stats)
    assert engine.calls == [("loglikelihood", 20)]
    assert stats.requested == 40 and stats.unique == 20
    assert results["grammar"].score == results["twin"].score


def test_results_follow_case_order_and_scores_are_right() -> None:
    def score(context: Prompt, text: str) -> float:
        return -1.0 if text.startswith("good") else -2.0

    engine = ScriptedEngine(reply=answer_last_number, score=score)
    results = run_suites([grammar(7), arithmetic(7)], engine)
    assert [c.id for c in results["grammar"].cases] == [f"g/{i}" for i in range(7)]
    assert results["grammar"].score == 1.0
    assert results["arith"].score == 1.0
    assert results["arith"].cases[3].output == "The answer is 4."


def test_conversation_waves_feed_back_the_real_replies() -> None:
    seen: list[Prompt] = []

    def reply(prompt: Prompt) -> str:
        seen.append(prompt)
        return f"reply to {prompt[-1].content}"

    run_suites([chats(2, turns=3)], ScriptedEngine(reply=reply))
    third_turn = [p for p in seen if len(p) == 5]
    assert len(third_turn) == 2
    roles = [m.role for m in third_turn[0]]
    assert roles == ["user", "assistant", "user", "assistant", "user"]
    assert third_turn[0][1].content == "reply to turn 0 of 0"


def test_system_prompt_is_prepended_to_chats() -> None:
    seen: list[Prompt] = []
    suite = Suite("s", arithmetic(2).cases, system_prompt="Answer briefly.")
    run_suites([suite], ScriptedEngine(reply=lambda p: seen.append(p) or "1"))
    assert all(p[0].role == "system" and p[0].content == "Answer briefly." for p in seen)


def test_conversation_score_is_share_of_checks_passed() -> None:
    suite = chats(1, turns=2)  # turn 1: contains "0" (fails), turn 2: contains "0" (fails) + recall
    results = run_suites([suite], ScriptedEngine(reply=lambda p: "no", score=lambda c, t: 0.0 if t == "0" else -5.0))
    case = results["chat"].cases[0]
    assert case.score == round(1 / 3, SCORE_DIGITS)  # two failed checks, one right recall
    assert case.details["turns"][1]["recall"] is True


def test_passages_score_mean_loss() -> None:
    suite = Suite("fluency", (PassageCase(id="p/1", text="one two three four"),), metric="loss", direction="lower")
    results = run_suites([suite], ScriptedEngine(score=lambda c, t: -8.0))
    assert results["fluency"].cases[0].score == 2.0  # 8 nats over 4 tokens


def test_a_reply_that_repeats_the_previous_one_earns_nothing() -> None:
    suite = Suite("chat", (ConversationCase(id="c/0", turns=(
        Turn(user="My name is Ann.", checks=(CheckSpec.make("contains", value="Ann"),)),
        Turn(user="What is my name?", checks=(CheckSpec.make("contains", value="Ann"),)),
    )),))
    results = run_suites([suite], ScriptedEngine(reply=lambda p: "Hello Ann!"))
    case = results["chat"].cases[0]
    assert case.score == 0.5
    assert case.details["turns"][1]["checks"][-1]["check"] == "not_a_repeat"


def test_every_turn_but_the_last_tells_the_engine_that_its_chat_continues() -> None:
    class Recording(ScriptedEngine):
        def generate(self, requests):  # type: ignore[no-untyped-def]
            sent.append([r.continues for r in requests])
            return super().generate(requests)

    sent: list[list[bool]] = []
    run_suites([chats(3, turns=3), arithmetic(2)], Recording(reply=answer_last_number))
    assert sorted(sent[0]) == [False, False, True, True, True]  # the completions do not continue
    assert sent[1:] == [[True] * 3, [False] * 3]


def test_the_continues_hint_is_not_part_of_a_requests_identity() -> None:
    from dataclasses import replace

    from capcheck.cache import request_key
    from capcheck.requests import GenerateRequest

    request = GenerateRequest("Hello")
    hinted = replace(request, continues=True)
    assert hinted == request and hash(hinted) == hash(request)
    assert request_key(hinted) == request_key(request)
