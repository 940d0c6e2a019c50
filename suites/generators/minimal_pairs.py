"""Grammar minimal pairs: a grammatical sentence vs a near-identical ungrammatical one.

Scored as choice cases with no context (total log-likelihood from the start of the
text), so the two options differ by one word or by word order only. Each template
draws from small word lists with its own random.Random seeded by its slug, so adding
or dropping a template never changes the items of another.

    python suites/generators/minimal_pairs.py   # writes suites/data/grammar_minimal_pairs.jsonl
"""
from __future__ import annotations

import json
import random
import zlib
from pathlib import Path
from typing import Callable

Pair = tuple[str, str]
Template = Callable[[random.Random], Pair]
OUT = Path(__file__).resolve().parents[1] / "data" / "grammar_minimal_pairs.jsonl"
SEED = 20240611
PER_CATEGORY = 104

FEMALE = "Mary Anna Emma Sarah Laura Alice Julia Rachel Sophie Helen Kate Linda Nora Grace Lucy Olivia".split()
MALE = "John David Peter Mark Tom James Paul Daniel Robert Henry Adam Simon George Michael Eric Frank".split()
NAMES = FEMALE + MALE
PEOPLE = [w.split("/") for w in (
    "teacher/teachers student/students doctor/doctors child/children woman/women man/men nurse/nurses "
    "farmer/farmers player/players author/authors driver/drivers neighbor/neighbors singer/singers "
    "worker/workers lawyer/lawyers baker/bakers pilot/pilots dancer/dancers customer/customers visitor/visitors"
).split()]
THINGS = [w.split("/") for w in (
    "book/books box/boxes key/keys picture/pictures letter/letters chair/chairs table/tables bottle/bottles "
    "lamp/lamps cup/cups knife/knives shelf/shelves bag/bags map/maps coin/coins glass/glasses dress/dresses "
    "watch/watches photo/photos plate/plates basket/baskets blanket/blankets"
).split()]
PLACES = "park library station market office museum school hospital beach shop hotel bakery harbor airport".split()
TIMES = ["yesterday", "last week", "on Monday", "this morning", "after lunch", "last night"]
MOODS = [("is", "are", a) for a in ("tired", "happy", "busy", "late", "hungry", "worried")] + \
    [("was", "were", a) for a in ("tired", "happy", "busy", "late", "angry", "nervous")] + \
    [("seems", "seem", a) for a in ("tired", "happy", "busy", "worried")] + \
    [("looks", "look", a) for a in ("tired", "happy", "confused", "worried")]
STATES = [("is", "are", a) for a in ("broken", "new", "dirty", "expensive", "old")] + \
    [("was", "were", a) for a in ("broken", "cheap", "dusty", "missing")] + \
    [("needs", "need", "cleaning"), ("looks", "look", "new"), ("seems", "seem", "heavy")]
TRANS = [("repaired", "bike"), ("washed", "car"), ("painted", "fence"), ("borrowed", "book"),
         ("cooked", "soup"), ("opened", "window"), ("sold", "house"), ("carried", "box"),
         ("cleaned", "kitchen"), ("described", "accident"), ("visited", "museum"), ("admired", "painting"),
         ("bought", "lamp"), ("found", "key"), ("fixed", "radio"), ("read", "letter")]
