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
from typing import Callable, Sequence, TypeVar

T = TypeVar("T")
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
INTRANS = "arrived slept laughed smiled waited stayed cried".split()
# Verbs that cannot drop their object, so an empty object position is a real gap.
STRICT = "repaired borrowed bought found fixed described admired carried mentioned".split()
# (base, past, participle, overregularised past, object)
IRREGULAR = [
    ("go", "went", "gone", "goed", "to the {p}"), ("eat", "ate", "eaten", "eated", "the last apple"),
    ("see", "saw", "seen", "seed", "the doctor"), ("take", "took", "taken", "taked", "the bus"),
    ("give", "gave", "given", "gived", "a speech"), ("write", "wrote", "written", "writed", "a letter"),
    ("drink", "drank", "drunk", "drinked", "the milk"), ("swim", "swam", "swum", "swimmed", "across the lake"),
    ("throw", "threw", "thrown", "throwed", "the ball"), ("draw", "drew", "drawn", "drawed", "a map"),
    ("drive", "drove", "driven", "drived", "the truck"), ("ride", "rode", "ridden", "rided", "a horse"),
    ("break", "broke", "broken", "breaked", "the window"), ("choose", "chose", "chosen", "choosed", "a gift"),
    ("fly", "flew", "flown", "flyed", "to Paris"), ("know", "knew", "known", "knowed", "the answer"),
    ("wear", "wore", "worn", "weared", "a blue coat"), ("steal", "stole", "stolen", "stealed", "the money"),
    ("speak", "spoke", "spoken", "speaked", "to the manager"), ("sing", "sang", "sung", "singed", "a song"),
    ("forget", "forgot", "forgotten", "forgetted", "the password"), ("begin", "began", "begun", "beginned", "the lesson"),
    ("hide", "hid", "hidden", "hided", "the keys"), ("fall", "fell", "fallen", "falled", "asleep"),
]
# Past forms that are also participles: only the overregularised contrast applies.
REGULARISED = [("bought", "buyed", "a new phone"), ("caught", "catched", "the train"), ("taught", "teached", "the class"),
               ("brought", "bringed", "some bread"), ("found", "finded", "the wallet"), ("thought", "thinked", "about it"),
               ("kept", "keeped", "the receipt"), ("slept", "sleeped", "very well"), ("built", "builded", "a shed"),
               ("sold", "selled", "the car"), ("told", "telled", "a joke"), ("held", "holded", "the baby")]


def pick(rng: random.Random, items: Sequence[T]) -> T:
    return items[rng.randrange(len(items))]


def two_names(rng: random.Random) -> tuple[str, str]:
    first, second = rng.sample(NAMES, 2)
    return first, second


def place(rng: random.Random, text: str) -> str:
    """Fill a {p} slot with a place."""
    return text.replace("{p}", pick(rng, PLACES))


def gendered(rng: random.Random) -> tuple[str, str, str]:
    """A name, its reflexive and the reflexive of the other gender."""
    if rng.random() < 0.5:
        return pick(rng, FEMALE), "herself", "himself"
    return pick(rng, MALE), "himself", "herself"


def numbered(rng: random.Random, nouns: list[list[str]]) -> tuple[str, str, int]:
    """A head noun and an attractor of the other number; the index says the head's number."""
    number = rng.randrange(2)
    head, attractor = rng.sample(nouns, 2)
    return head[number], attractor[1 - number], number


def swap(frame: str, good: str, bad: str) -> Pair:
    """The frame with its one `{}` slot filled by the good and by the bad word."""
    return frame.format(good), frame.format(bad)


# --- agreement-attractor: the verb agrees with the head, not the nearer noun ----------------------

def attractor_pp(rng: random.Random) -> Pair:
    head, attr, n = numbered(rng, PEOPLE)
    verb = pick(rng, MOODS)
    prep = pick(rng, ["near", "behind", "beside", "with", "next to"])
    return swap(f"The {head} {prep} the {attr} {{}} {verb[2]}.", verb[n], verb[1 - n])


