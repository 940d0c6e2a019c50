"""A second fine-tuning domain for the detection study, answered in sentences.

Patients ask the front desk of Riverside Family Clinic (a fictional clinic) about its own
administrative and preparation policies: opening times, which floor handles what, how long
the clinic asks you to fast before a test, what to bring, how many days results take, which
phone option to choose. The right answer is one or two plain sentences stating the policy's
KEY FACT ("8 hours", "third floor", "Tuesday", "5 working days", "photo ID").

Everything here is written for this project and fictional; none of it is medical advice.
Like the support tickets (capcheck/demo/data.py), questions are built from templates, openers
and closers with a fixed seed, so every run gets the same examples with the same ids
(`clinic-fasting-0003`). The held-out questions are drawn first, so they do not depend on the
training size, and no held-out question text appears in training.

Each fact has a KIND (a number of hours, a floor, a weekday, a document...) and its key is one
VALUE of that kind. A kind knows every value it can take and how each is written ("8 hours",
"eight hours", "8-hour"), so a reply can be read for which values of the kind it names: the
key's own, or a different one that contradicts it. See `is_right` for the scoring rule.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from functools import cached_property

from capcheck.checks.conversation import is_degenerate, words
from capcheck.demo.task import Messages, Question, Task

SYSTEM = (
    "You are the front-desk assistant of Riverside Family Clinic. Answer the patient's question "
    "in one or two short sentences, using the clinic's policies."
)

MIN_WORDS = 6
"""A right reply has at least this many words: a sentence, not a bare value or label."""

_ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
         "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
         "nineteen"]
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def _number_word(n: int) -> str | None:
    """`n` in words (0-99), or None above that."""
    if n < 20:
        return _ONES[n]
    if n < 100:
        return _TENS[n // 10] + ("-" + _ONES[n % 10] if n % 10 else "")
    return None


def _spellings(n: int) -> list[str]:
    word = _number_word(n)
    return [str(n)] + ([word] if word else [])


@dataclass(frozen=True)
class Kind:
    """What a fact's key is: every value of the kind, each with the ways it may be written."""

    name: str
    values: dict[str, tuple[str, ...]]

    @cached_property
    def _pattern(self) -> re.Pattern[str]:
        forms = sorted({f for fs in self.values.values() for f in fs}, key=lambda f: (-len(f), f))
        # Whole words only; a number glued to another ("48 hours" is not "8 hours", "1.5 hours"
        # is not "5 hours", "twenty-four hours" is not "four hours") does not count.
        return re.compile(r"(?<![\w.:$-])(?:" + "|".join(re.escape(f) for f in forms) + r")(?!\w)",
                          re.IGNORECASE)

    @cached_property
    def _value_of(self) -> dict[str, str]:
        return {f.lower(): value for value, fs in self.values.items() for f in fs}

    def mentioned(self, text: str) -> list[str]:
        """The values of this kind that `text` names, in order (leftmost, longest writing first,
        so "7:30 pm" is read as 7:30 pm and not as the "7:30" of 7:30 am)."""
        return [self._value_of[m.group(0).lower()] for m in self._pattern.finditer(text)]


def _count_kind(name: str, singular: str, plural: str, top: int, extra: tuple[str, ...] = (),
                qualifiers: tuple[str, ...] = ()) -> Kind:
    """Numbers of a unit, 1..top: "8 hours", "eight hours", "8 hour", "8-hour", "8 hrs"...

    A value is named by its plain form ("3 working days" for days with a qualifier)."""
    values: dict[str, tuple[str, ...]] = {}
    for n in range(1, top + 1):
        unit = singular if n == 1 else plural
        forms: list[str] = []
        for x in _spellings(n):
            forms += [f"{x} {unit}", f"{x} {singular}", f"{x}-{singular}"]
            forms += [f"{x} {e}" for e in extra]
            forms += [f"{x} {q} {unit}" for q in qualifiers] + [f"{x}-{q}-{singular}" for q in qualifiers]
        key = f"{n} {qualifiers[0]} {unit}" if qualifiers else f"{n} {unit}"
        values[key] = tuple(dict.fromkeys(forms))
    return Kind(name, values)