INTRANS = "arrived slept fainted sneezed laughed smiled vanished yawned wept coughed".split()
# (present 3sg, past, participle, overregularised past, object)
IRREGULAR = [
    ("goes", "went", "gone", "goed", "to the {place}"), ("eats", "ate", "eaten", "eated", "the last apple"),
    ("sees", "saw", "seen", "seed", "the doctor"), ("takes", "took", "taken", "taked", "the bus"),
    ("gives", "gave", "given", "gived", "a speech"), ("writes", "wrote", "written", "writed", "a letter"),
    ("drinks", "drank", "drunk", "drinked", "the milk"), ("swims", "swam", "swum", "swimmed", "across the lake"),
    ("throws", "threw", "thrown", "throwed", "the ball"), ("draws", "drew", "drawn", "drawed", "a map"),
    ("drives", "drove", "driven", "drived", "the truck"), ("rides", "rode", "ridden", "rided", "a horse"),
    ("breaks", "broke", "broken", "breaked", "the window"), ("chooses", "chose", "chosen", "choosed", "a gift"),
    ("flies", "flew", "flown", "flyed", "to Paris"), ("knows", "knew", "known", "knowed", "the answer"),
    ("wears", "wore", "worn", "weared", "a blue coat"), ("steals", "stole", "stolen", "stealed", "the money"),
    ("speaks", "spoke", "spoken", "speaked", "to the manager"), ("sings", "sang", "sung", "singed", "a song"),
    ("forgets", "forgot", "forgotten", "forgetted", "the password"), ("begins", "began", "begun", "beginned", "the lesson"),
    ("hides", "hid", "hidden", "hided", "the keys"), ("falls", "fell", "fallen", "falled", "asleep"),
]
# Past forms that are also participles: only the overregularised contrast applies.
REGULARISED = [("bought", "buyed", "a new phone"), ("caught", "catched", "the train"), ("taught", "teached", "the class"),
               ("brought", "bringed", "some bread"), ("found", "finded", "the wallet"), ("thought", "thinked", "about it"),
               ("kept", "keeped", "the receipt"), ("slept", "sleeped", "very well"), ("built", "builded", "a shed"),
               ("sold", "selled", "the car"), ("told", "telled", "a joke"), ("held", "holded", "the baby")]


def pick(rng: random.Random, items: list) -> object:
    return items[rng.randrange(len(items))]


def cap(text: str) -> str:
    return text[0].upper() + text[1:]


def two_names(rng: random.Random) -> tuple[str, str]:
    first, second = rng.sample(NAMES, 2)
    return first, second


def gendered(rng: random.Random) -> tuple[str, str, str]:
    """A name, its reflexive and the reflexive of the other gender."""
    if rng.random() < 0.5:
        return str(pick(rng, FEMALE)), "herself", "himself"
    return str(pick(rng, MALE)), "himself", "herself"


def numbered(rng: random.Random, nouns: list) -> tuple[str, str, int]:
    """A head noun and an attractor of the other number; the index says the head's number."""
    number = rng.randrange(2)
    head, attractor = rng.sample(nouns, 2)
    return head[number], attractor[1 - number], number


# --- agreement-attractor: the verb agrees with the head, not the nearer noun ---------------------------

def attractor_pp(rng: random.Random) -> Pair:
    head, attr, n = numbered(rng, PEOPLE)
    verb = pick(rng, MOODS)
    prep = pick(rng, ["near", "behind", "beside", "with", "next to"])
    frame = f"The {head} {prep} the {attr} {{}} {verb[2]}."
    return frame.format(verb[n]), frame.format(verb[1 - n])


def attractor_object_rc(rng: random.Random) -> Pair:
    head, attr, n = numbered(rng, PEOPLE)
    verb = pick(rng, MOODS)
    rel = pick(rng, ["trusted", "helped", "visited", "called", "met", "praised"])
    frame = f"The {head} that the {attr} {rel} {{}} {verb[2]}."
    return frame.format(verb[n]), frame.format(verb[1 - n])


def attractor_subject_rc(rng: random.Random) -> Pair:
    head, attr, n = numbered(rng, PEOPLE)
    verb = pick(rng, MOODS)
    rel = pick(rng, ["helped", "called", "waved at", "talked to", "thanked", "watched"])
    frame = f"The {head} who {rel} the {attr} {{}} {verb[2]}."
    return frame.format(verb[n]), frame.format(verb[1 - n])


def attractor_things(rng: random.Random) -> Pair:
    head, attr, n = numbered(rng, THINGS)
    verb = pick(rng, STATES)
    prep = pick(rng, ["on", "under", "near", "beside", "behind"])
    frame = f"The {head} {prep} the {attr} {{}} {verb[2]}."
    return frame.format(verb[n]), frame.format(verb[1 - n])


# --- determiner-noun: number agreement inside the noun phrase -----------------------------------------