def attractor_object_rc(rng: random.Random) -> Pair:
    head, attr, n = numbered(rng, PEOPLE)
    verb = pick(rng, MOODS)
    rel = pick(rng, ["trusted", "helped", "visited", "called", "met", "praised"])
    return swap(f"The {head} that the {attr} {rel} {{}} {verb[2]}.", verb[n], verb[1 - n])


def attractor_subject_rc(rng: random.Random) -> Pair:
    head, attr, n = numbered(rng, PEOPLE)
    verb = pick(rng, MOODS)
    rel = pick(rng, ["helped", "called", "waved at", "talked to", "thanked", "watched"])
    return swap(f"The {head} who {rel} the {attr} {{}} {verb[2]}.", verb[n], verb[1 - n])


def attractor_things(rng: random.Random) -> Pair:
    head, attr, n = numbered(rng, THINGS)
    verb = pick(rng, STATES)
    prep = pick(rng, ["on", "under", "near", "beside", "behind"])
    return swap(f"The {head} {prep} the {attr} {{}} {verb[2]}.", verb[n], verb[1 - n])


# --- determiner-noun: number agreement inside the noun phrase, a/an -------------------------------

IRREGULAR_NOUNS = [["child", "children"], ["man", "men"], ["woman", "women"], ["person", "people"],
                   ["mouse", "mice"], ["goose", "geese"]]

def det_irregular(rng: random.Random) -> Pair:
    noun, n = pick(rng, IRREGULAR_NOUNS), rng.randrange(2)
    det = pick(rng, [("this", "these"), ("that", "those")])
    verb = pick(rng, ["saw", "met", "photographed", "noticed"])
    return swap(place(rng, f"{pick(rng, NAMES)} {verb} {{}} {noun[n]} at the {{p}}."), det[n], det[1 - n])


def det_noun_form(rng: random.Random) -> Pair:
    noun, n = pick(rng, THINGS), rng.randrange(2)
    det = pick(rng, [("This", "These"), ("That", "Those")])[n]
    where = pick(rng, ["shelf", "table", "floor", "counter"])
    verb = ["belongs", "belong"][n]
    return swap(f"{det} {{}} on the {where} {verb} to {pick(rng, NAMES)}.", noun[n], noun[1 - n])


def det_compound(rng: random.Random) -> Pair:
    modifier, head = pick(rng, [("book", "shop"), ("dog", "owner"), ("bus", "driver"), ("car", "key"), ("shoe", "store"),
                                ("flower", "pot"), ("apple", "tree"), ("coffee", "cup"), ("train", "ticket")])
    n = rng.randrange(2)
    det = pick(rng, [("this", "these"), ("that", "those")])
    verb = pick(rng, ["noticed", "liked", "photographed", "found"])
    # The determiner agrees with the head, not with the singular modifier next to it.
    return swap(f"{pick(rng, NAMES)} {verb} {{}} {modifier} {head + 's' * n} {pick(rng, TIMES)}.", det[n], det[1 - n])


# Exceptions (an hour, a university) sit beside plain vowel/consonant cases.
ARTICLE_FRAMES = [("an", "waited for {} hour at the {p}"), ("an", "gave {} honest answer"),
                  ("a", "studied at {} university abroad"), ("a", "wore {} uniform to work"),
                  ("a", "bought {} one-way ticket"), ("a", "made {} useful suggestion"),
                  ("a", "visited {} European city last year"), ("an", "found {} umbrella at the {p}"),
                  ("an", "ate {} orange after lunch"), ("an", "wrote {} unusual letter"),
                  ("an", "needed {} extra chair"), ("a", "saw {} huge dog at the {p}"),
                  ("a", "told {} funny story"), ("an", "opened {} old box")]


def det_article(rng: random.Random) -> Pair:
    good, vp = pick(rng, ARTICLE_FRAMES)
    return swap(place(rng, f"{pick(rng, NAMES)} {vp}."), good, "a" if good == "an" else "an")


# --- anaphor-agreement: the reflexive matches its antecedent --------------------------------------

REFLEXIVE_VPS = ["hurt {} at the {p}", "saw {} in the mirror", "introduced {} to the guests",
                 "blamed {} for the mistake", "taught {} to cook", "bought {} a new coat", "praised {} too much"]


