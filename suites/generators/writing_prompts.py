"""Grammar-in-generation suite: open prompts that ask for two to four sentences of prose.

Each reply is scored by the `writing_quality` check (harper lint errors per 100 words;
0 for empty, looping, truncated or off-topic replies). Four categories: describe,
explain, retell and advice. Subjects, situations and stories were written for capcheck;
the wording of each request is drawn from a few templates with a fixed seed.

    python suites/generators/writing_prompts.py   # writes suites/data/grammar_generation.jsonl
"""
from __future__ import annotations

import json
import random
import re
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parents[1] / "data" / "grammar_generation.jsonl"
SEED = 20240611

# (slug, subject, topic stems: at least one must start a word of the reply)
DESCRIBE: list[tuple[str, str, list[str]]] = [
    ("train-station", "a busy train station in the morning", ["station", "train", "platform"]),
    ("lighthouse", "an old lighthouse on a rocky coast", ["lighthouse"]),
    ("farmers-market", "a farmers market on a Saturday morning", ["market", "stall"]),
    ("library", "a quiet library on a winter afternoon", ["library", "book"]),
    ("bread-kitchen", "a kitchen where someone is baking bread", ["kitchen", "bread", "bak", "oven"]),
    ("thunderstorm", "a thunderstorm over a small town", ["storm", "thunder", "rain", "lightning"]),
    ("early-beach", "a beach early in the morning", ["beach", "sand", "sea", "wave", "shore"]),
    ("autumn-forest", "a forest in autumn", ["forest", "tree", "leaf", "leaves", "autumn"]),
    ("birthday-party", "a child's birthday party", ["birthday", "party", "cake"]),
    ("city-night", "a crowded city street at night", ["street", "city", "night"]),
    ("fishing-village", "a small fishing village", ["village", "fish", "boat", "harbo"]),
    ("snowy-mountain", "a snowy mountain on a clear day", ["mountain", "snow", "peak"]),
    ("old-bicycle", "an old bicycle that has been ridden for many years", ["bicycle", "bike"]),
    ("playground", "a school playground at break time", ["playground", "children", "school"]),
    ("spring-garden", "a garden in spring", ["garden", "flower", "spring"]),
    ("hot-chocolate", "a cup of hot chocolate on a cold day", ["chocolate", "cup", "mug"]),
    ("waiting-room", "a hospital waiting room", ["hospital", "waiting", "patient"]),
    ("football-match", "a football match in a full stadium", ["football", "match", "stadium", "crowd"]),
    ("desert-sunset", "a desert at sunset", ["desert", "sand", "sun"]),
    ("airport", "an airport departure lounge", ["airport", "flight", "plane", "lounge", "passenger"]),
    ("river-valley", "a river flowing through a green valley", ["river", "valley", "water"]),
    ("sleeping-cat", "a cat sleeping in a patch of sunlight", ["cat"]),
    ("restaurant-kitchen", "a busy restaurant kitchen during dinner", ["kitchen", "restaurant", "chef", "cook"]),
    ("village-bakery", "a village bakery early in the morning", ["bakery", "bread", "bak"]),
    ("rainy-afternoon", "a rainy afternoon at home", ["rain", "home", "window"]),
    ("museum", "a museum room full of old paintings", ["museum", "painting", "art"]),
    ("swimming-pool", "a public swimming pool on a hot summer day", ["pool", "swim", "water"]),
    ("country-road", "a quiet country road in the evening", ["road", "field", "country"]),
    ("night-sky", "a night sky full of stars", ["star", "sky", "night"]),
]