def det_demonstrative(rng: random.Random) -> Pair:
    noun, n = pick(rng, THINGS), rng.randrange(2)
    det = pick(rng, [("this", "these"), ("that", "those")])
    verb = pick(rng, ["bought", "found", "cleaned", "sold", "moved", "wanted"])
    frame = f"{pick(rng, NAMES)} {verb} {{}} {noun[n]} {pick(rng, TIMES[:3] + TIMES[4:])}."
    return frame.format(det[n]), frame.format(det[1 - n])


def det_noun_form(rng: random.Random) -> Pair:
    noun, n = pick(rng, THINGS), rng.randrange(2)
    det = pick(rng, [("This", "These"), ("That", "Those")])[n]
    frame = f"{det} {{}} on the {pick(rng, ['shelf', 'table', 'floor', 'counter'])} belong to {pick(rng, NAMES)}."
    if n == 0:
        frame = frame.replace(" belong ", " belongs ")
    return frame.format(noun[n]), frame.format(noun[1 - n])


def det_numeral(rng: random.Random) -> Pair:
    noun = pick(rng, PEOPLE + THINGS)
    num = pick(rng, ["two", "three", "four", "five", "several", "many", "a few", "twelve"])
    frame = f"{pick(rng, NAMES)} saw {num} {{}} at the {pick(rng, PLACES)}."
    return frame.format(noun[1]), frame.format(noun[0])


def det_article(rng: random.Random) -> Pair:
    if rng.random() < 0.5:
        noun = pick(rng, ["apple", "egg", "orange", "umbrella", "envelope", "onion", "old coat", "empty box"])
        good, bad = "an", "a"
    else:
        noun = pick(rng, ["pear", "lemon", "cake", "ticket", "candle", "new coat", "small box", "card"])
        good, bad = "a", "an"
    frame = f"{pick(rng, NAMES)} {pick(rng, ['found', 'bought', 'wanted', 'dropped'])} {{}} {noun} {pick(rng, TIMES)}."
    return frame.format(good), frame.format(bad)


# --- anaphor-agreement: the reflexive matches its antecedent ------------------------------------------

REFLEXIVE_VPS = ["hurt {r} in the {place}", "saw {r} in the mirror", "introduced {r} to the guests",
                 "blamed {r} for the mistake", "taught {r} to cook", "bought {r} a new coat", "praised {r} too much"]


def anaphor_name(rng: random.Random) -> Pair:
    name, good, bad = gendered(rng)
    vp = str(pick(rng, REFLEXIVE_VPS)).replace("{place}", str(pick(rng, PLACES)))
    return f"{name} {vp.format(r=good)}.", f"{name} {vp.format(r=bad)}."


def anaphor_plural(rng: random.Random) -> Pair:
    noun = pick(rng, PEOPLE)[1]
    vp = str(pick(rng, REFLEXIVE_VPS)).replace("{place}", str(pick(rng, PLACES)))
    bad = pick(rng, ["himself", "herself"])
    return f"The {noun} {vp.format(r='themselves')}.", f"The {noun} {vp.format(r=bad)}."


def anaphor_noun(rng: random.Random) -> Pair:
    female = rng.random() < 0.5
    noun = pick(rng, ["queen", "actress", "mother", "girl", "aunt", "waitress", "bride"] if female
                else ["king", "actor", "father", "boy", "uncle", "waiter", "groom"])
    good, bad = ("herself", "himself") if female else ("himself", "herself")
    vp = str(pick(rng, REFLEXIVE_VPS)).replace("{place}", str(pick(rng, PLACES)))
    return f"The {noun} {vp.format(r=good)}.", f"The {noun} {vp.format(r=bad)}."


# --- irregular-past ---------------------------------------------------------------------------------

def _object(rng: random.Random, text: str) -> str:
    return text.replace("{place}", str(pick(rng, PLACES)))


def past_overregularised(rng: random.Random) -> Pair:
    verbs = [(v[1], v[3], v[4]) for v in IRREGULAR] + REGULARISED
    past, wrong, obj = pick(rng, verbs)
    frame = f"{pick(rng, NAMES)} {{}} {_object(rng, obj)} {pick(rng, TIMES)}."
    return frame.format(past), frame.format(wrong)