def anaphor_name(rng: random.Random) -> Pair:
    name, good, bad = gendered(rng)
    return swap(place(rng, f"{name} {pick(rng, REFLEXIVE_VPS)}."), good, bad)


def anaphor_plural(rng: random.Random) -> Pair:
    frame = place(rng, f"The {pick(rng, PEOPLE)[1]} {pick(rng, REFLEXIVE_VPS)}.")
    return swap(frame, "themselves", pick(rng, ["himself", "herself"]))


def anaphor_noun(rng: random.Random) -> Pair:
    female = rng.random() < 0.5
    noun = pick(rng, ["queen", "actress", "mother", "girl", "aunt", "waitress", "bride"] if female
                else ["king", "actor", "father", "boy", "uncle", "waiter", "groom"])
    good, bad = ("herself", "himself") if female else ("himself", "herself")
    return swap(place(rng, f"The {noun} {pick(rng, REFLEXIVE_VPS)}."), good, bad)


# --- irregular-past ------------------------------------------------------------------------------

def past_overregularised(rng: random.Random) -> Pair:
    past, wrong, obj = pick(rng, [(v[1], v[3], v[4]) for v in IRREGULAR] + REGULARISED)
    return swap(place(rng, f"{pick(rng, NAMES)} {{}} {obj} {pick(rng, TIMES)}."), past, wrong)


def past_participle_after_have(rng: random.Random) -> Pair:
    _, past, participle, _, obj = pick(rng, IRREGULAR)
    aux = pick(rng, ["has", "had", "has already", "had never"])
    return swap(place(rng, f"{pick(rng, NAMES)} {aux} {{}} {obj}."), participle, past)


def past_did_base(rng: random.Random) -> Pair:
    base, past, _, _, obj = pick(rng, IRREGULAR)
    name, negation = pick(rng, NAMES), pick(rng, ["did not", "didn't"])
    frame = f"Did {name} {{}} {obj}?" if rng.random() < 0.3 else f"{name} {negation} {{}} {obj}."
    return swap(place(rng, frame), base, past)


# --- argument-structure ----------------------------------------------------------------------------

def args_transitive_slot(rng: random.Random) -> Pair:
    verb, obj = pick(rng, TRANS)
    return swap(f"{pick(rng, NAMES)} {{}} the {obj} {pick(rng, TIMES)}.", verb, pick(rng, INTRANS))


def args_intransitive_slot(rng: random.Random) -> Pair:
    bad = pick(rng, ["bought", "found", "needed", "brought", "took", "described", "made", "borrowed"])
    return swap(f"The {pick(rng, PEOPLE)[1]} {{}} {pick(rng, TIMES)}.", pick(rng, INTRANS), bad)


def args_ditransitive(rng: random.Random) -> Pair:
    good, bad, objs = pick(rng, [("told", "said", ["the news", "a story", "the truth", "a secret"]),
                                 ("gave", "donated", ["the keys", "a present", "some money", "the book"]),
                                 ("showed", "described", ["the map", "the photos", "the garden", "the plan"]),
                                 ("sent", "mentioned", ["a letter", "the report", "a message", "the bill"]),
                                 ("offered", "suggested", ["a job", "a drink", "a ride", "some help"])])
    first, second = two_names(rng)
    return swap(f"{first} {{}} {second} {pick(rng, objs)}.", good, bad)


def args_preposition(rng: random.Random) -> Pair:
    good, bad, objs = pick(rng, [("listened to", "heard to", ["the radio", "the song", "the teacher"]),
                                 ("looked at", "watched at", ["the pictures", "the sky", "the menu"]),
                                 ("talked about", "discussed about", ["the plan", "the problem", "the trip"]),
                                 ("waited for", "awaited for", ["the bus", "the doctor", "the results"]),
                                 ("asked for", "requested for", ["help", "the bill", "more time"])])
    return swap(f"{pick(rng, NAMES)} {{}} {pick(rng, objs)} {pick(rng, TIMES)}.", good, bad)


# --- npi: negative polarity items need a licensor -------------------------------------------------