EXPLAIN: list[tuple[str, str, list[str]]] = [
    ("leaves-colour", "why leaves change colour in autumn", ["leaves", "leaf", "autumn", "fall", "colo", "chlorophyll"]),
    ("bicycle-balance", "how a bicycle stays upright when it is moving", ["bicycle", "bike", "balance", "wheel"]),
    ("need-sleep", "why people need to sleep", ["sleep"]),
    ("salty-sea", "why the sea is salty", ["salt", "sea", "ocean"]),
    ("fridge", "how a refrigerator keeps food cold", ["fridge", "refrigerator", "cold", "cool"]),
    ("wash-hands", "why people should wash their hands before eating", ["hand", "wash", "germ"]),
    ("honey", "how bees make honey", ["bee", "honey", "nectar"]),
    ("ice-melts", "why ice melts when it is left in the sun", ["ice", "melt", "heat", "sun"]),
    ("seed-grows", "how a plant grows from a seed", ["seed", "plant", "grow", "root"]),
    ("recycling", "why recycling is important", ["recycl"]),
    ("rainbow", "how a rainbow forms", ["rainbow"]),
    ("exercise", "why regular exercise is good for your health", ["exercise", "health", "body"]),
    ("stale-bread", "why bread goes stale after a few days", ["bread", "stale"]),
    ("letter-delivery", "how a letter travels from the sender to the person who receives it", ["letter", "post", "mail", "deliver"]),
    ("moon-shape", "why the Moon seems to change shape during the month", ["moon", "phase"]),
    ("day-night", "why we have day and night", ["day", "night", "earth", "rotat", "spin", "sun"]),
    ("thermometer", "how a thermometer measures temperature", ["thermometer", "temperature"]),
    ("hibernation", "why some animals sleep through the winter", ["hibernat", "winter", "animal", "sleep"]),
    ("vaccine", "how a vaccine protects people from disease", ["vaccin", "immun"]),
    ("drink-water", "why drinking enough water is important", ["water", "drink", "hydrat"]),
    ("money", "why people use money instead of swapping goods", ["money", "trad", "barter", "goods", "swap"]),
    ("compass", "how a compass helps people find their way", ["compass", "north", "direction"]),
    ("bird-migration", "why many birds fly to warmer places in winter", ["bird", "migrat", "south", "winter", "warm"]),
    ("soap", "how soap cleans dirty hands", ["soap", "dirt", "clean"]),
    ("blue-sky", "why the sky is blue on a clear day", ["sky", "blue", "light"]),
    ("smoke-alarm", "how a smoke alarm keeps a home safe", ["smoke", "alarm", "fire"]),
    ("city-trees", "why trees are important in cities", ["tree"]),
    ("calendar", "what a calendar is used for", ["calendar", "date", "day"]),
    ("umbrella", "how an umbrella keeps you dry", ["umbrella", "rain", "dry"]),
]

ADVICE: list[tuple[str, str, list[str]]] = [
    ("job-interview", "I have my first job interview next week and I feel nervous.", ["interview"]),
    ("start-running", "I want to start running, but I get tired very quickly.", ["run", "pace", "walk", "slow"]),
    ("forget-plants", "I keep forgetting to water my plants.", ["plant", "water"]),
    ("loud-neighbour", "My neighbour plays loud music late at night.", ["neighbo", "music", "noise", "talk"]),
    ("save-holiday", "I want to save money for a holiday next summer.", ["sav", "money", "budget", "spend"]),
    ("fall-asleep", "I find it hard to fall asleep at night.", ["sleep", "bed"]),
    ("new-city", "I am moving to a new city where I don't know anyone.", ["friend", "people", "city", "club", "meet"]),
    ("homework", "I have too much homework and not enough time.", ["homework", "time", "plan", "task", "schedul"]),
    ("learn-cook", "I want to learn to cook simple meals for myself.", ["cook", "recipe", "meal"]),
    ("phone-time", "I spend too much time on my phone every evening.", ["phone", "screen", "time"]),
    ("upset-friend", "My best friend seems upset with me, and I don't know why.", ["friend", "talk", "ask"]),
    ("finish-books", "I want to read more books, but I never finish them.", ["book", "read"]),
    ("wedding-speech", "I have to give a short speech at my sister's wedding.", ["speech", "practi", "wedding"]),
    ("bike-theft", "I am worried that my new bicycle will be stolen.", ["lock", "bicycle", "bike"]),
    ("exam-nerves", "I get very nervous before exams.", ["exam", "study", "breath", "nerv"]),
    ("vegetable-garden", "I want to start a small vegetable garden.", ["garden", "vegetable", "plant", "soil", "seed"]),
    ("first-camping", "I am going camping for the first time next month.", ["camp", "tent"]),
    ("messy-room", "My room is always messy, no matter how often I tidy it.", ["room", "tidy", "clean", "mess"]),
    ("eat-healthily", "I want to eat more healthily.", ["eat", "food", "vegetable", "fruit", "health", "meal"]),
    ("late-work", "I keep arriving late to work in the morning.", ["late", "time", "alarm", "early", "leav"]),
    ("new-language", "I want to learn a new language in my free time.", ["language", "practi", "word", "learn"]),
    ("adopt-dog", "I am adopting a dog for the first time.", ["dog", "walk", "train", "pet"]),
    ("long-flight", "I have a long flight next month, and I'm worried about being bored.", ["flight", "book", "film", "movie", "music", "sleep"]),
    ("less-coffee", "I drink too much coffee and want to cut down.", ["coffee", "caffeine", "tea", "water"]),
    ("lonely-grandmother", "My grandmother feels lonely since she moved into a small flat.", ["grandm", "visit", "call", "her"]),
    ("new-job", "I am starting a new job on Monday.", ["job", "colleague", "work", "question"]),
    ("nail-biting", "I want to stop biting my nails.", ["nail"]),
    ("present", "I need to buy a birthday present for a friend who seems to have everything.", ["gift", "present", "friend"]),
    ("plants-holiday", "I am going away for two weeks and worry that my houseplants will die.", ["plant", "water", "neighbo", "friend"]),
]