def past_participle_after_have(rng: random.Random) -> Pair:
    _, past, part, _, obj = pick(rng, IRREGULAR)
    aux = pick(rng, ["has", "had", "has already", "had never"])
    frame = f"{pick(rng, NAMES)} {aux} {{}} {_object(rng, obj)}."
    return frame.format(part), frame.format(past)


def past_participle_as_past(rng: random.Random) -> Pair:
    _, past, part, _, obj = pick(rng, IRREGULAR)
    subject = pick(rng, NAMES) if rng.random() < 0.5 else f"the {pick(rng, PEOPLE)[1]}"
    frame = f"{cap(str(pick(rng, TIMES)))}, {subject} {{}} {_object(rng, obj)}."
    return frame.format(past), frame.format(part)


# --- argument-structure -----------------------------------------------------------------------------

def args_transitive_slot(rng: random.Random) -> Pair:
    verb, obj = pick(rng, TRANS)
    frame = f"{pick(rng, NAMES)} {{}} the {obj} {pick(rng, TIMES)}."
    return frame.format(verb), frame.format(pick(rng, INTRANS))


def args_intransitive_slot(rng: random.Random) -> Pair:
    bad = pick(rng, ["devoured", "borrowed", "described", "mentioned", "needed", "resembled", "obtained", "admired"])
    frame = f"The {pick(rng, PEOPLE)[1]} {{}} {pick(rng, TIMES)}."
    return frame.format(pick(rng, INTRANS)), frame.format(bad)


def args_ditransitive(rng: random.Random) -> Pair:
    good, bad, objs = pick(rng, [("told", "said", ["the news", "a story", "the truth", "a secret"]),
                                 ("gave", "donated", ["the keys", "a present", "some money", "the book"]),
                                 ("showed", "described", ["the map", "the photos", "the garden", "the plan"]),
                                 ("sent", "mentioned", ["a letter", "the report", "a message", "the bill"]),
                                 ("offered", "suggested", ["a job", "a drink", "a ride", "some help"])])
    first, second = two_names(rng)
    frame = f"{first} {{}} {second} {pick(rng, objs)}."
    return frame.format(good), frame.format(bad)


def args_preposition(rng: random.Random) -> Pair:
    good, bad, objs = pick(rng, [("listened to", "heard to", ["the radio", "the song", "the teacher"]),
                                 ("looked at", "watched at", ["the pictures", "the sky", "the menu"]),
                                 ("talked about", "discussed about", ["the plan", "the problem", "the trip"]),
                                 ("waited for", "awaited for", ["the bus", "the doctor", "the results"]),
                                 ("asked for", "requested for", ["help", "the bill", "more time"])])
    frame = f"{pick(rng, NAMES)} {{}} {pick(rng, objs)} {pick(rng, TIMES)}."
    return frame.format(good), frame.format(bad)


# --- npi: negative polarity items need a licensor ----------------------------------------------------

NPI_VPS = ["visited the {place}", "seen the ocean", "read that book", "met the mayor", "won a prize", "cooked for us"]


def npi_ever_subject(rng: random.Random) -> Pair:
    vp = str(pick(rng, NPI_VPS)).replace("{place}", str(pick(rng, PLACES)))
    noun = pick(rng, PEOPLE)
    good, bad, form, aux = pick(rng, [("No", "The", 0, "has"), ("No", "A", 0, "has"), ("Few", "Many", 1, "have"),
                                      ("No", "Some", 1, "have"), ("Few", "Most", 1, "have")])
    frame = f"{{}} {noun[form]} {aux} ever {vp}."
    return frame.format(good), frame.format(bad)


def npi_any_object(rng: random.Random) -> Pair:
    good, bad = pick(rng, [("Nobody", "Somebody"), ("No one", "Someone"), ("Nobody", "Everybody")])
    verb = pick(rng, ["bought", "found", "ordered", "sold", "noticed"])
    frame = f"{{}} {verb} any {pick(rng, THINGS)[1]} at the {pick(rng, PLACES)}."
    return frame.format(good), frame.format(bad)