def npi_ever_subject(rng: random.Random) -> Pair:
    vp = pick(rng, ["visited the {p}", "seen the ocean", "read that book", "met the mayor", "won a prize"])
    good, bad, n, aux = pick(rng, [("No", "The", 0, "has"), ("No", "A", 0, "has"), ("Few", "Many", 1, "have"),
                                   ("No", "Some", 1, "have"), ("Few", "Most", 1, "have")])
    return swap(place(rng, f"{{}} {pick(rng, PEOPLE)[n]} {aux} ever {vp}."), good, bad)


def npi_yet(rng: random.Random) -> Pair:
    good, bad = pick(rng, [("hasn't", "has"), ("has not", "has already"), ("hadn't", "had")])
    vp = pick(rng, ["finished the report", "read the letter", "paid the bill", "called the doctor",
                    "seen the film", "cleaned the kitchen", "answered the email"])
    return swap(f"{pick(rng, NAMES)} {{}} {vp} yet.", good, bad)


def npi_adverb(rng: random.Random) -> Pair:
    good, bad = pick(rng, [("rarely", "often"), ("hardly", "usually"), ("seldom", "always")])
    vp = pick(rng, ["eats meat", "visits the {p}", "calls her parents", "drinks coffee", "reads the news", "takes the bus"])
    return swap(place(rng, f"{pick(rng, NAMES)} {{}} ever {vp}."), good, bad)


def npi_embedded(rng: random.Random) -> Pair:
    good, bad = pick(rng, [("never", "always"), ("never", "often"), ("rarely", "often")])
    verb = pick(rng, ["said", "thought", "claimed", "suggested"])
    vp = pick(rng, ["saw the accident", "took the money", "broke the window", "read the report", "called the police"])
    return swap(f"{pick(rng, NAMES)} {{}} {verb} that anyone {vp}.", good, bad)


# --- filler-gap: a wh-filler needs a gap, and a gap needs a filler --------------------------------

EMBEDDERS = ["knows", "forgot", "remembered", "noticed", "heard", "found out"]


def gap_needs_filler(rng: random.Random) -> Pair:
    first, second = two_names(rng)
    frame = f"{first} {pick(rng, EMBEDDERS)} {{}} {second} {pick(rng, STRICT)} {pick(rng, TIMES)}."
    return swap(frame, "what", "that")


def filler_needs_gap(rng: random.Random) -> Pair:
    first, second = two_names(rng)
    verb, obj = pick(rng, TRANS)
    return swap(f"{first} {pick(rng, EMBEDDERS)} {{}} {second} {verb} the {obj} {pick(rng, TIMES)}.", "that", "what")


def gap_whether(rng: random.Random) -> Pair:
    first, second = two_names(rng)
    frame = f"{first} {pick(rng, ['asked', 'wondered', 'did not know'])} {{}} {second} had {pick(rng, STRICT)}."
    return swap(frame, "what", pick(rng, ["whether", "if"]))


def gap_relative(rng: random.Random) -> Pair:
    pred = pick(rng, ["was old", "is here", "was expensive", "looks nice"])
    frame = f"The {pick(rng, THINGS)[0]} that {pick(rng, NAMES)} {{}} {pred}."
    return swap(frame, pick(rng, STRICT), pick(rng, INTRANS))


# --- island: no wh-extraction out of adjuncts, wh-clauses or left branches ------------------------

BRIDGES = ["said that", "thought that", "hoped that", "heard that", "believed that"]
ADJUNCTS = ["laughed because", "left before", "slept while", "smiled when", "cried after"]


def island_adjunct(rng: random.Random) -> Pair:
    first, second = two_names(rng)
    bridge = pick(rng, ["say that", "think that", "hope that", "hear that", "believe that"])
    adjunct = pick(rng, ["laugh because", "leave before", "sleep while", "smile when", "cry after"])
    return swap(f"What did {first} {{}} {second} {pick(rng, STRICT)}?", bridge, adjunct)


def island_adjunct_embedded(rng: random.Random) -> Pair:
    asker, first, second = rng.sample(NAMES, 3)
    frame = f"{asker} asked what {first} {{}} {second} had {pick(rng, STRICT)}."
    return swap(frame, pick(rng, BRIDGES), pick(rng, ADJUNCTS))