# (slug, story, topic stems): the reply should retell the story, naming its person or thing.
RETELL: list[tuple[str, str, list[str]]] = [
    ("lost-kite", "On a windy afternoon, Noah flew his new red kite in the park. The string snapped, and the kite "
     "drifted over the trees and out of sight. That evening, a neighbour knocked on the door holding the kite, "
     "which had landed in her garden.", ["noah", "kite"]),
    ("burnt-cake", "Elena wanted to surprise her father with a chocolate cake for his birthday. She forgot to set "
     "a timer, and the cake came out of the oven black on top. Her father laughed, scraped off the burnt part and "
     "said it was the best cake he had ever eaten.", ["elena", "cake"]),
    ("missed-bus", "Omar ran to the bus stop but watched his bus pull away without him. Annoyed, he decided to walk "
     "to school instead. On the way, he found a wallet on the pavement and handed it in at the police station, "
     "where its grateful owner was already waiting.", ["omar", "wallet", "bus"]),
    ("garden-tortoise", "Mrs Finch's old tortoise, Pebble, disappeared from the garden one morning. The whole street "
     "searched for him all day. Just before dark, a little boy found Pebble asleep under a pile of leaves beside the "
     "shed, only a few steps from where he had started.", ["pebble", "tortoise", "finch"]),
    ("first-swim", "Rosa was afraid of deep water, so she always stayed at the shallow end of the pool. One summer, "
     "her older cousin taught her to float on her back. By the end of August, Rosa swam the whole length of the pool "
     "while her family cheered.", ["rosa", "swim", "pool"]),
    ("rain-concert", "The village planned an outdoor concert in the square, but heavy rain began just as the band "
     "started to play. Instead of leaving, the audience crowded into the old church next door. The band played there "
     "by candlelight, and people said it was the best concert the village had ever had.", ["concert", "band", "rain", "church"]),
    ("wrong-suitcase", "After a long flight, Hugo picked up a black suitcase from the belt and took a taxi to his "
     "hotel. When he opened it, he found a wedding dress instead of his clothes. He rushed back to the airport and "
     "met a worried bride who was holding his suitcase.", ["hugo", "suitcase", "bride", "dress"]),
    ("stray-kitten", "On her way home from work, Mei heard a tiny cry coming from a drainpipe. She found a wet, "
     "shivering kitten stuck inside and gently pulled it out. She only meant to keep it for one night, but three "
     "years later, the cat still sleeps on her bed.", ["mei", "kitten", "cat"]),
    ("spelling-bee", "Jonah practised spelling difficult words every night for a month before the school competition. "
     "In the final round, he was given a word he had never seen before. He took a deep breath, spelled it slowly and "
     "got it right, winning first prize.", ["jonah", "spell", "competition", "word"]),
    ("broken-violin", "The night before her concert, Ayla dropped her violin and cracked its neck. Her teacher lent "
     "her an old violin that had belonged to his grandmother. Ayla played it on stage the next evening, and afterwards "
     "her teacher told her it had not sounded so beautiful in fifty years.", ["ayla", "violin"]),
    ("snowed-in", "A sudden snowstorm trapped the Bennett family in their cabin for three days. With no television "
     "or internet, they played board games, told stories and cooked together. When the road was finally cleared, the "
     "children asked if they could stay longer.", ["bennett", "family", "cabin", "snow"]),
    ("lost-ring", "While washing dishes, Grandpa Leo lost his wedding ring down the kitchen sink. His granddaughter "
     "Tess borrowed a torch and a wrench, opened the pipe under the sink and found the ring caught in the bend. Leo "
     "was so happy that he took her out for ice cream.", ["leo", "tess", "ring"]),
    ("marathon", "Priya had never run more than five kilometres, but she signed up for a marathon to raise money for "
     "the local hospital. She trained for six months, through rain and cold mornings. On the day of the race, she "
     "crossed the finish line after almost five hours, tired but proud.", ["priya", "marathon", "race", "run"]),
    ("wrong-house", "Daniel arrived at a party with a bag of snacks and walked straight into the living room. Everyone "
     "stared at him, and he slowly realised that he did not know a single person there. He had come to the wrong "
     "house, but the family laughed and invited him to stay for dinner.", ["daniel", "party", "house"]),
    ("apple-tree", "When she was six, Lily planted an apple seed in her grandmother's garden. For years, the little "
     "tree produced only leaves. The summer Lily turned sixteen, it was covered in apples, and she and her grandmother "
     "baked pies for the whole street.", ["lily", "apple", "tree"]),
    ("power-cut", "During a power cut, the Okoro family could not cook the dinner they had planned. They lit candles, "
     "made sandwiches and ate them on the living room floor. The children enjoyed it so much that they asked for a "
     "candlelit picnic every Friday after that.", ["okoro", "family", "power", "candle"]),
    ("found-letter", "While repairing the floor of his old house, Marco found a letter hidden under the boards. It "
     "had been written by a soldier to his mother almost a hundred years earlier. Marco tracked down the soldier's "
     "great-granddaughter and gave her the letter.", ["marco", "letter", "soldier"]),
    ("seagull", "Sam sat on the harbour wall to eat his fish and chips. As he turned to look at a passing boat, a "
     "seagull swooped down and snatched his whole piece of fish. An old fisherman watching nearby laughed and bought "
     "him a new portion.", ["sam", "seagull", "fish", "gull"]),
    ("chess-grandfather", "Every Sunday, Alma played chess with her grandfather and lost every game. She read books "
     "about chess and practised at school during lunch. After two years, she finally won, and her grandfather was so "
     "proud that he framed the score sheet.", ["alma", "chess", "grand"]),
    ("painted-fence", "Mr Ito painted his garden fence bright yellow, and his neighbours complained that it was too "
     "loud. A week later, children from the school down the road asked if they could paint flowers on it. Soon the "
     "fence became the most photographed spot in the town.", ["ito", "fence", "paint"]),
    ("lost-in-market", "Little Karim let go of his mother's hand in a crowded market and could not find her. He "
     "remembered her advice to stay in one place and ask someone in a uniform for help. A market guard announced his "
     "name over a loudspeaker, and his mother arrived a few minutes later.", ["karim", "market", "mother"]),
    ("bread-mistake", "Hannah tried to bake bread for the first time, but she used salt instead of sugar. The loaf "
     "rose beautifully but tasted terrible. She laughed, threw it to the birds in the park and started again, and "
     "the second loaf was delicious.", ["hannah", "bread", "loaf", "bak"]),
    ("old-camera", "At a flea market, Felix bought an old camera for two euros. Inside, he found a roll of film that "
     "had never been developed. The photographs showed a wedding from the 1970s, and after posting them online, he "
     "found the couple, who were still happily married.", ["felix", "camera", "photo", "film"]),
    ("school-play", "Nina was given the smallest part in the school play, a tree with one line. On the opening night, "
     "the lead actor fell ill, and Nina, who had learned every line by heart, took his place. The audience never "
     "guessed that she had not rehearsed the part.", ["nina", "play"]),
    ("lost-dog-rain", "During a storm, the Walsh family's dog, Biscuit, ran away from the garden. They searched the "
     "streets until midnight without success. The next morning, Biscuit was sitting on the doorstep, muddy and wet, "
     "with a stranger's glove in her mouth.", ["biscuit", "dog", "walsh"]),
    ("train-stranger", "On a long train journey, Clara sat next to an old man who was reading her favourite book. "
     "They talked about it for hours and discovered that he had known the author as a young man. When they arrived, "
     "he gave her the book as a gift.", ["clara", "book", "train"]),
    ("fixing-bike", "Eli's bicycle had a flat tyre on the morning of the school trip. His elderly neighbour, who had "
     "once repaired bikes for a living, came out with a toolbox and fixed it in ten minutes. Eli made it to school "
     "just as the coach was leaving.", ["eli", "bicycle", "bike", "tyre", "tire"]),
    ("cookie-sale", "To raise money for a new school library, Zara and her friends baked cookies and sold them "
     "outside the supermarket. On the first day, they sold only ten. The next weekend, a local newspaper wrote about "
     "them, and they sold out in an hour.", ["zara", "cookie", "librar"]),
]

