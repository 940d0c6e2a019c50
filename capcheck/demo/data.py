"""The demo's data, written for this project: a narrow support-ticket task and general chat.

Tickets are built from templates and word lists with a fixed seed, so every run (and
every machine) gets the same examples with the same ids. The general chat examples are
hand-written, and the REPLAY prompts are answered by the base model itself; both are mixed
into the narrow set by the gentlest recipe so the model keeps conversing and following
instructions as before.
"""
from __future__ import annotations

import random
from dataclasses import dataclass

from capcheck.requests import Role

LABELS = ("billing", "delivery", "login", "refund", "technical", "cancel")

SYSTEM = (
    "You sort customer-support tickets. Reply with exactly one label: "
    + ", ".join(LABELS) + "."
)

_PRODUCTS = ["blender", "desk lamp", "phone case", "backpack", "coffee grinder", "keyboard",
             "yoga mat", "water bottle", "headphones", "air fryer", "monitor stand", "rain jacket"]
_CITIES = ["Leeds", "Porto", "Austin", "Lyon", "Osaka", "Denver", "Cork", "Perth"]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
_DEVICES = ["my phone", "the Android app", "the iPhone app", "my laptop", "the website", "my tablet"]
_OPENERS = ["", "Hi, ", "Hello, ", "Hey team, ", "Good morning, ", "Urgent: "]
_CLOSERS = ["", " Thanks.", " Please help.", " Can you sort this out?", " Thank you in advance.",
            " This is really frustrating."]

# Several phrasings per label, so the task is learned from meaning, not one sentence.
_TEMPLATES: dict[str, list[str]] = {
    "billing": [
        "I was charged twice for order {order}.",
        "my card statement shows {amount} dollars but the {product} cost less.",
        "why did my subscription price go up this month?",
        "the invoice for order {order} has the wrong company name.",
        "I see a charge of {amount} dollars I do not recognise.",
        "can I change the card you bill every month?",
        "your tax on my last invoice looks wrong.",
    ],
    "delivery": [
        "my {product} was supposed to arrive on {day} and it still has not come.",
        "the tracking for order {order} has not moved in a week.",
        "the courier left my parcel at the wrong address in {city}.",
        "can you ship order {order} to {city} instead?",
        "the box arrived crushed and the {product} is missing.",
        "how long does shipping to {city} usually take?",
        "my parcel says delivered but nothing is at my door.",
    ],
    "login": [
        "I cannot sign in on {device}, it says my password is wrong.",
        "the reset password email never arrives.",
        "my account is locked after too many attempts.",
        "the two-factor code is rejected every time on {device}.",
        "I forgot which email I used to sign up.",
        "I get logged out of {device} every few minutes.",
        "how do I change the email I log in with?",
    ],
    "refund": [
        "I returned the {product} two weeks ago and have not got my money back.",
        "I want my money back for order {order}, the {product} broke.",
        "when will the refund of {amount} dollars reach my card?",
        "you promised a refund for the late {product} but nothing came.",
        "can I get a refund instead of store credit for order {order}?",
        "the refund I received is {amount} dollars short.",
        "please refund the {product}, it is not what I ordered.",
    ],
    "technical": [
        "the {product} app crashes as soon as I open it on {device}.",
        "the page freezes when I press checkout on {device}.",
        "pictures do not load on the website since {day}.",
        "I get error code {code} when I try to save my cart.",
        "the search bar returns nothing, even for {product}.",
        "notifications stopped working on {device}.",
        "the app shows a blank white screen after the update.",
    ],
    "cancel": [
        "please cancel my subscription before the next payment.",
        "I want to close my account for good.",
        "cancel order {order}, I ordered the {product} by mistake.",
        "how do I stop the monthly box from coming?",
        "I no longer need the {product}, cancel the order before it ships.",
        "end my membership at the end of this month.",
        "stop my plan, I am moving to {city}.",
    ],
}


@dataclass(frozen=True)
class Ticket:
    """One labelled support ticket."""

    id: str
    text: str
    label: str


@dataclass(frozen=True)
class ChatExample:
    """One general chat exchange (user question, assistant answer)."""

    id: str
    prompt: str
    reply: str


def _fill(template: str, rng: random.Random) -> str:
    return template.format(
        order=f"#{rng.randint(10000, 99999)}", amount=rng.choice([12, 19, 25, 40, 59, 85, 120]),
        product=rng.choice(_PRODUCTS), city=rng.choice(_CITIES), day=rng.choice(_DAYS),
        device=rng.choice(_DEVICES), code=rng.choice(["E101", "503", "X-22", "4040"]),
    )


def _ticket_text(template: str, rng: random.Random) -> str:
    body = _fill(template, rng)
    opener = rng.choice(_OPENERS)
    text = opener + (body if opener else body[0].upper() + body[1:]) + rng.choice(_CLOSERS)
    return text