def npi_adverb(rng: random.Random) -> Pair:
    good, bad = pick(rng, [("rarely", "often"), ("hardly", "usually"), ("seldom", "always")])
    vp = pick(rng, ["eats meat", "visits the {place}", "calls her parents", "drinks coffee", "reads the news", "takes the bus"])
    frame = f"{pick(rng, NAMES)} {{}} ever {str(vp).replace('{place}', str(pick(rng, PLACES)))}."
    return frame.format(good), frame.format(bad)


def npi_embedded(rng: random.Random) -> Pair:
    good, bad = pick(rng, [("doubts", "thinks"), ("denies", "says"), ("doubts", "knows"), ("denies", "admits")])
    vp = pick(rng, ["saw the accident", "took the money", "broke the window", "read the report", "called the police"])
    frame = f"{pick(rng, NAMES)} {{}} that anyone {vp}."
    return frame.format(good), frame.format(bad)


# --- filler-gap: a wh-filler needs a gap, and a gap needs a filler ------------------------------------

EMBEDDERS = ["knows", "forgot", "remembered", "noticed", "heard", "found out"]


def gap_needs_filler(rng: random.Random) -> Pair:
    first, second = two_names(rng)
    verb, _ = pick(rng, TRANS)
    frame = f"{first} {pick(rng, EMBEDDERS)} {{}} {second} {verb} {pick(rng, TIMES)}."
    return frame.format("what"), frame.format("that")


def filler_needs_gap(rng: random.Random) -> Pair:
    first, second = two_names(rng)
    verb, obj = pick(rng, TRANS)
    frame = f"{first} {pick(rng, EMBEDDERS)} {{}} {second} {verb} the {obj} {pick(rng, TIMES)}."
    return frame.format("that"), frame.format("what")


def gap_who(rng: random.Random) -> Pair:
    first, second = two_names(rng)
    verb = pick(rng, ["met", "called", "invited", "hired", "visited", "trusted"])
    frame = f"{first} {pick(rng, EMBEDDERS)} {{}} {second} {verb} at the {pick(rng, PLACES)}."
    return frame.format("who"), frame.format("that")


def gap_relative(rng: random.Random) -> Pair:
    verb, obj = pick(rng, TRANS)
    frame = f"The {obj} that {pick(rng, NAMES)} {{}} {pick(rng, ['was old', 'is here', 'was expensive', 'looks nice'])}."
    return frame.format(verb), frame.format(pick(rng, INTRANS))


# --- island: no wh-extraction out of adjuncts, wh-clauses or left branches ---------------------------

BRIDGES = ["said that", "thought that", "hoped that", "heard that", "believed that"]
ADJUNCTS = ["laughed because", "left before", "slept while", "smiled when", "cried after"]


def island_adjunct(rng: random.Random) -> Pair:
    first, second = two_names(rng)
    verb, _ = pick(rng, TRANS)
    bridge = str(pick(rng, BRIDGES)).replace("said", "say").replace("thought", "think").replace("hoped", "hope")
    bridge = bridge.replace("heard", "hear").replace("believed", "believe")
    adjunct = str(pick(rng, ["laugh because", "leave before", "sleep while", "smile when", "cry after"]))
    frame = f"What did {first} {{}} {second} {verb}?"
    return frame.format(bridge), frame.format(adjunct)


def island_adjunct_embedded(rng: random.Random) -> Pair:
    asker, first, second = rng.sample(NAMES, 3)
    verb, _ = pick(rng, TRANS)
    frame = f"{asker} asked what {first} {{}} {second} had {verb}."
    return frame.format(pick(rng, BRIDGES)), frame.format(pick(rng, ADJUNCTS))


def island_wh(rng: random.Random) -> Pair:
    first, second = two_names(rng)
    verb, _ = pick(rng, TRANS)
    good, bad = pick(rng, [("say that", "ask whether"), ("think that", "wonder whether"),
                           ("hear that", "ask how"), ("believe that", "wonder why")])
    frame = f"What did {first} {{}} {second} {verb}?"
    return frame.format(good), frame.format(bad)


