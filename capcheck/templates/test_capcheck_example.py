"""Example capability suites written by `capcheck init`: replace these cases with your own.

capcheck runs every suite in this folder (and its own built-in suites) on your fine-tune and
compares each one, case by case, with the baseline of the base model you fine-tuned from:

    capcheck record --model path/to/base        # once; then commit baselines/
    capcheck gate --model path/to/finetune      # 0 pass, 1 regressed, 2 could not run

The cases below only show the four kinds of case. Replace them with cases from your own
domain: what the model did well before fine-tuning and must still do after it. Keep cases
the base model gets right (its recorded baseline shows each case's score): a case it
already fails cannot get worse.

Each suite needs many cases before its statistics can detect anything (capcheck's
docs/statistics.md). A pass/fail suite is called regressed only when at least 5 of its
cases got worse and none better (one-sided exact test at alpha 0.05: 0.5**5 = 0.031), more
when some also got better; so a suite of n cases cannot detect a drop smaller than 5/n:
0.25 with 20 cases, 0.05 with 100, 0.02 with 250. Aim for 100-300 cases per suite and a
tolerance of at least 5/n. With only the handful below, a single case that gets worse
makes a pass/fail suite "inconclusive", which fails the gate by default.

Suite names must be unique in a session (a suite's baseline is baselines/<model>/<name,
with / as -->.json): keep the "example/" prefix or choose your own, apart from the built-in
names (grammar/minimal-pairs, grammar/generation, reasoning, multi-turn, instructions, fluency).
"""
from capcheck import (
    CheckSpec,
    ChoiceCase,
    CompletionCase,
    ConversationCase,
    Decoding,
    PassageCase,
    Recall,
    Suite,
    Turn,
    suite_test,
    user,
)

check = CheckSpec.make  # check("name", **args): a check from capcheck.checks by name

# Choice: the options are scored as the assistant's reply; right when the answer scores
# highest. Keep options of similar length (or set per_token=True). Replace with questions
# from your domain that have one clearly right answer; 100+ of them.
choice = Suite(
    name="example/choice",
    cases=(
        ChoiceCase(
            id="general/capital-france",
            category="general",
            context=user("What is the capital of France?"),
            options=("The capital of France is Rome.", "The capital of France is Paris.", "The capital of France is Berlin."),
            answer=1,
        ),
        ChoiceCase(
            id="general/water-freezes",
            category="general",
            context=user("At what temperature does water freeze, in degrees Celsius?"),
            options=("Water freezes at 0 degrees Celsius.", "Water freezes at 50 degrees Celsius.", "Water freezes at 100 degrees Celsius."),
            answer=0,
        ),
        ChoiceCase(
            id="general/days-in-week",
            category="general",
            context=user("How many days are there in a week?"),
            options=("There are five days in a week.", "There are ten days in a week.", "There are seven days in a week."),
            answer=2,
        ),
        ChoiceCase(
            id="advice/gas-smell",
            category="advice",
            context=user("I can smell gas in my kitchen. What should I do first?"),
            options=(
                "Leave the house and call the gas company from outside.",
                "Light a candle so you can see where the smell comes from.",
                "Close all the windows and wait for the smell to go away.",
            ),
            answer=0,
        ),
        ChoiceCase(
            id="language/opposite-ancient",
            category="language",
            context=user("What is the opposite of the word 'ancient'?"),
            options=("The opposite of ancient is old.", "The opposite of ancient is modern.", "The opposite of ancient is tall."),
            answer=1,
        ),
    ),
    metric="accuracy",
    direction="higher",
    chance=1 / 3,  # three options each
    tolerance=0.03,
    description="example: picks the right answer among three (replace with your own cases)",
)

# Completion: the model writes a reply and every check must pass (`python -c "import
# capcheck.checks as c; print(c.names())"` lists them). `topic` (word stems) and `task`
# make a check fail off-topic or echoed replies. Replace with the instructions and
# formats your users rely on; 100+ of them.
completion = Suite(
    name="example/completion",
    cases=(
        CompletionCase(
            id="answer/largest-planet",
            category="answer",
            prompt=user("Which planet is the largest in our solar system? Answer in one word."),
            checks=(check("contains", value="Jupiter"),),
            expected="Jupiter",
        ),
        CompletionCase(
            id="answer/sum",
            category="answer",
            prompt=user("What is 15 + 27? Answer with just the number."),
            checks=(check("single_number", value=42),),
            expected="42",
        ),
        CompletionCase(
            id="format/sleep-bullets",
            category="format",
            prompt=user("Give three tips for sleeping better, as a bulleted list."),
            checks=(check("bullet_points", count=3, topic=["sleep", "bed", "night", "rest", "light", "caffeine", "screen", "routine", "dark"],
                          task="Give three tips for sleeping better, as a bulleted list."),),
            expected="exactly three bullet points about sleep",
        ),
        CompletionCase(
            id="format/recycling-short",
            category="format",
            prompt=user("In no more than 25 words, explain why people recycle."),
            checks=(check("word_count", max_words=25, topic=["recycl", "waste", "environment", "resource", "plastic", "planet", "reus", "landfill"],
                          task="In no more than 25 words, explain why people recycle."),),
            expected="at most 25 words about recycling",
        ),
        CompletionCase(
            id="format/json-capital",
            category="format",
            prompt=user('Reply with only a JSON object with the keys "city" and "country" for the capital of Japan.'),
            checks=(check("json_object", keys=["city", "country"]), check("contains", value="Tokyo")),
            expected='{"city": "Tokyo", "country": "Japan"}',
        ),
    ),
    metric="pass_rate",
    direction="higher",
    chance=0.0,  # an empty, looping or off-topic reply fails every check
    tolerance=0.05,
    decoding=Decoding(max_tokens=96),
    description="example: answers and follows the requested format (replace with your own cases)",
)