def tickets(n_train: int = 400, n_eval: int = 60, seed: int = 8) -> tuple[list[Ticket], list[Ticket]]:
    """The training and held-out tickets: balanced over labels, no text in both.

    Ids (`billing-0007`) are stable for a given seed and sizes.
    """
    rng = random.Random(seed)
    seen: set[str] = set()
    counters = {label: 0 for label in LABELS}

    def draw(n: int) -> list[Ticket]:
        out: list[Ticket] = []
        while len(out) < n:
            label = LABELS[len(out) % len(LABELS)]
            text = _ticket_text(rng.choice(_TEMPLATES[label]), rng)
            if text in seen:
                continue
            seen.add(text)
            out.append(Ticket(f"{label}-{counters[label]:04d}", text, label))
            counters[label] += 1
        return out

    # The held-out set is drawn first so its ids and texts do not depend on n_train.
    held_out = draw(n_eval)
    return draw(n_train), held_out


def parse_label(reply: str) -> str | None:
    """The label a reply commits to: its first word, when that is a label."""
    words = reply.strip().lower().replace(".", " ").replace(":", " ").replace("*", " ").split()
    return words[0] if words and words[0] in LABELS else None


# Hand-written for the project: ordinary questions with plain, helpful answers.
_CHAT: list[tuple[str, str]] = [
    ("What is a good way to start learning to cook?",
     "Start with a few simple dishes you like, such as an omelette, a pasta sauce and a stir fry. "
     "Cook each one several times until it feels easy, then change one ingredient at a time."),
    ("Why do leaves change colour in autumn?",
     "As days get shorter, trees stop making chlorophyll, the green pigment. When it fades, yellow "
     "and orange pigments that were there all along become visible, and some trees also make red ones."),
    ("Can you give me three tips for sleeping better?",
     "1. Go to bed and get up at the same time every day.\n2. Keep your bedroom dark, quiet and cool.\n"
     "3. Avoid screens and caffeine in the hour before bed."),
    ("Write a short, friendly message inviting a neighbour to a barbecue.",
     "Hi! We are having a small barbecue in our garden on Saturday from four o'clock. "
     "It would be lovely if you could join us. No need to bring anything, just come hungry!"),
    ("What is the difference between weather and climate?",
     "Weather is what the air is doing on a given day: rain, sun, wind or snow. Climate is the "
     "typical pattern of weather in a place over many years."),
    ("How does a bicycle stay upright when it moves?",
     "Mostly through steering. When a moving bike starts to lean, the rider and the shape of the "
     "front fork turn the wheel into the lean, which brings the wheels back under the bike."),
    ("Explain photosynthesis in two sentences.",
     "Plants use the energy of sunlight to turn water and carbon dioxide into sugar. Oxygen is "
     "released as a by-product, which is the oxygen we breathe."),
    ("I have an hour free this evening. What could I do?",
     "You could take a walk outside, read a few chapters of a book, call a friend you have not spoken "
     "to in a while, or cook something new for dinner."),
    ("What does a librarian do?",
     "A librarian helps people find books and information. They organise the collection, answer "
     "questions, run reading groups and teach people how to search for reliable sources."),
    ("Summarise the story of Little Red Riding Hood in one sentence.",
     "A girl taking food to her grandmother is tricked by a wolf who eats the grandmother and "
     "waits in her bed, until a woodcutter comes and saves them."),
    ("Why is the sea salty?",
     "Rain slowly wears down rocks on land and carries tiny amounts of salt and minerals into rivers. "
     "Rivers bring them to the sea, and when sea water evaporates the salt stays behind."),
    ("How many minutes are there in three hours?",
     "There are 180 minutes in three hours, because each hour has 60 minutes."),
    ("Give me a simple recipe for a green salad.",
     "Wash and dry some lettuce, slice a cucumber and a few tomatoes, and put them in a bowl. "
     "Mix three spoons of olive oil with one spoon of lemon juice and a pinch of salt, and pour it over."),
    ("What should I pack for a day of hiking?",
     "Bring water, a snack, a light rain jacket, sun cream, a map or charged phone, and comfortable "
     "shoes. A small first aid kit is also a good idea."),
    ("Is it better to study in the morning or at night?",
     "It depends on the person. Many people focus best in the morning, but the most important thing "
     "is to study at a regular time when you are rested and not distracted."),
    ("Describe a cat to someone who has never seen one.",
     "A cat is a small furry animal with four legs, a long tail, pointed ears and whiskers. "
     "It moves quietly, likes to sleep in warm places and often purrs when it is happy."),
    ("What is the capital of France?",
     "The capital of France is Paris."),
    ("Can you help me write a polite way to decline a meeting?",
     "Of course. You could write: \"Thank you for the invitation. Unfortunately I am not able to "
     "attend this meeting, but please send me the notes and I will follow up.\""),
    ("Why do we have seasons?",
     "The Earth is tilted on its axis. As it travels around the Sun, each half of the planet leans "
     "towards the Sun for part of the year, getting more direct light and longer days."),
    ("Tell me a fun fact about octopuses.",
     "An octopus has three hearts and blue blood. Two hearts pump blood through the gills and the "
     "third pumps it through the rest of the body."),
    ("What is 15 plus 27?",
     "15 plus 27 is 42."),
    ("How can I make my small room feel bigger?",
     "Use light colours on the walls, add a mirror opposite the window, keep the floor clear and "
     "choose furniture with legs so you can see under it."),
    ("Write two sentences about the ocean.",
     "The ocean covers most of our planet and holds more life than we have ever counted. "
     "Its waves, tides and currents shape coasts and weather all around the world."),
    ("What are the primary colours of paint?",
     "The traditional primary colours of paint are red, yellow and blue. Mixing them gives the "
     "other colours, such as green, orange and purple."),
    ("How do I politely ask my neighbour to turn their music down?",
     "Knock at a reasonable time and keep it friendly: \"Hi, sorry to bother you. The music is quite "
     "loud in our flat tonight. Would you mind turning it down a little?\""),
    ("Which is heavier, a kilogram of feathers or a kilogram of iron?",
     "They weigh the same. Both are one kilogram; the feathers just take up much more space."),
    ("Give me a name idea for a small bakery.",
     "How about \"The Morning Loaf\"? It sounds warm and friendly and suggests fresh bread every day."),
    ("What is the main job of the heart?",
     "The heart pumps blood around the body. The blood carries oxygen and nutrients to the organs "
     "and takes waste away."),
    ("How do I remember people's names better?",
     "Repeat the name when you are introduced, use it once or twice in the conversation, and link "
     "it in your mind to something about the person."),
    ("Tell me a short story about a lost dog that finds its way home.",
     "Max slipped his lead in the park and ran after a squirrel until nothing looked familiar. "
     "At dusk he followed the smell of fresh bread to the bakery on his street, and from there "
     "he trotted home, where his family was waiting at the gate."),
    ("What is a verb?",
     "A verb is a word that describes an action, a state or an event, such as run, be or happen."),
    ("Should I water my plants every day?",
     "Usually not. Most houseplants prefer to dry out a little between waterings. Check the soil "
     "with your finger and water when the top few centimetres feel dry."),
]