def island_left_branch(rng: random.Random) -> Pair:
    name = pick(rng, NAMES)
    verb = pick(rng, ["borrow", "find", "sell", "fix", "paint", "clean"])
    wh, noun = pick(rng, [("Whose", pick(rng, THINGS)[0]), ("Which", pick(rng, THINGS)[0]),
                          ("How many", pick(rng, THINGS)[1])])
    return f"{wh} {noun} did {name} {verb}?", f"{wh} did {name} {verb} {noun}?"


# --- quantifier ----------------------------------------------------------------------------------------

def quant_existential(rng: random.Random) -> Pair:
    noun, n = pick(rng, PEOPLE + THINGS), rng.randrange(2)
    good = pick(rng, ["a", "one"] if n == 0 else ["some", "many", "several", "two", "no", "few"])
    bad = pick(rng, ["every", "each"] if n == 0 else ["most", "all"])
    frame = f"There {['was', 'were'][n]} {{}} {noun[n]} in the {pick(rng, PLACES)}."
    return frame.format(good), frame.format(bad)


def quant_partitive(rng: random.Random) -> Pair:
    good, bad = pick(rng, [("All", "Every"), ("Each", "Every"), ("Most", "Every"), ("Some", "Every"), ("Many", "Every")])
    verb = pick(rng, ["passed the test", "left early", "liked the film", "signed the letter", "brought lunch"])
    frame = f"{{}} of the {pick(rng, PEOPLE)[1]} {verb}."
    return frame.format(good), frame.format(bad)


def quant_floating(rng: random.Random) -> Pair:
    good, bad = pick(rng, [("all", "every"), ("both", "every"), ("all", "most"), ("both", "most")])
    verb = pick(rng, ["left early", "passed the test", "agreed", "laughed", "arrived late", "signed up"])
    frame = f"The {pick(rng, PEOPLE)[1]} {{}} {verb}."
    return frame.format(good), frame.format(bad)


def quant_mass_count(rng: random.Random) -> Pair:
    if rng.random() < 0.5:
        noun = pick(rng, ["money", "time", "water", "sugar", "furniture", "advice", "luggage", "homework"])
        good, bad = pick(rng, [("much", "many"), ("little", "few"), ("less", "fewer")])
    else:
        noun = pick(rng, THINGS)[1]
        good, bad = pick(rng, [("many", "much"), ("few", "little"), ("fewer", "less")])
    frame = f"{pick(rng, NAMES)} has too {{}} {noun}." if good in ("much", "many", "few", "little") \
        else f"{pick(rng, NAMES)} needs {{}} {noun} than before."
    return frame.format(good), frame.format(bad)


# --- subject-aux-inversion -------------------------------------------------------------------------------

def sai_wh_question(rng: random.Random) -> Pair:
    wh = pick(rng, ["Where", "Why", "When", "How"])
    name = pick(rng, NAMES)
    aux, verb = pick(rng, [("has", "hidden the keys"), ("has", "parked the car"), ("will", "meet the doctor"),
                           ("can", "buy the tickets"), ("did", "sell the house"), ("should", "leave the bags")])
    return f"{wh} {aux} {name} {verb}?", f"{wh} {name} {aux} {verb}?"


def sai_relative_clause(rng: random.Random) -> Pair:
    noun = pick(rng, ["dog", "baby", "man", "girl", "bird", "boy", "cat"])
    ving = pick(rng, ["barking", "crying", "singing", "sleeping", "waiting", "shouting"])
    adj = pick(rng, ["hungry", "sick", "cold", "lost", "tired", "okay"])
    return f"Is the {noun} that is {ving} {adj}?", f"Is the {noun} that {ving} is {adj}?"


def sai_do_support(rng: random.Random) -> Pair:
    name = pick(rng, NAMES)
    wh, verb = pick(rng, [("What", "buy"), ("What", "eat"), ("What", "find"), ("Who", "meet"), ("Who", "call"),
                          ("Where", "go"), ("Where", "stay"), ("Where", "park"), ("Why", "leave early"),
                          ("Why", "call the police"), ("When", "arrive"), ("How", "get home")])
    time = pick(rng, TIMES)
    return f"{wh} did {name} {verb} {time}?", f"{wh} {name} did {verb} {time}?"