_TEMPLATES = {
    "describe": [
        "Describe {x} in two or three sentences.",
        "Write two or three sentences describing {x}.",
        "In three or four sentences, describe {x}.",
        "Write a short description of {x}. Use two to four sentences.",
    ],
    "explain": [
        "Explain {x} in two or three sentences.",
        "In simple words and in two to four sentences, explain {x}.",
        "Can you explain {x}? Please answer in two or three sentences.",
    ],
    "retell": [
        "Here is a short story:\n\n{x}\n\nRetell it in your own words in two or three sentences.",
        "Read this story and retell it in two to four sentences, using your own words.\n\n{x}",
        "{x}\n\nRetell this story briefly, in two or three sentences.",
    ],
    "advice": [
        "{x} What advice would you give me? Please answer in two to four sentences.",
        "{x} Can you give me some advice in two or three sentences?",
        "Give me some advice in two to four sentences. {x}",
    ],
}
_SOURCES = {"describe": DESCRIBE, "explain": EXPLAIN, "retell": RETELL, "advice": ADVICE}
_EXPECTED = {
    "describe": "two to four well-formed sentences describing {x}",
    "explain": "two to four well-formed sentences explaining {x}",
    "retell": "two to four well-formed sentences retelling the story",
    "advice": "two to four well-formed sentences of advice",
}


def generate() -> list[dict[str, Any]]:
    """The completion cases, category by category; request wording drawn with a fixed seed."""
    rng = random.Random(SEED)
    cases = []
    for category in ("describe", "explain", "retell", "advice"):
        for number, (slug, subject, topic) in enumerate(_SOURCES[category], start=1):
            template = rng.choice(_TEMPLATES[category])
            cases.append({
                "id": f"{category}/{slug}-{number:03d}",
                "kind": "completion",
                "category": category,
                "prompt": [{"role": "user", "content": template.format(x=subject)}],
                "check": [{"name": "writing_quality", "args": {"topic": topic}}],
                "expected": _EXPECTED[category].format(x=re.sub(r"\s+", " ", subject)),
            })
    return cases


def main() -> None:
    lines = [json.dumps(case, ensure_ascii=False, sort_keys=True) for case in generate()]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(lines)} cases to {OUT}")


if __name__ == "__main__":
    main()