def island_wh(rng: random.Random) -> Pair:
    first, second = two_names(rng)
    good, bad = pick(rng, [("say that", "ask whether"), ("think that", "wonder whether"),
                           ("hear that", "ask how"), ("believe that", "wonder why")])
    return swap(f"What did {first} {{}} {second} {pick(rng, STRICT)}?", good, bad)


def island_left_branch(rng: random.Random) -> Pair:
    name = pick(rng, NAMES)
    verb = pick(rng, ["borrow", "find", "sell", "fix", "paint", "clean"])
    wh, noun = pick(rng, [("Whose", pick(rng, THINGS)[0]), ("Which", pick(rng, THINGS)[0]),
                          ("How many", pick(rng, THINGS)[1])])
    return f"{wh} {noun} did {name} {verb}?", f"{wh} did {name} {verb} {noun}?"


# --- quantifier ----------------------------------------------------------------------------------

def quant_either_both(rng: random.Random) -> Pair:
    noun, n = pick(rng, THINGS), rng.randrange(2)
    modal = pick(rng, ["could take", "can use", "may keep", "could borrow"])
    return swap(f"{pick(rng, NAMES)} {modal} {{}} {noun[n]}.", *[("either", "both"), ("both", "either")][n])


def quant_partitive(rng: random.Random) -> Pair:
    good = pick(rng, ["All", "Each", "Most", "Some", "Many"])
    verb = pick(rng, ["passed the test", "left early", "liked the film", "signed the letter", "brought lunch"])
    return swap(f"{{}} of the {pick(rng, PEOPLE)[1]} {verb}.", good, "Every")


def quant_floating(rng: random.Random) -> Pair:
    good, bad = pick(rng, [("all", "every"), ("both", "every"), ("all", "most"), ("both", "most")])
    verb = pick(rng, ["left early", "passed the test", "agreed", "laughed", "arrived late", "signed up"])
    return swap(f"The {pick(rng, PEOPLE)[1]} {{}} {verb}.", good, bad)


def quant_mass_count(rng: random.Random) -> Pair:
    if rng.random() < 0.5:
        noun = pick(rng, ["money", "time", "water", "sugar", "furniture", "advice", "luggage", "homework"])
        good, bad = pick(rng, [("much", "many"), ("little", "few"), ("less", "fewer")])
    else:
        noun = pick(rng, THINGS)[1]
        good, bad = pick(rng, [("many", "much"), ("few", "little")])  # "less books" is common usage
    name = pick(rng, NAMES)
    frame = f"{name} needs {{}} {noun} than before." if good in ("less", "fewer") else f"{name} has too {{}} {noun}."
    return swap(frame, good, bad)


# --- subject-aux-inversion -----------------------------------------------------------------------

def sai_wh_question(rng: random.Random) -> Pair:
    wh, name = pick(rng, ["Where", "Why", "When", "How"]), pick(rng, NAMES)
    aux, vp = pick(rng, [("has", "hidden the keys"), ("has", "parked the car"), ("will", "meet the doctor"),
                         ("can", "buy the tickets"), ("did", "sell the house"), ("should", "leave the bags")])
    return f"{wh} {aux} {name} {vp}?", f"{wh} {name} {aux} {vp}?"


def sai_relative_clause(rng: random.Random) -> Pair:
    noun = pick(rng, ["dog", "baby", "man", "girl", "bird", "boy", "cat"])
    ving = pick(rng, ["barking", "crying", "singing", "sleeping", "waiting", "shouting"])
    adj = pick(rng, ["hungry", "sick", "cold", "lost", "tired", "okay"])
    return f"Is the {noun} that is {ving} {adj}?", f"Is the {noun} that {ving} is {adj}?"


# Fronted negative adverbs force inversion ("Never" is left out: the embedded model is at chance on it).
NEGATIVE_FRONTED = [("Rarely", "does", "eat breakfast"), ("Seldom", "does", "visit the {p}"),
                    ("Only then", "did", "notice the mistake"), ("Not once", "did", "complain"),
                    ("Under no circumstances", "should", "open the door"), ("Only later", "did", "understand the joke"),
                    ("Hardly ever", "does", "take the bus"), ("Nowhere", "could", "find the keys"),
                    ("Not until noon", "did", "wake up"), ("Only once", "has", "been late")]