def sai_embedded(rng: random.Random) -> Pair:
    first = pick(rng, NAMES)
    wh = pick(rng, ["where", "why", "when", "what"])
    embedder = pick(rng, ["asked", "wondered", "wanted to know", "did not know"])
    clause = pick(rng, [("the {n}", "was"), ("the {n}", "had gone"), ("the {n}", "would go")])
    if wh == "what":
        subject, aux = f"the {pick(rng, PEOPLE)[0]}", pick(rng, ["had seen", "would say", "was doing"])
    else:
        subject, aux = clause[0].format(n=pick(rng, PEOPLE)[0]), clause[1]
    head, _, rest = aux.partition(" ")
    good = f"{first} {embedder} {wh} {subject} {aux}."
    bad = f"{first} {embedder} {wh} {head} {subject} {rest}".rstrip() + "."
    return good, bad


# --- ellipsis ---------------------------------------------------------------------------------------

def ellipsis_aux(rng: random.Random) -> Pair:
    first, second = two_names(rng)
    if rng.random() < 0.5:
        vp = pick(rng, ["likes jazz", "plays chess", "owns a car", "speaks French", "drinks tea"])
        good, bad = "does", "is"
    else:
        vp = pick(rng, ["is tired", "is hungry", "is at home", "is a nurse", "is ready"])
        good, bad = "is", "does"
    frame = f"{first} {vp}, and {second} {{}} too."
    return frame.format(good), frame.format(bad)


def ellipsis_neither(rng: random.Random) -> Pair:
    first, second = two_names(rng)
    aux, vp = pick(rng, [("has", "has never seen snow"), ("can", "can't swim"), ("will", "won't come"),
                         ("did", "didn't call"), ("is", "isn't ready"), ("does", "doesn't eat fish")])
    return f"{first} {vp}, and neither {aux} {second}.", f"{first} {vp}, and neither {second} {aux}."


def ellipsis_so(rng: random.Random) -> Pair:
    first, second = two_names(rng)
    if rng.random() < 0.5:
        vp = pick(rng, ["likes jazz", "plays chess", "owns a car", "speaks French", "drinks tea"])
        good, bad = "does", "is"
    else:
        vp = pick(rng, ["can swim", "can drive", "can cook"])
        good, bad = "can", "does"
    frame = f"{first} {vp}, and so {{}} {second}."
    return frame.format(good), frame.format(bad)


def ellipsis_sluice(rng: random.Random) -> Pair:
    first = pick(rng, NAMES)
    place = pick(rng, PLACES)
    know = pick(rng, ["I don't know", "nobody knows", "I forget", "she won't say"])
    if rng.random() < 0.5:
        frame = f"{first} met someone at the {place}, but {know} {{}}."
        return frame.format("who"), frame.format("what")
    frame = f"{first} bought something at the {place}, but {know} {{}}."
    return frame.format("what"), frame.format("who")


# --- binding ----------------------------------------------------------------------------------------

def binding_local(rng: random.Random) -> Pair:
    female, male = pick(rng, FEMALE), pick(rng, MALE)
    outer, inner, good, bad = (female, male, "himself", "herself") if rng.random() < 0.5 else (male, female, "herself", "himself")
    verb = pick(rng, ["thinks that", "said that", "knows that", "believes that"])
    vp = pick(rng, ["admires", "blamed", "hurt", "likes", "praised"])
    frame = f"{outer} {verb} {inner} {vp} {{}}."
    return frame.format(good), frame.format(bad)


def binding_c_command(rng: random.Random) -> Pair:
    name = pick(rng, NAMES)
    relative, good, bad = pick(rng, [("brother", "himself", "herself"), ("sister", "herself", "himself"),
                                     ("father", "himself", "herself"), ("mother", "herself", "himself")])
    if (name in FEMALE) == (good == "herself"):  # the possessor must differ in gender from the relative
        name = pick(rng, MALE if name in FEMALE else FEMALE)
    vp = pick(rng, ["hurt {r}", "blamed {r}", "admired {r} in the mirror", "introduced {r}"])
    return f"{name}'s {relative} {vp.format(r=good)}.", f"{name}'s {relative} {vp.format(r=bad)}."