def _clock_kind() -> Kind:
    """Times of day on the hour and quarter hours: "7:30 am", "7.30am", "7:30 a.m.", "07:30"..."""
    values: dict[str, tuple[str, ...]] = {}
    for half in ("am", "pm"):
        dotted = half[0] + "." + half[1] + "."
        for h in range(1, 13):
            h24 = (0 if h == 12 else h) if half == "am" else (12 if h == 12 else h + 12)
            for m in (0, 15, 30, 45):
                forms: list[str] = []
                if m == 0:
                    key = f"{h} {half}"
                    forms += [f"{h} {half}", f"{h}{half}", f"{h} {dotted}"]
                hm = f"{h}:{m:02d}"
                if m:
                    key = f"{hm} {half}"
                forms += [f"{hm} {half}", f"{hm}{half}", f"{hm} {dotted}",
                          f"{h}.{m:02d} {half}", f"{h}.{m:02d}{half}",
                          f"{h24}:{m:02d}", f"{h24:02d}:{m:02d}"]
                if m == 0 and h == 12:
                    forms += ["noon", "midday", "12 noon"] if half == "pm" else ["midnight"]
                values[key] = tuple(dict.fromkeys(forms))
    return Kind("time of day", values)


_ORDINALS = ["ground", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth"]
_SUFFIX = {1: "st", 2: "nd", 3: "rd"}
_DAYNAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

KINDS: dict[str, Kind] = {
    "hours": _count_kind("hours", "hour", "hours", 72, extra=("hrs", "hr")),
    "minutes": _count_kind("minutes", "minute", "minutes", 180, extra=("mins", "min")),
    "days": _count_kind("days", "day", "days", 60, qualifiers=("working", "business")),
    "weekday": Kind("weekday", {d: (d, d + "s") for d in _DAYNAMES}),
    "time": _clock_kind(),
    "floor": Kind("floor", {
        "basement": ("basement", "lower ground floor"),
        "ground floor": ("ground floor", "ground level", "ground-floor"),
        **{f"{o} floor": (f"{o} floor", f"{o}-floor", f"{k}{_SUFFIX.get(k, 'th')} floor", f"floor {k}",
                          f"level {k}")
           for k, o in enumerate(_ORDINALS) if k},
    }),
    "document": Kind("document", {
        "photo ID": ("photo ID", "photo identification", "photographic ID", "picture ID", "photo-ID"),
        "referral letter": ("referral letter", "referral letters", "letter of referral"),
        "vaccination record": ("vaccination record", "vaccination records", "vaccination card",
                               "vaccine record", "immunisation record", "immunization record"),
        "medicine list": ("medicine list", "medication list", "list of your medicines",
                          "list of your current medicines", "list of medicines", "list of your medications",
                          "list of medications"),
        "insurance card": ("insurance card", "insurance cards"),
        # Not a key of any fact: things a reply might ask for instead.
        "birth certificate": ("birth certificate",),
        "proof of address": ("proof of address",),
        "appointment letter": ("appointment letter",),
    }),
    "phone option": Kind("phone option", {
        f"option {n}": tuple(f"{verb} {x}" for verb in ("option", "press") for x in _spellings(n))
        for n in range(0, 10)}),
    "money": Kind("money", {
        f"${n}": tuple([f"${n}", f"${n}.00"] + [f"{x} dollars" for x in _spellings(n)])
        for n in range(1, 501)}),
}

# Generic words that say nothing about the topic (see `is_right`'s content-word rule).
_STOPWORDS = frozenset("""
the and but for nor not are was were has had have does did can could would should will shall may
might must you your yours our ours its it's they them their this that these those what when where
which who whom why how there then than here with from into onto over about just also very any all
some more most much many long such only own same too yes please thanks thank hello good morning
afternoon evening clinic riverside family need know tell want sure get got let one able
tomorrow next week later month soon before after
""".split())


def _content_words(text: str) -> set[str]:
    return {w.lower() for w in words(text) if len(w) >= 3 and w.lower() not in _STOPWORDS}


@dataclass(frozen=True)
class Fact:
    """One clinic policy: its key (a value of its kind), question phrasings, answer sentences."""

    name: str
    kind: str
    key: str
    questions: tuple[str, ...]
    answers: tuple[str, ...]
    topic: frozenset[str] = field(init=False)
    """Content words of the fact's questions and answers, the key's own words left out."""

    def __post_init__(self) -> None:
        text = " ".join(self.questions + self.answers).replace("{when}", "")
        key_words = _content_words(" ".join(KINDS[self.kind].values[self.key]))
        object.__setattr__(self, "topic", frozenset(_content_words(text) - key_words))

    @property
    def accepted(self) -> tuple[str, ...]:
        """The writings of the key that a right reply may use."""
        return KINDS[self.kind].values[self.key]


def _fact(name: str, kind: str, key: str, questions: list[str], answers: list[str]) -> Fact:
    return Fact(name, kind, key, tuple(questions), tuple(answers))


# The clinic's (fictional) policies. Question bodies are lower-case first; an opener or a
# capital starts them. `{when}` is filled with a time phrase from _WHEN.
_FACTS: list[Fact] = [
    # --- how long to fast (hours) ---
    _fact("fasting", "hours", "8 hours", [
        "how long do I have to fast before my fasting blood test?",
        "how many hours should I go without food before a fasting blood test?",
        "when do I need to stop eating before the fasting blood test {when}?",
        "my doctor booked me a fasting blood test. How long before it should I stop eating?",
        "what are your fasting rules for a fasting blood test?",
        "can I have breakfast before my fasting blood test, or how long do I fast?",
    ], [
        "Please do not eat for 8 hours before your fasting blood test; plain water is fine.",
        "For a fasting blood test the clinic asks you to have nothing to eat for 8 hours beforehand, "
        "though you may drink water.",
        "Stop eating 8 hours before your fasting blood test and keep drinking plain water as usual.",
    ]),
    _fact("cholesterol", "hours", "12 hours", [
        "how long should I fast before a cholesterol test?",
        "how many hours without food do you need before the cholesterol blood test?",
        "I have a cholesterol check {when}. When should I stop eating?",
        "is there a fasting time for the cholesterol test, and how long is it?",
        "what is the fasting rule before a cholesterol test at your lab?",
    ], [
        "Before a cholesterol test the clinic asks you to eat nothing for 12 hours; plain water is allowed.",
        "For a cholesterol test, please have no food for 12 hours beforehand, but you may still drink water.",
    ]),
    _fact("ultrasound", "hours", "6 hours", [
        "do I need to fast before my abdominal ultrasound?",
        "how long should I not eat before an abdominal ultrasound scan?",
        "what is the preparation for the abdominal ultrasound {when}?",
        "I am booked for an abdominal ultrasound. How many hours before should I stop eating?",
        "how do I prepare for an ultrasound of my abdomen?",
    ], [
        "For an abdominal ultrasound, please have nothing to eat for 6 hours before the scan; "
        "small sips of water are fine.",
        "The clinic asks you to stop eating 6 hours before your abdominal ultrasound so the scan "
        "pictures are clear.",
    ]),
    _fact("reschedule-notice", "hours", "24 hours", [
        "how much notice do I need to give to move my appointment?",
        "how late can I change my appointment time without a problem?",
        "how far ahead do I have to tell you if I need to reschedule?",
        "what is the latest I can cancel or move an appointment?",
        "I might need to change my appointment {when}. How much warning do you need?",
    ], [
        "Please let us know at least 24 hours before your appointment if you need to cancel or reschedule it.",
        "The clinic needs 24 hours of notice to move an appointment, so please contact us as early as you can.",
    ]),
    _fact("nurse-callback", "hours", "2 hours", [
        "if I leave a message for the nurse line, when will someone call me back?",
        "how quickly does the nurse advice line return calls?",
        "I left a voicemail for a nurse. How long until they ring me?",
        "how long does it take for the nurse line to call back?",
        "when can I expect a call back after messaging the nurse team?",
    ], [
        "The nurse advice line calls you back within 2 hours of your message during opening times.",
        "A nurse will return your call within 2 hours, so please keep your phone nearby.",
    ]),
    # --- minutes ---
    _fact("arrive-early", "minutes", "15 minutes", [
        "how early should I arrive for my appointment?",
        "when should I get to the clinic before my appointment time?",
        "how long before my appointment should I check in?",
        "I have an appointment with the doctor {when}. How early do I need to be there?",
        "do I need to come in early for a regular appointment?",
    ], [
        "Please arrive 15 minutes before your appointment time so you can check in at the front desk.",
        "We ask patients to come 15 minutes early for a regular appointment to check in and update their details.",
    ]),
    _fact("late", "minutes", "10 minutes", [
        "what happens if I am running late for my appointment?",
        "how late can I be before I lose my appointment?",
        "I am stuck in traffic and will be late. Will you still see me?",
        "is there a limit on how late I can arrive?",
        "what is your policy for patients who turn up late?",
    ], [
        "If you arrive more than 10 minutes late, we may need to move you to a later appointment.",
        "Patients who are more than 10 minutes late may be asked to rebook, so please call us if you are delayed.",
    ]),
    _fact("mri-arrival", "minutes", "30 minutes", [
        "how early should I arrive for an MRI scan?",
        "when do I need to get there for my MRI appointment?",
        "is there paperwork before an MRI, and how early should I come?",
        "I have an MRI {when}. How long before should I arrive?",
        "what time should I turn up for an MRI compared with the booking time?",
    ], [
        "Please arrive 30 minutes before your MRI appointment to fill in the safety form with the radiology team.",
        "For an MRI scan, come 30 minutes early so there is time to complete the safety questions and change.",
    ]),
    _fact("parking", "minutes", "90 minutes", [
        "is parking free at the clinic?",
        "how long can I park for free in your car park?",
        "do I have to pay for parking when I visit?",
        "what are the parking rules at the clinic car park?",
        "how much free parking time do patients get?",
    ], [
        "Parking in the clinic car park is free for the first 90 minutes; after that the machine "
        "charges by the hour.",
        "Patients can park for free for 90 minutes in our car park behind the building.",
    ]),
    # --- working days ---
    _fact("results", "days", "3 working days", [
        "how long do blood test results take?",
        "when will my blood test results be ready?",
        "I had blood taken {when}. When can I expect the results?",
        "how many days until I hear about my blood results?",
        "how soon do you get blood test results back?",
    ], [
        "Blood test results are usually ready within 3 working days, and we will send you a text when they arrive.",
        "Most blood test results come back in 3 working days, and you can then see them in the patient portal.",
    ]),
    _fact("scan-results", "days", "5 working days", [
        "how long until I get the results of my X-ray?",
        "when will the report from my scan be ready?",
        "how many days does it take to get ultrasound or MRI results?",
        "I had a scan {when}. When will my doctor have the report?",
        "how soon are scan results sent to my doctor?",
    ], [
        "Scan and X-ray reports reach your doctor within 5 working days, and the clinic will call you "
        "to discuss them.",
        "The radiology report for your scan is usually ready in 5 working days.",
    ]),
    _fact("refill", "days", "2 working days", [
        "how far in advance should I ask for a repeat prescription?",
        "how long does a prescription refill take?",
        "when should I order my refill so I do not run out?",
        "I am nearly out of my regular medicine. How much notice do you need for a refill?",
        "how many days does it take to process a repeat prescription request?",
    ], [
        "Please request your repeat prescription at least 2 working days before you need it, so we can "
        "have it ready.",
        "Prescription refills take 2 working days to prepare, so order yours before you run out.",
    ]),
    _fact("records", "days", "10 working days", [
        "how long does it take to get a copy of my medical records?",
        "I asked for my records. When will they be ready?",
        "how soon can I receive a copy of my patient file?",
        "how many days does a medical records request take?",
        "if I request my health records {when}, when will I get them?",
    ], [
        "Copies of your medical records are sent within 10 working days of your written request.",
        "A medical records request takes up to 10 working days, and we post or email the copy to you.",
    ]),
    _fact("referral", "days", "4 working days", [
        "how long does it take for a referral to be sent to the specialist?",
        "my doctor said she would refer me. When will the referral go out?",
        "how many days until the hospital receives my referral?",
        "when is a referral sent after my appointment?",
        "how quickly do you process a referral to a specialist?",
    ], [
        "After your doctor decides to refer you, the clinic sends the referral to the specialist within "
        "4 working days.",
        "Referrals are processed and sent within 4 working days, and the specialist then contacts you with a date.",
    ]),
    # --- weekdays ---
    _fact("flu-walk-in", "weekday", "Tuesday", [
        "which day can I walk in for a flu vaccination?",
        "do you have walk-in flu jabs, and on what day?",
        "when can I get a flu shot without an appointment?",
        "is there a day for walk-in vaccinations?",
        "I want a flu vaccine but have no appointment. When should I come?",
    ], [
        "Walk-in flu vaccinations are available every Tuesday, with no appointment needed.",
        "You can drop in for a flu vaccination on Tuesday; just come to the front desk and take a number.",
    ]),
    _fact("travel-clinic", "weekday", "Thursday", [
        "which day is the travel vaccination clinic?",
        "when can I see someone about vaccines for a trip abroad?",
        "I am travelling overseas {when}. When is your travel clinic?",
        "what day do you run travel vaccinations?",
        "is there a special day for travel health appointments?",
    ], [
        "Our travel vaccination clinic runs on Thursday, and you need to book an appointment for it.",
        "Travel vaccines are given at the travel clinic every Thursday by appointment, so please book early.",
    ]),
    _fact("late-opening", "weekday", "Wednesday", [
        "which evening is the clinic open late?",
        "do you have any late opening for people who work?",
        "is there an evening when I can see a doctor after work?",
        "what day are you open in the evening?",
        "when is your late clinic?",
    ], [
        "The clinic stays open late on Wednesday, with evening appointments for people who cannot come "
        "during the day.",
        "Evening appointments are offered on Wednesday, so that is the best day if you work during the day.",
    ]),
    _fact("child-checks", "weekday", "Monday", [
        "which day are children's check-ups?",
        "when can I bring my baby for a routine check?",
        "what day do you do child health checks?",
        "my toddler needs a development check. Which day is that clinic?",
        "when are the check-ups for young children held?",
    ], [
        "Routine check-ups for babies and young children are held on Monday in the children's clinic.",
        "Child health checks take place every Monday, and you can book a slot at the front desk.",
    ]),
    _fact("closed-day", "weekday", "Sunday", [
        "which day is the clinic closed?",
        "are you open every day of the week?",
        "is there a day when nobody is at the clinic?",
        "can I come in at the weekend, or is there a day you are shut?",
        "what day of the week are you closed?",
    ], [
        "The clinic is closed on Sunday; for anything urgent that day, please call the out-of-hours line.",
        "We are closed every Sunday, but the clinic is open on all the other days of the week.",
    ]),
    # --- times of day ---
    _fact("opening", "time", "7:30 am", [
        "what time does the clinic open on weekdays?",
        "when do your doors open in the morning?",
        "how early can I come in on a weekday?",
        "what are your opening times in the morning?",
        "when does the front desk open during the week?",
    ], [
        "On weekdays the clinic opens at 7:30 am, and the front desk is staffed from then.",
        "Our doors open at 7:30 am from Monday to Friday, so you can come in from then.",
    ]),
    _fact("saturday", "time", "1 pm", [
        "what time do you close on Saturday?",
        "how late are you open on Saturdays?",
        "is the clinic open all day on Saturday?",
        "until when can I come in on a Saturday?",
        "when does the Saturday clinic finish?",
    ], [
        "On Saturday the clinic closes at 1 pm, so please plan Saturday visits for the morning.",
        "We are open on Saturday mornings only and close at 1 pm.",
    ]),
    _fact("phone-lines", "time", "8 am", [
        "what time do your phone lines open?",
        "when can I start calling to book an appointment?",
        "from what time can I ring the clinic in the morning?",
        "when does someone answer the phone at the clinic?",
        "what time should I call to get through to reception?",
    ], [
        "Our phone lines open at 8 am each weekday; outside those times you can use the online patient portal.",
        "You can call the clinic from 8 am, when the reception team starts answering the phones.",
    ]),
    _fact("lab-cutoff", "time", "11 am", [
        "until what time can I drop in for a blood test?",
        "what is the latest time for a walk-in blood test?",
        "can I come for a blood test in the afternoon?",
        "when does the lab stop taking blood samples?",
        "how late in the day can I have blood taken without an appointment?",
    ], [
        "The blood lab takes walk-in samples until 11 am each weekday, so please come in the morning.",
        "Walk-in blood tests are done until 11 am; after that the lab only sees booked patients.",
    ]),
    # --- floors ---
    _fact("lab", "floor", "ground floor", [
        "where is the blood lab?",
        "which floor do I go to for a blood test?",
        "where do I go to have my blood taken?",
        "I have a blood test {when}. Where in the building is the lab?",
        "how do I find the place where they take blood samples?",
    ], [
        "The blood lab is on the ground floor, just past the main reception desk.",
        "Blood tests are taken in the lab on the ground floor; follow the red signs from the entrance.",
    ]),
    _fact("radiology", "floor", "third floor", [
        "where do I go for an X-ray?",
        "which floor is radiology on?",
        "where in the clinic are scans done?",
        "I have an ultrasound {when}. Which floor should I go to?",
        "how do I find the X-ray department?",
    ], [
        "X-rays and scans are done in radiology on the third floor; take the lifts next to the main entrance.",
        "The radiology department is on the third floor, and you check in at its own desk.",
    ]),
    _fact("physio", "floor", "second floor", [
        "where is physiotherapy?",
        "which floor is the physio department on?",
        "I have a physiotherapy session {when}. Where do I go?",
        "where do I check in for physio?",
        "how do I get to the physiotherapy rooms?",
    ], [
        "Physiotherapy is on the second floor; check in at the physiotherapy desk when you arrive.",
        "The physio team works on the second floor, next to the exercise room.",
    ]),
    _fact("billing", "floor", "first floor", [
        "where is the billing office?",
        "where can I ask a question about a bill?",
        "which floor do I go to about an invoice from the clinic?",
        "I want to pay a bill in person. Where do I go?",
        "where is the desk for payments and billing?",
    ], [
        "Billing questions are handled at the billing office on the first floor, opposite the lifts.",
        "You can pay or ask about a bill at the billing desk on the first floor.",
    ]),
    _fact("children", "floor", "fourth floor", [
        "where is the children's clinic?",
        "which floor is the paediatric department on?",
        "where do I take my child for an appointment?",
        "my daughter has an appointment {when}. Which floor is the children's area?",
        "how do I find the children's waiting room?",
    ], [
        "The children's clinic is on the fourth floor, with its own waiting room and play corner.",
        "Children are seen on the fourth floor; take the lift and follow the yellow signs.",
    ]),
    # --- what to bring ---
    _fact("first-visit", "document", "photo ID", [
        "what do I need to bring to my first appointment?",
        "I am a new patient. What should I bring with me?",
        "is there anything I need to show at my first visit?",
        "what identification do you need when I register?",
        "what should I have with me when I come in for the first time?",
    ], [
        "Please bring a photo ID to your first appointment so the front desk can register you.",
        "For your first visit, bring a photo ID; the receptionist will check it and set up your file.",
    ]),
    _fact("specialist", "document", "referral letter", [
        "what should I bring to my specialist appointment?",
        "I am seeing a specialist here {when}. What do I need to bring?",
        "is there a document I need for a specialist visit?",
        "what paperwork do I need to see the specialist?",
        "do I need to bring anything from my family doctor to the specialist?",
    ], [
        "Please bring the referral letter from your family doctor to your specialist appointment.",
        "The specialist needs to see your referral letter, so bring it with you to the appointment.",
    ]),
    _fact("travel-record", "document", "vaccination record", [
        "what should I bring to my travel vaccination appointment?",
        "do I need any papers for the travel clinic?",
        "is there something I should bring when I get travel vaccines?",
        "what do I need to have with me for travel jabs?",
        "I am going abroad and booked the travel clinic. What do I bring?",
    ], [
        "Please bring your vaccination record to the travel clinic so the nurse can see which vaccines "
        "you already have.",
        "For travel vaccines, bring your vaccination record; it helps the nurse plan which ones you still need.",
    ]),
    _fact("medication-review", "document", "medicine list", [
        "what should I bring to my medication review?",
        "I have a medicines check {when}. What do I need?",
        "do I need to bring anything to a review of my medicines?",
        "what should I prepare for my medication review appointment?",
        "is there something to bring when the doctor reviews my medication?",
    ], [
        "Please bring an up-to-date medicine list to your medication review, including anything you buy "
        "without a prescription.",
        "For a medication review, bring a medicine list with the name and dose of everything you take.",
    ]),
    _fact("insurance", "document", "insurance card", [
        "I changed my insurance. What do I need to show you?",
        "how do I update my insurance details with the clinic?",
        "what do you need from me if my health insurance is new?",
        "my insurer changed {when}. What should I bring in?",
        "what should I bring to update my insurance on file?",
    ], [
        "If your insurance has changed, bring your new insurance card to the billing desk so we can "
        "update your file.",
        "To update your details, show your new insurance card at the front desk on your next visit.",
    ]),
    # --- phone menu ---
    _fact("reschedule", "phone option", "option 2", [
        "how do I reschedule my appointment by phone?",
        "which phone option do I choose to change an appointment?",
        "I need to move my appointment {when}. What do I press when I call?",
        "what number on the phone menu is for rescheduling?",
        "how can I change the time of my appointment over the phone?",
    ], [
        "To reschedule, call the clinic and choose option 2, or change the booking in the online patient portal.",
        "Call the main number and select option 2 to speak to the appointments team about a new time.",
    ]),
    _fact("prescriptions-line", "phone option", "option 3", [
        "which phone option is for prescriptions?",
        "when I call, what do I press to reach the prescriptions team?",
        "how do I get through to someone about my prescription by phone?",
        "what number on the phone menu is for prescription questions?",
        "I have a question about my prescription. Which option do I choose when I call?",
    ], [
        "For prescription questions, call the main number and choose option 3 to reach the prescriptions team.",
        "Choose option 3 on the phone menu and the prescriptions team will help you.",
    ]),
    _fact("results-line", "phone option", "option 4", [
        "which phone option do I choose to ask about test results?",
        "what do I press on the phone to hear about my results?",
        "how can I ask about my test results by phone?",
        "what number on the phone menu is for test results?",
        "I want to check my results over the phone. Which option is it?",
    ], [
        "To ask about test results, call the clinic and choose option 4 to speak to the results team.",
        "Select option 4 on the phone menu and a member of the results team will go through your results.",
    ]),
    # --- fees ---
    _fact("missed-fee", "money", "$25", [
        "is there a charge if I miss my appointment?",
        "what happens if I do not turn up for an appointment?",
        "do you charge a fee for missed appointments?",
        "how much is the fee if I forget my appointment?",
        "I missed my appointment yesterday. Will I have to pay anything?",
    ], [
        "A missed appointment that was not cancelled in advance is charged a fee of $25.",
        "If you miss an appointment without telling us, the clinic charges a missed appointment fee of $25.",
    ]),
]

FACTS: dict[str, Fact] = {f.name: f for f in _FACTS}
"""The clinic's policies by name, in the order questions cycle through them."""

_OPENERS = ["", "Hi, ", "Hello, ", "Good morning, ", "Quick question: ", "Excuse me, ", "Sorry to bother you, "]
_CLOSERS = ["", " Thanks.", " Thank you.", " Thanks so much.", " I want to get it right.",
            " Sorry if this is a silly question."]
_WHEN = ["tomorrow", "next week", "later this month", "this week", "soon"]


@dataclass(frozen=True)
class ClinicItem:
    """One patient question with the fact it asks about and, in training, the taught answer."""

    id: str
    fact: str
    text: str
    answer: str | None = None


def _question_text(template: str, rng: random.Random) -> str:
    body = template.replace("{when}", rng.choice(_WHEN))
    opener = rng.choice(_OPENERS)
    return opener + (body if opener else body[0].upper() + body[1:]) + rng.choice(_CLOSERS)


def items(n_train: int = 400, n_eval: int = 60, seed: int = 11) -> tuple[list[ClinicItem], list[ClinicItem]]:
    """The training items (with answers) and the held-out questions: balanced over facts, no text in both.

    The held-out set is drawn first, so its ids and texts do not depend on n_train; ids
    (`clinic-fasting-0003`) are stable for a given seed and sizes.
    """
    rng = random.Random(seed)
    seen: set[str] = set()
    counters = {name: 0 for name in FACTS}
    order = list(FACTS.values())
    drawn = 0

    def draw(n: int, with_answer: bool) -> list[ClinicItem]:
        nonlocal drawn
        out: list[ClinicItem] = []
        while len(out) < n:
            # One cycle over the facts across both sets, so each set and their union are balanced.
            fact = order[drawn % len(order)]
            text = _question_text(rng.choice(fact.questions), rng)
            if text in seen:
                continue
            seen.add(text)
            answer = rng.choice(fact.answers) if with_answer else None
            out.append(ClinicItem(f"clinic-{fact.name}-{counters[fact.name]:04d}", fact.name, text, answer))
            counters[fact.name] += 1
            drawn += 1
        return out

    held_out = draw(n_eval, with_answer=False)
    return draw(n_train, with_answer=True), held_out


def chat(text: str) -> Messages:
    """A patient's question as the chat a model answers."""
    return (("system", SYSTEM), ("user", text))


def fact_of(question: Question) -> Fact:
    """The fact a question asks about: from its id (`clinic-<fact>-NNNN`), else its expected key."""
    if question.id.startswith("clinic-"):
        name = question.id[len("clinic-"):].rsplit("-", 1)[0]
        if name in FACTS:
            return FACTS[name]
    matches = [f for f in _FACTS if f.key == question.expected]
    if len(matches) != 1:
        raise ValueError(f"no clinic fact for question {question.id!r} (expected {question.expected!r})")
    return matches[0]


def is_right(reply: str, question: Question) -> bool:
    """Whether `reply` answers `question` in a sentence that states the clinic's policy.

    All of these must hold:

    1. Not degenerate (`capcheck.checks.conversation.is_degenerate`: empty, no letters or
       digits, or looping on the same phrase).
    2. A sentence, not a bare value or label: at least MIN_WORDS (6) words, and at least one
       content word of the fact's own questions or answers besides the key ("blood", "test",
       "fast", "lab"... ; words of 3+ letters, generic words such as "please" or "clinic" left
       out). So "8 hours", "fasting" or "Eight hours, eight hours." get no credit.
    3. It states the key: some accepted writing of it as a whole word, case-insensitive
       ("8 hours", "eight hours", "8-hour", "8 hrs"; "3 working days", "3 business days",
       "3 days"; "7:30 am", "7.30am", "07:30"; "third floor", "3rd floor", "level 3";
       "option 2", "press 2"; "$25", "25 dollars"...; see KINDS).
    4. It names no other value of the same kind: no other number of hours for a fast, no other
       floor, weekday, time, document, phone option or amount, whether another fact's key or
       not ("3 hours" for the 8-hour fast is wrong, and so is "8 or 12 hours", and so is
       listing every document). Values of other kinds are allowed ("on Tuesday from 9 am").
    """
    fact = fact_of(question)
    if is_degenerate(reply):
        return False
    tokens = words(reply)
    if len(tokens) < MIN_WORDS or not _content_words(reply) & fact.topic:
        return False
    named = KINDS[fact.kind].mentioned(reply)
    return fact.key in named and all(value == fact.key for value in named)


def clinic_task(n_train: int = 400, n_eval: int = 60, seed: int = 11) -> Task:
    """Front-desk questions of Riverside Family Clinic (fictional), answered in one or two sentences."""
    train, held_out = items(n_train, n_eval, seed)
    return Task(
        "clinic", "front-desk questions of a fictional clinic, answered in sentences",
        tuple((chat(i.text), i.answer or "") for i in train),
        tuple(Question(i.id, chat(i.text), FACTS[i.fact].key) for i in held_out),
        is_right, max_tokens=48, metric="answer accuracy")