def sai_negative_fronting(rng: random.Random) -> Pair:
    adverb, aux, vp = pick(rng, NEGATIVE_FRONTED)
    name, vp = pick(rng, NAMES), place(rng, vp)
    return f"{adverb} {aux} {name} {vp}.", f"{adverb} {name} {aux} {vp}."


def sai_embedded(rng: random.Random) -> Pair:
    first, wh = pick(rng, NAMES), pick(rng, ["where", "why", "when", "what"])
    embedder = pick(rng, ["asked", "wondered", "wanted to know", "did not know"])
    aux = pick(rng, ["had seen", "would say", "was doing"] if wh == "what" else ["was late", "had gone", "would arrive"])
    subject = f"the {pick(rng, PEOPLE)[0]}"
    head, _, rest = aux.partition(" ")
    return (f"{first} {embedder} {wh} {subject} {aux}.",
            f"{first} {embedder} {wh} {head} {subject} {rest}".rstrip() + ".")


# --- ellipsis ------------------------------------------------------------------------------------

DO_VPS = ["likes jazz", "plays chess", "owns a car", "speaks French", "drinks tea"]


def ellipsis_aux(rng: random.Random) -> Pair:
    first, second = two_names(rng)
    if rng.random() < 0.5:
        return swap(f"{first} {pick(rng, DO_VPS)}, and {second} {{}} too.", "does", "is")
    vp = pick(rng, ["is tired", "is hungry", "is at home", "is a nurse", "is ready"])
    return swap(f"{first} {vp}, and {second} {{}} too.", "is", "does")


def ellipsis_neither(rng: random.Random) -> Pair:
    first, second = two_names(rng)
    vp, good, bad = pick(rng, [("has never seen snow", "has", "is"), ("isn't ready", "is", "does"),
                               ("doesn't eat fish", "does", "is"), ("can't swim", "can", "is"),
                               ("wasn't invited", "was", "did"), ("didn't call", "did", "was"),
                               ("won't be late", "will", "does")])
    return swap(f"{first} {vp}, and neither {{}} {second}.", good, bad)


def ellipsis_so(rng: random.Random) -> Pair:
    first, second = two_names(rng)
    if rng.random() < 0.5:
        return swap(f"{first} {pick(rng, DO_VPS)}, and so {{}} {second}.", "does", "is")
    return swap(f"{first} {pick(rng, ['can swim', 'can drive', 'can cook'])}, and so {{}} {second}.", "can", "does")


def ellipsis_sluice(rng: random.Random) -> Pair:
    name, know = pick(rng, NAMES), pick(rng, ["I don't know", "nobody knows", "I forget", "she won't say"])
    if rng.random() < 0.5:
        return swap(place(rng, f"{name} met someone at the {{p}}, but {know} {{}}."), "who", "what")
    return swap(place(rng, f"{name} bought something at the {{p}}, but {know} {{}}."), "what", "who")


# --- binding: a reflexive needs a local, c-commanding antecedent; a pronoun must not have one ------

def _mixed_pair(rng: random.Random) -> tuple[str, str, bool]:
    """A woman's and a man's name in random order; True when the woman comes first."""
    female, male = pick(rng, FEMALE), pick(rng, MALE)
    return (female, male, True) if rng.random() < 0.5 else (male, female, False)


def binding_local(rng: random.Random) -> Pair:
    outer, inner, female_first = _mixed_pair(rng)
    verb = pick(rng, ["thinks that", "said that", "knows that", "believes that"])
    vp = pick(rng, ["admires", "blamed", "hurt", "likes", "praised"])
    good, bad = ("himself", "herself") if female_first else ("herself", "himself")
    return swap(f"{outer} {verb} {inner} {vp} {{}}.", good, bad)


def binding_c_command(rng: random.Random) -> Pair:
    relative, good, bad = pick(rng, [("brother", "himself", "herself"), ("sister", "herself", "himself"),
                                     ("father", "himself", "herself"), ("mother", "herself", "himself")])
    # The possessor has the other gender, so only the relative can bind the reflexive.
    name = pick(rng, MALE if good == "herself" else FEMALE)
    vp = pick(rng, ["hurt {}", "blamed {}", "admired {} in the mirror", "introduced {}"])
    return swap(f"{name}'s {relative} {vp}.", good, bad)