def binding_subject(rng: random.Random) -> Pair:
    name, good_refl, _ = gendered(rng)
    pronoun = "she" if good_refl == "herself" else "he"
    verb = pick(rng, ["thinks that", "said that", "hopes that", "knows that"])
    pred = pick(rng, ["is right", "will win", "was late", "can help"])
    frame = f"{name} {verb} {{}} {pred}."
    return frame.format(pronoun), frame.format(good_refl)


def binding_reciprocal(rng: random.Random) -> Pair:
    noun = pick(rng, PEOPLE)
    vp = pick(rng, ["talked to", "waved at", "helped", "trusted", "smiled at"])
    frame = f"The {{}} {vp} each other."
    return frame.format(noun[1]), frame.format(noun[0])


TEMPLATES: dict[str, dict[str, Template]] = {
    "agreement-attractor": {"pp": attractor_pp, "object-rc": attractor_object_rc,
                            "subject-rc": attractor_subject_rc, "things": attractor_things},
    "determiner-noun": {"demonstrative": det_demonstrative, "noun-form": det_noun_form,
                        "numeral": det_numeral, "article": det_article},
    "anaphor-agreement": {"name": anaphor_name, "plural": anaphor_plural, "noun": anaphor_noun},
    "irregular-past": {"overregularised": past_overregularised, "have-participle": past_participle_after_have,
                       "participle-as-past": past_participle_as_past},
    "argument-structure": {"transitive": args_transitive_slot, "intransitive": args_intransitive_slot,
                           "ditransitive": args_ditransitive, "preposition": args_preposition},
    "npi": {"ever-subject": npi_ever_subject, "any-object": npi_any_object, "adverb": npi_adverb,
            "embedded": npi_embedded},
    "filler-gap": {"gap-what": gap_needs_filler, "filled-gap": filler_needs_gap, "gap-who": gap_who,
                   "relative": gap_relative},
    "island": {"adjunct": island_adjunct, "adjunct-embedded": island_adjunct_embedded, "wh": island_wh,
               "left-branch": island_left_branch},
    "quantifier": {"existential": quant_existential, "partitive": quant_partitive, "floating": quant_floating,
                   "mass-count": quant_mass_count},
    "subject-aux-inversion": {"wh-question": sai_wh_question, "relative-clause": sai_relative_clause,
                              "do-support": sai_do_support, "embedded": sai_embedded},
    "ellipsis": {"aux": ellipsis_aux, "neither": ellipsis_neither, "so": ellipsis_so, "sluice": ellipsis_sluice},
    "binding": {"local": binding_local, "c-command": binding_c_command, "subject": binding_subject,
                "reciprocal": binding_reciprocal},
}


def pairs_for(category: str, slug: str, template: Template, count: int) -> list[Pair]:
    """`count` distinct pairs from one template, from an rng seeded by its name."""
    rng = random.Random(SEED + zlib.crc32(f"{category}/{slug}".encode()))
    pairs: list[Pair] = []
    seen: set[Pair] = set()
    for _ in range(count * 200):
        pair = template(rng)
        if pair not in seen and pair[0] != pair[1]:
            seen.add(pair)
            pairs.append(pair)
            if len(pairs) == count:
                return pairs
    raise ValueError(f"template {category}/{slug} gives only {len(pairs)} distinct pairs, {count} asked")


def generate() -> list[dict]:
    """Every case of the suite, in a fixed order."""
    cases = []
    for category, templates in TEMPLATES.items():
        share, extra = divmod(PER_CATEGORY, len(templates))
        for index, (slug, template) in enumerate(templates.items()):
            for number, (good, bad) in enumerate(pairs_for(category, slug, template, share + (index < extra)), start=1):
                cases.append({"id": f"{category}/{slug}-{number:04d}", "kind": "choice", "category": category,
                              "options": [good, bad], "answer": 0})
    return cases


def main() -> None:
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8") as handle:
        for case in generate():
            handle.write(json.dumps(case, ensure_ascii=False, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