# Conversation: several user turns, the model's own replies fed back as history. The score
# is the share of turn checks and recall choices passed. Replace with the multi-turn
# behaviour your product needs (remembering details, corrections, keeping a format).
conversation = Suite(
    name="example/conversation",
    cases=(
        ConversationCase(
            id="recall/name",
            category="recall",
            turns=(
                Turn(user="Hi, my name is Lena and I live in Oslo."),
                Turn(user="Which season comes after winter?", checks=(check("conv_recall", value=["spring"]),), expected="spring"),
                Turn(
                    user="What is my name?",
                    checks=(check("conv_recall", value="Lena", others=["Anna", "Maria"]),),
                    expected="Lena",
                    recall=Recall(options=("Your name is Anna.", "Your name is Lena.", "Your name is Maria."), answer=1),
                ),
            ),
        ),
        ConversationCase(
            id="correction/appointment",
            category="correction",
            turns=(
                Turn(user="My dentist appointment is on Tuesday."),
                Turn(
                    user="Sorry, I got that wrong: it is on Thursday. Which day is my appointment?",
                    checks=(check("conv_new_not_old", new="Thursday", old="Tuesday"),),
                    expected="Thursday",
                    recall=Recall(options=("It is on Thursday.", "It is on Tuesday.", "It is on Monday."), answer=0),
                ),
            ),
        ),
        ConversationCase(
            id="format/one-word",
            category="format",
            turns=(
                Turn(
                    user="For the rest of this chat, answer every question with one word only. What colour is grass?",
                    checks=(check("conv_one_word", accept=["green"]),),
                    expected="Green",
                ),
                Turn(user="What do bees make?", checks=(check("conv_one_word", accept=["honey"]),), expected="Honey"),
            ),
        ),
        ConversationCase(
            id="total/apples",
            category="total",
            turns=(
                Turn(user="I bought 3 apples at the market this morning."),
                Turn(user="Then I bought 4 more apples. How many apples do I have now?", checks=(check("conv_total", value=7),), expected="7"),
            ),
        ),
    ),
    metric="turn_accuracy",
    direction="higher",
    chance=0.1,  # recall choices are 1 in 3; written answers are about 0 by guessing
    tolerance=0.05,
    decoding=Decoding(max_tokens=48),
    description="example: remembers facts and corrections across turns (replace with your own cases)",
)

# Passage: the mean per-token loss of a text (lower is better), the earliest sign that a
# fine-tune is forgetting ordinary language. Passages need a suite of their own. Replace
# with 50+ passages of the kind of text your model must keep reading and writing well.
passage = Suite(
    name="example/passage",
    cases=(
        PassageCase(
            id="everyday/market",
            category="everyday",
            text=(
                "Every Saturday morning the market square fills with stalls. Farmers arrive before sunrise "
                "with crates of apples, potatoes and fresh bread, and by eight o'clock the first customers are "
                "already comparing prices. Children wait by the cheese stall for a free sample, while their "
                "parents fill their bags with vegetables for the week. When the church bell rings at noon, the "
                "traders start to pack up, and an hour later the square is quiet again."
            ),
        ),
        PassageCase(
            id="science/water-cycle",
            category="science",
            text=(
                "Water on Earth moves in a constant cycle. The sun warms oceans, lakes and rivers, and some of "
                "the water turns into vapour and rises into the air. As the vapour climbs, it cools and forms "
                "tiny droplets that gather into clouds. When the droplets grow heavy enough, they fall as rain "
                "or snow. The water then flows back into rivers and seas or soaks into the ground, and the "
                "cycle begins again."
            ),
        ),
        PassageCase(
            id="howto/bread",
            category="howto",
            text=(
                "To bake a simple loaf of bread, mix flour, water, yeast and a pinch of salt in a large bowl. "
                "Knead the dough on a floured table for about ten minutes, until it feels smooth and springs "
                "back when you press it. Cover the bowl with a clean towel and leave it somewhere warm for an "
                "hour, until the dough has doubled in size. Shape it into a loaf, bake it in a hot oven for "
                "half an hour, and let it cool before you cut it."
            ),
        ),
        PassageCase(
            id="letter/street-party",
            category="letter",
            text=(
                "Dear neighbours, we are planning a small street party on the last Sunday of June, from two "
                "o'clock until early evening. The council has agreed to close the road to traffic for the "
                "afternoon. Please bring a dish to share, a folding chair if you have one, and any games the "
                "children might enjoy. If you would like to help set up the tables, come along at one o'clock. "
                "We hope to see you there. Best wishes, the residents' committee."
            ),
        ),
    ),
    metric="mean_loss",
    direction="lower",
    tolerance=0.05,  # nats per token, about 5% perplexity
    description="example: per-token loss on plain English passages, lower is better (replace with your own)",
)

test_choice = suite_test(choice)
test_completion = suite_test(completion)
test_conversation = suite_test(conversation)
test_passage = suite_test(passage)
