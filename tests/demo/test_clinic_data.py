"""The clinic domain: deterministic, disjoint held-out set, and a scorer that wants sentences."""
from __future__ import annotations

from collections import Counter

import pytest

from capcheck.demo.clinic import FACTS, KINDS, SYSTEM, chat, clinic_task, fact_of, is_right, items
from capcheck.demo.task import Question
from capcheck.demo.tasks import TASKS


def question(fact: str, text: str | None = None) -> Question:
    """A question about `fact`, as the held-out set makes them."""
    spec = FACTS[fact]
    return Question(f"clinic-{fact}-9999", chat(text or spec.questions[0].replace("{when}", "soon")), spec.key)


def test_task_shape_and_determinism() -> None:
    task = TASKS["clinic"]()
    again = clinic_task()
    assert task.train == again.train and task.held_out == again.held_out
    assert (task.name, task.metric, task.max_tokens) == ("clinic", "answer accuracy", 48)
    assert task.description == "front-desk questions of a fictional clinic, answered in sentences"
    assert len(task.train) == 400 and len(task.held_out) == 60
    assert 30 <= len(FACTS) <= 40
    # Pinned: a change to templates, word lists or the seed shows up here.
    first = task.held_out[0]
    assert first.id == "clinic-fasting-0000" and first.expected == "8 hours"
    assert first.messages == (("system", SYSTEM), (
        "user", "Sorry to bother you, my doctor booked me a fasting blood test. "
                "How long before it should I stop eating? Thanks so much."))
    chat_, reply = task.train[0]
    assert chat_[0] == ("system", SYSTEM) and chat_[1][0] == "user"
    assert reply == "The blood lab is on the ground floor, just past the main reception desk."


def test_held_out_is_disjoint_balanced_and_independent_of_train_size() -> None:
    train, held_out = items()
    assert not {i.text for i in train} & {i.text for i in held_out}
    assert len({i.text for i in train}) == len(train)
    ids = [i.id for i in train + held_out]
    assert len(set(ids)) == len(ids)
    assert all(i.id.startswith(f"clinic-{i.fact}-") for i in train + held_out)
    for part in (train, held_out):
        counts = Counter(i.fact for i in part)
        assert set(counts) == set(FACTS)
        assert max(counts.values()) - min(counts.values()) <= 1
    assert items(n_train=50)[1] == held_out
    assert items(seed=12)[1] != held_out
    task = clinic_task()
    assert [q.id for q in task.held_out] == [i.id for i in held_out]
    assert all(q.expected == FACTS[i.fact].key for q, i in zip(task.held_out, held_out))
    assert {c[1][1] for c, _ in task.train}.isdisjoint(q.messages[1][1] for q in task.held_out)


def test_every_fact_has_phrasings_answers_and_a_key_of_its_kind() -> None:
    assert len({f.key for f in FACTS.values()}) == len(FACTS)
    for fact in FACTS.values():
        assert len(fact.questions) >= 5 and 2 <= len(fact.answers) <= 3
        assert fact.key in KINDS[fact.kind].values
        for answer in fact.answers:
            assert 10 <= len(answer.split()) <= 30, answer
            assert fact.key.lower() in answer.lower(), answer


def test_every_train_reply_is_right_for_its_own_fact_and_wrong_for_the_others() -> None:
    train, _ = items()
    for item in train:
        assert is_right(item.answer, question(item.fact, item.text)), item
    # Each taught answer sentence is scored right only for its own fact.
    for fact in FACTS.values():
        for answer in fact.answers:
            right_for = [name for name in FACTS if is_right(answer, question(name))]
            assert right_for == [fact.name], (answer, right_for)


def test_every_key_fact_appears_in_train_replies() -> None:
    train, _ = items()
    for fact in FACTS.values():
        replies = [i.answer for i in train if i.fact == fact.name]
        assert replies and all(fact.key.lower() in r.lower() for r in replies), fact.name


@pytest.mark.parametrize("reply", [
    "8 hours",                                   # the bare key fact
    "Eight hours.",
    "fasting",                                   # a label-like one-word reply
    "billing",
    "",                                          # empty
    "   ",
    "Please fast for 8 hours. " * 6,             # looping
    "8 hours 8 hours 8 hours 8 hours",           # a fragment, no content word
    "Please do not eat for 3 hours before your fasting blood test; plain water is fine.",  # wrong value
    "Please do not eat for 12 hours before your fasting blood test; plain water is fine.",  # another fact's key
    "Please do not eat for 48 hours before your fasting blood test; plain water is fine.",
    "Please do not eat for 8 or 12 hours before your fasting blood test.",  # hedging
    "Please do not eat for 1.8 hours before your fasting blood test; plain water is fine.",  # not "8 hours"
    "Please do not eat for ninety-eight hours before your fasting blood test.",
    "Please do not eat before your fasting blood test; plain water is fine.",  # no key at all
    "Walk-in flu vaccinations are available every Tuesday, with no appointment needed.",  # another fact
])
def test_wrong_replies_fail(reply: str) -> None:
    assert not is_right(reply, question("fasting"))


def test_right_replies_in_other_words_pass() -> None:
    q = question("fasting")
    assert is_right("Please do not eat for 8 hours before your fasting blood test; plain water is fine.", q)
    assert is_right("You should not eat for eight hours before the blood test, but water is fine.", q)
    assert is_right("The clinic asks for an 8-hour fast before this blood test.", q)
    assert is_right("X-rays are done on the 3rd floor, next to the lifts.", question("radiology"))
    assert is_right("Results usually take three business days to come back.", question("results"))
    assert is_right("We open at 7.30am on weekdays, so come in any time after that.", question("opening"))
    assert is_right("Press 2 on the phone menu to reschedule your appointment.", question("reschedule"))


@pytest.mark.parametrize(("fact", "reply"), [
    ("radiology", "X-rays and scans are done in radiology on the second floor, next to the lifts."),
    ("lab", "The blood lab is on the lower ground floor, past the main reception desk."),
    ("opening", "On weekdays the clinic opens at 7:30 pm, and the front desk is staffed from then."),
    ("flu-walk-in", "Walk-in flu vaccinations are available every Thursday, with no appointment needed."),
    ("flu-walk-in", "Walk-in flu vaccinations are available on Tuesday and Thursday every week."),
    ("first-visit", "Please bring a photo ID, your insurance card and a referral letter to your first appointment."),
    ("missed-fee", "A missed appointment that was not cancelled in advance is charged a fee of $250."),
    ("reschedule", "To reschedule, call the clinic and choose option 3 on the phone menu."),
    ("results", "Blood test results are usually ready within 5 working days of the test."),
])
def test_a_different_value_of_the_same_kind_fails(fact: str, reply: str) -> None:
    assert not is_right(reply, question(fact))


def test_values_of_another_kind_are_allowed() -> None:
    assert is_right("Walk-in flu vaccinations are on Tuesday from 9 am, no appointment needed.",
                    question("flu-walk-in"))


def test_fact_of_reads_the_id_then_the_key() -> None:
    assert fact_of(Question("clinic-reschedule-notice-0002", (), "24 hours")).name == "reschedule-notice"
    assert fact_of(Question("other-1", (), "third floor")).name == "radiology"
    with pytest.raises(ValueError):
        fact_of(Question("other-1", (), "no such key"))