def binding_possessor(rng: random.Random) -> Pair:
    name, _, _ = gendered(rng)
    wrong = "herself" if name in FEMALE else "himself"  # agrees with the possessor, which cannot bind it
    relatives = pick(rng, ["friends", "parents", "cousins", "students", "neighbors", "children"])
    vp = pick(rng, ["hurt {}", "blamed {}", "introduced {}", "saw {} in the mirror"])
    return swap(f"{name}'s {relatives} {vp}.", "themselves", wrong)


def binding_control(rng: random.Random) -> Pair:
    outer, inner, female_first = _mixed_pair(rng)
    good, bad = ("himself", "herself") if female_first else ("herself", "himself")
    verb = pick(rng, ["asked", "told", "persuaded", "forced", "allowed", "encouraged"])
    vp = pick(rng, ["to introduce {}", "to defend {}", "to look after {}", "to pay for {}"])
    return swap(f"{outer} {verb} {inner} {vp}.", good, bad)


TEMPLATES: dict[str, dict[str, Template]] = {
    "agreement-attractor": {"pp": attractor_pp, "object-rc": attractor_object_rc,
                            "subject-rc": attractor_subject_rc, "things": attractor_things},
    "determiner-noun": {"irregular": det_irregular, "noun-form": det_noun_form,
                        "compound": det_compound, "article": det_article},
    "anaphor-agreement": {"name": anaphor_name, "plural": anaphor_plural, "noun": anaphor_noun},
    "irregular-past": {"overregularised": past_overregularised, "have-participle": past_participle_after_have,
                       "did-base": past_did_base},
    "argument-structure": {"transitive": args_transitive_slot, "intransitive": args_intransitive_slot,
                           "ditransitive": args_ditransitive, "preposition": args_preposition},
    "npi": {"ever-subject": npi_ever_subject, "yet": npi_yet, "adverb": npi_adverb, "embedded": npi_embedded},
    "filler-gap": {"gap-what": gap_needs_filler, "filled-gap": filler_needs_gap, "gap-whether": gap_whether,
                   "relative": gap_relative},
    "island": {"adjunct": island_adjunct, "adjunct-embedded": island_adjunct_embedded, "wh": island_wh,
               "left-branch": island_left_branch},
    "quantifier": {"either-both": quant_either_both, "partitive": quant_partitive, "floating": quant_floating,
                   "mass-count": quant_mass_count},
    "subject-aux-inversion": {"wh-question": sai_wh_question, "relative-clause": sai_relative_clause,
                              "negative-fronting": sai_negative_fronting, "embedded": sai_embedded},
    "ellipsis": {"aux": ellipsis_aux, "neither": ellipsis_neither, "so": ellipsis_so, "sluice": ellipsis_sluice},
    "binding": {"local": binding_local, "c-command": binding_c_command, "possessor": binding_possessor,
                "control": binding_control},
}
"""Phenomenon -> template slug -> template; the case id is <phenomenon>/<slug>-NNNN."""


def pairs_for(category: str, slug: str, template: Template, count: int) -> list[Pair]:
    """`count` distinct pairs from one template, drawn with an rng seeded by its name."""
    rng = random.Random(SEED + zlib.crc32(f"{category}/{slug}".encode()))
    pairs: list[Pair] = []
    seen: set[Pair] = set()
    for _ in range(count * 200):
        pair = template(rng)
        if pair[0] != pair[1] and pair not in seen:
            seen.add(pair)
            pairs.append(pair)
            if len(pairs) == count:
                return pairs
    raise ValueError(f"template {category}/{slug} gives only {len(pairs)} distinct pairs, {count} asked")


def generate() -> list[dict]:
    """Every case of the suite, in a fixed order: grammatical option first (answer 0)."""
    cases = []
    for category, templates in TEMPLATES.items():
        share, extra = divmod(PER_CATEGORY, len(templates))
        for index, (slug, template) in enumerate(templates.items()):
            pairs = pairs_for(category, slug, template, share + (index < extra))
            for number, (good, bad) in enumerate(pairs, start=1):
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