def chat_examples() -> list[ChatExample]:
    """The general chat examples used for data mixing."""
    return [ChatExample(f"chat-{i:03d}", prompt, reply) for i, (prompt, reply) in enumerate(_CHAT)]


# Self-replay prompts, written for the demo: ordinary requests, requests with a format to
# keep and short conversations. The replay recipe trains on the base model's own greedy
# replies to them (generated at the start of training), so it practises keeping what the
# base model did, not what anyone wrote. None of them is a suite item.
_Turns = tuple[tuple[Role, str], ...]
_REPLAY_ITEMS: list[str | _Turns] = [
    "How do bees make honey?",
    "What should I pack for a weekend of hiking?",
    "Explain in two sentences why bread rises.",
    "Give me a tip for learning to play chess.",
    "Why is the sea salty?",
    "Describe a quiet library in three sentences.",
    "What is the difference between a lake and a pond?",
    "Suggest a name for a small bakery.",
    "How can I keep a houseplant alive while I am on holiday?",
    "Write two sentences about autumn in a city park.",
    "Name three instruments in an orchestra, as a numbered list.",
    "List four vegetables that grow well in a cold climate, one per line with a dash.",
    "Answer in one word: what colour is a ripe banana?",
    "Answer with yes or no: is the sun a star?",
    "Reply in capital letters only: wish me luck for my exam.",
    "Write a sentence about trains using only lowercase letters.",
    "Describe a thunderstorm in fewer than twenty words.",
    "Give a JSON object with the keys \"city\" and \"country\" for the capital of Italy.",
    "Write a short greeting for a birthday card and end it with the words \"see you soon\".",
    "Explain what a bridge does, without using any commas.",
    "What is 15 plus 27?",
    "If a shop opens at 9 and closes at 5, how many hours is it open?",
    "Tom is taller than Sam, and Sam is taller than Ben. Who is the shortest?",
    "What comes next: 3, 6, 9, 12, ...?",
    "Rewrite this sentence correctly: \"the dogs runs fast in the park\".",
    "Summarise in one sentence why people enjoy music.",
    (("user", "My cat is called Pepper. Remember that, please."),
     ("assistant", "Of course! Your cat is called Pepper."),
     ("user", "What is my cat's name?")),
    (("user", "I live in Bergen and I love rainy days."),
     ("assistant", "Bergen is known for its rain, so you are in the right place!"),
     ("user", "Which city do I live in? Answer with the city only.")),
    (("user", "From now on, answer every question with a single word."),
     ("assistant", "Understood."),
     ("user", "What animal barks?")),
    (("user", "I have 4 apples."),
     ("assistant", "Okay, you have 4 apples."),
     ("user", "I buy 3 more. How many apples do I have now?")),
    (("user", "My favourite colour is green."),
     ("assistant", "Green is a lovely colour."),
     ("user", "Sorry, I meant blue. What is my favourite colour?")),
    (("user", "Please answer in capital letters from now on."),
     ("assistant", "OKAY, I WILL."),
     ("user", "What do cows drink?")),
]
REPLAY: tuple[_Turns, ...] = tuple((("user", item),) if isinstance(item, str) else item for item in _REPLAY_ITEMS)


# Asked of every model in the demo to show, in words, whether it still converses.
PROBES = (
    "What are two good habits for staying healthy?",
    "Write one sentence about the moon.",
)
