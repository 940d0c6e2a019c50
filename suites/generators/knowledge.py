"""Generate the knowledge suite: short questions of stable world knowledge, one right answer each.

What it measures: whether a fine-tune wiped out facts the base model knew. Seven domains
(the case `category`): geography, science, history, everyday, units, literature-language
and how-things-work. Each domain has three difficulty tiers (the case field `tier`):

- `common`: nearly every adult knows it (the capital of France, the legs of a spider);
- `school`: taught in secondary school (the symbol of sodium, the author of Hamlet);
- `specialist`: an educated specialist or quiz enthusiast knows it (the capital of
  Burkina Faso, the element with atomic number 74), so larger models keep headroom.

Every fact was written by hand for this project (no benchmark items) and is stable:
nothing here changes with the year (no populations, office holders, records or rankings).
Each (domain, tier) holds 24 facts; a seeded shuffle orders them and they alternate
between two forms:

- choice: the right answer among three plausible distractors of the same type, scored
  by log-likelihood as the assistant's reply (answer positions balanced per domain);
- completion: a greedy short reply judged by the check `fact`, which credits a reply
  that names an accepted answer, names none of the distractors, and does not hedge.

    python suites/generators/knowledge.py   # rewrites suites/data/knowledge.jsonl
"""
from __future__ import annotations

import json
import random
import re
from pathlib import Path
from typing import Any, NamedTuple

SEED = 20240917
PER_TIER = 24
MAX_TOKENS = 32  # room to restate a long question before the answer ("The Frankish king who ... was Charlemagne")
DATA = Path(__file__).resolve().parents[1] / "data" / "knowledge.jsonl"

DOMAINS = ["geography", "science", "history", "everyday", "units", "literature-language", "how-things-work"]
TIERS = ["common", "school", "specialist"]


def _name_of(kind: str) -> str:
    return f"Answer with just the name of the {kind}."


NUMBER = "Answer with just the number."
YEAR = "Answer with just the year."
WORD = "Answer with just the word."
NAME = "Answer with just the name."
SYMBOL = "Answer with just the symbol."
FORMULA = "Answer with just the formula."
PHRASE = "Answer with just the phrase."
TERM = "Answer with just the term."
PREFIX = "Answer with just the prefix."
COLOUR = "Answer with just the colour."
CITY = _name_of("city")
COUNTRY = _name_of("country")
CONTINENT = _name_of("continent")
OCEAN = _name_of("ocean")
SEA = _name_of("sea")
RIVER = _name_of("river")
LAKE = _name_of("lake")
MOUNTAIN = _name_of("mountain")
RANGE = _name_of("mountain range")
PLANET = _name_of("planet")
ELEMENT = _name_of("element")
GAS = _name_of("gas")
ORGAN = _name_of("organ")
ANIMAL = _name_of("animal")
UNIT = _name_of("unit")
LANGUAGE = _name_of("language")
SHIP = _name_of("ship")
DEVICE = _name_of("device")
PART = _name_of("part")
SPORT = _name_of("sport")
FOOD = _name_of("food")
LINE = _name_of("line")
STRAIT = _name_of("strait")
TRENCH = _name_of("trench")
EMPIRE = _name_of("civilisation")
TREATY = _name_of("treaty")
DOCUMENT = _name_of("document")
WALL = _name_of("wall")
WAR = _name_of("war")
PIECE = _name_of("chess piece")
MACHINE = _name_of("machine")
INSTRUMENT = _name_of("instrument")
COMPONENT = _name_of("component")
EFFECT = _name_of("effect")
LAW = _name_of("law")
PROCESS = _name_of("process")
DYNASTY = _name_of("dynasty")
MARK = _name_of("punctuation mark")
SYMBOL_NAME = _name_of("symbol")
WONDER = _name_of("wonder")
ENGINE = _name_of("type of engine")
BRIDGE = _name_of("type of bridge")
ENERGY = _name_of("type of energy")
MECHANISM = _name_of("mechanism")


class Fact(NamedTuple):
    slug: str
    question: str
    ask: str
    answer: str
    aliases: list[str]
    distractors: list[str]


def F(slug: str, question: str, ask: str, answer: str, aliases: list[str], distractors: list[str]) -> Fact:
    return Fact(slug, question, ask, answer, aliases, distractors)


# ---------------------------------------------------------------- the facts (hand-written)

FACTS: dict[str, dict[str, list[Fact]]] = {
    "geography": {
        "common": [
            F("capital-france", "What is the capital of France?", CITY, "Paris", [], ["Lyon", "Marseille", "Nice"]),
            F("capital-japan", "What is the capital of Japan?", CITY, "Tokyo", [], ["Kyoto", "Osaka", "Yokohama"]),
            F("capital-italy", "What is the capital of Italy?", CITY, "Rome", ["Roma"], ["Milan", "Naples", "Venice"]),
            F("capital-spain", "What is the capital of Spain?", CITY, "Madrid", [], ["Barcelona", "Seville", "Valencia"]),
            F("capital-united-kingdom", "What is the capital of the United Kingdom?", CITY, "London", [],
              ["Manchester", "Birmingham", "Liverpool"]),
            F("capital-germany", "What is the capital of Germany?", CITY, "Berlin", [], ["Munich", "Hamburg", "Frankfurt"]),
            F("capital-russia", "What is the capital of Russia?", CITY, "Moscow", [], ["Saint Petersburg", "Novosibirsk", "Kazan"]),
            F("capital-egypt", "What is the capital of Egypt?", CITY, "Cairo", [], ["Alexandria", "Luxor", "Aswan"]),
            F("capital-china", "What is the capital of China?", CITY, "Beijing", ["Peking"], ["Shanghai", "Guangzhou", "Shenzhen"]),
            F("capital-greece", "What is the capital of Greece?", CITY, "Athens", [], ["Thessaloniki", "Patras", "Heraklion"]),
            F("capital-united-states", "What is the capital of the United States?", CITY, "Washington, D.C.",
              ["Washington", "Washington DC", "Washington D.C."], ["New York", "Philadelphia", "Boston"]),
            F("continent-brazil", "On which continent is Brazil?", CONTINENT, "South America", [],
              ["North America", "Africa", "Europe"]),
            F("continent-india", "On which continent is India?", CONTINENT, "Asia", [], ["Europe", "Africa", "Australia"]),
            F("ocean-europe-north-america", "Which ocean lies between Europe and North America?", OCEAN, "Atlantic",
              ["Atlantic Ocean"], ["Pacific", "Indian", "Arctic"]),
            F("largest-ocean", "What is the largest ocean on Earth?", OCEAN, "Pacific", ["Pacific Ocean"],
              ["Atlantic", "Indian", "Arctic"]),
            F("country-eiffel-tower", "In which country is the Eiffel Tower?", COUNTRY, "France", [], ["Italy", "Belgium", "Spain"]),
            F("city-statue-of-liberty", "In which city is the Statue of Liberty?", CITY, "New York",
              ["New York City", "NYC"], ["Boston", "Chicago", "Philadelphia"]),
            F("country-pyramids-giza", "In which country are the pyramids of Giza?", COUNTRY, "Egypt", [],
              ["Sudan", "Libya", "Jordan"]),
            F("country-sydney", "Sydney is a city in which country?", COUNTRY, "Australia", [],
              ["New Zealand", "South Africa", "Ireland"]),
            F("country-boot-shape", "Which European country is shaped like a boot?", COUNTRY, "Italy", [],
              ["Greece", "Spain", "Portugal"]),
            F("continent-sahara", "The Sahara Desert is on which continent?", CONTINENT, "Africa", [],
              ["Asia", "Australia", "South America"]),
            F("continent-south-pole", "On which continent is the South Pole?", CONTINENT, "Antarctica", [],
              ["Australia", "South America", "Africa"]),
            F("country-mumbai", "In which country is the city of Mumbai?", COUNTRY, "India", [],
              ["Pakistan", "Bangladesh", "Sri Lanka"]),
            F("country-mount-fuji", "In which country is Mount Fuji?", COUNTRY, "Japan", [], ["China", "South Korea", "Nepal"]),
        ],
        "school": [
            F("capital-canada", "What is the capital of Canada?", CITY, "Ottawa", [], ["Toronto", "Montreal", "Vancouver"]),
            F("capital-australia", "What is the capital of Australia?", CITY, "Canberra", [], ["Sydney", "Melbourne", "Brisbane"]),
            F("capital-brazil", "What is the capital of Brazil?", CITY, "Brasília", ["Brasilia"],
              ["Rio de Janeiro", "São Paulo", "Salvador"]),
            F("capital-turkey", "What is the capital of Turkey?", CITY, "Ankara", [], ["Istanbul", "Izmir", "Bursa"]),
            F("capital-argentina", "What is the capital of Argentina?", CITY, "Buenos Aires", [], ["Córdoba", "Rosario", "Mendoza"]),
            F("capital-south-korea", "What is the capital of South Korea?", CITY, "Seoul", [], ["Busan", "Incheon", "Daegu"]),
            F("capital-portugal", "What is the capital of Portugal?", CITY, "Lisbon", ["Lisboa"], ["Porto", "Braga", "Faro"]),
            F("capital-poland", "What is the capital of Poland?", CITY, "Warsaw", [], ["Krakow", "Gdansk", "Wroclaw"]),
            F("capital-norway", "What is the capital of Norway?", CITY, "Oslo", [], ["Bergen", "Trondheim", "Stavanger"]),
            F("capital-kenya", "What is the capital of Kenya?", CITY, "Nairobi", [], ["Mombasa", "Kisumu", "Nakuru"]),
            F("capital-india", "What is the capital of India?", CITY, "New Delhi", ["Delhi"], ["Mumbai", "Kolkata", "Chennai"]),
            F("capital-mexico", "What is the capital of Mexico?", CITY, "Mexico City", [], ["Guadalajara", "Monterrey", "Puebla"]),
            F("highest-mountain", "What is the highest mountain on Earth, measured above sea level?", MOUNTAIN, "Everest",
              ["Mount Everest"], ["K2", "Kangchenjunga", "Lhotse"]),
            F("river-paris", "Which river flows through Paris?", RIVER, "Seine", [], ["Loire", "Rhone", "Garonne"]),
            F("river-london", "Which river flows through London?", RIVER, "Thames", [], ["Severn", "Trent", "Mersey"]),
            F("river-cairo", "Which river flows through Cairo?", RIVER, "Nile", [], ["Congo", "Niger", "Euphrates"]),
            F("country-marrakesh", "In which country is the city of Marrakesh?", COUNTRY, "Morocco", [],
              ["Algeria", "Tunisia", "Egypt"]),
            F("strait-spain-morocco", "Which strait separates Spain from Morocco?", STRAIT, "Strait of Gibraltar",
              ["Gibraltar"], ["Bosphorus", "Strait of Hormuz", "Strait of Messina"]),
            F("latitude-zero", "What is the name of the line of latitude at 0 degrees?", LINE, "Equator", [],
              ["Tropic of Cancer", "Arctic Circle", "Prime Meridian"]),
            F("longitude-zero", "What is the name of the line of longitude at 0 degrees?", LINE, "Prime Meridian",
              ["Greenwich Meridian"], ["International Date Line", "Equator", "Tropic of Capricorn"]),
            F("sea-europe-africa", "Which sea lies between southern Europe and North Africa?", SEA, "Mediterranean",
              ["Mediterranean Sea"], ["Red Sea", "Black Sea", "Caspian Sea"]),
            F("country-machu-picchu", "In which country is the Inca citadel of Machu Picchu?", COUNTRY, "Peru", [],
              ["Bolivia", "Chile", "Ecuador"]),
            F("largest-island", "What is the largest island in the world that is not a continent?", _name_of("island"),
              "Greenland", [], ["New Guinea", "Borneo", "Madagascar"]),
            F("volcano-pompeii", "Which volcano buried Pompeii in 79 AD?", _name_of("volcano"), "Vesuvius",
              ["Mount Vesuvius"], ["Etna", "Stromboli", "Hekla"]),
        ],
        "specialist": [
            F("capital-burkina-faso", "What is the capital of Burkina Faso?", CITY, "Ouagadougou", [],
              ["Bobo-Dioulasso", "Bamako", "Niamey"]),
            F("capital-mongolia", "What is the capital of Mongolia?", CITY, "Ulaanbaatar", ["Ulan Bator", "Ulaan Baatar"],
              ["Darkhan", "Erdenet", "Khovd"]),
            F("capital-bhutan", "What is the capital of Bhutan?", CITY, "Thimphu", [], ["Paro", "Phuntsholing", "Kathmandu"]),
            F("capital-morocco", "What is the capital of Morocco?", CITY, "Rabat", [], ["Casablanca", "Tangier", "Agadir"]),
            F("capital-madagascar", "What is the capital of Madagascar?", CITY, "Antananarivo", [],
              ["Toamasina", "Antsirabe", "Mahajanga"]),
            F("capital-paraguay", "What is the capital of Paraguay?", CITY, "Asunción", ["Asuncion"],
              ["Ciudad del Este", "Encarnacion", "Concepcion"]),
            F("capital-kyrgyzstan", "What is the capital of Kyrgyzstan?", CITY, "Bishkek", [], ["Osh", "Karakol", "Tashkent"]),
            F("capital-laos", "What is the capital of Laos?", CITY, "Vientiane", [], ["Pakse", "Savannakhet", "Thakhek"]),
            F("capital-slovenia", "What is the capital of Slovenia?", CITY, "Ljubljana", [], ["Maribor", "Celje", "Koper"]),
            F("capital-eritrea", "What is the capital of Eritrea?", CITY, "Asmara", [], ["Massawa", "Keren", "Assab"]),
            F("capital-suriname", "What is the capital of Suriname?", CITY, "Paramaribo", [], ["Georgetown", "Cayenne", "Albina"]),
            F("capital-namibia", "What is the capital of Namibia?", CITY, "Windhoek", [], ["Walvis Bay", "Swakopmund", "Gaborone"]),
            F("capital-ecuador", "What is the capital of Ecuador?", CITY, "Quito", [], ["Guayaquil", "Cuenca", "Manta"]),
            F("capital-azerbaijan", "What is the capital of Azerbaijan?", CITY, "Baku", [], ["Ganja", "Sumqayit", "Tbilisi"]),
            F("deepest-lake", "What is the deepest lake in the world?", LAKE, "Baikal", ["Lake Baikal"],
              ["Tanganyika", "Superior", "Victoria"]),
            F("deepest-trench", "In which ocean trench is the deepest known point of the Earth's seabed?", TRENCH,
              "Mariana Trench", ["Marianas Trench", "Mariana"], ["Tonga Trench", "Puerto Rico Trench", "Java Trench"]),
            F("strait-asia-north-america", "Which strait separates Asia from North America?", STRAIT, "Bering Strait",
              ["Bering"], ["Strait of Magellan", "Bass Strait", "Strait of Hormuz"]),
            F("titicaca-border", "Lake Titicaca lies on the border between Bolivia and which other country?", COUNTRY,
              "Peru", [], ["Chile", "Argentina", "Brazil"]),
            F("former-abyssinia", "Which African country was formerly known as Abyssinia?", COUNTRY, "Ethiopia", [],
              ["Eritrea", "Somalia", "Sudan"]),
            F("former-ceylon", "Which country was formerly known as Ceylon?", COUNTRY, "Sri Lanka", [],
              ["Myanmar", "Bangladesh", "Maldives"]),
            F("former-siam", "Which country was formerly known as Siam?", COUNTRY, "Thailand", [], ["Cambodia", "Laos", "Vietnam"]),
            F("range-aconcagua", "In which mountain range is Aconcagua?", RANGE, "Andes", [], ["Rockies", "Alps", "Himalayas"]),
            F("river-baghdad", "Which river flows through Baghdad?", RIVER, "Tigris", [], ["Euphrates", "Jordan", "Indus"]),
            F("river-budapest", "Which river flows through Budapest?", RIVER, "Danube", [], ["Rhine", "Elbe", "Vistula"]),
        ],
    },
    "science": {
        "common": [
            F("legs-spider", "How many legs does a spider have?", NUMBER, "8", [], ["6", "10", "4"]),
            F("legs-insect", "How many legs does an insect have?", NUMBER, "6", [], ["8", "4", "10"]),
            F("water-boils", "At how many degrees Celsius does water boil at sea level?", NUMBER, "100", [], ["90", "120", "50"]),
            F("water-freezes", "At how many degrees Celsius does pure water freeze?", NUMBER, "0", [], ["4", "10", "-10"]),
            F("gas-breathe", "Which gas in the air do humans need to breathe to stay alive?", GAS, "Oxygen", [],
              ["Nitrogen", "Hydrogen", "Helium"]),
            F("gas-plants-take-in", "Which gas do plants take in from the air to make their food?", GAS, "Carbon dioxide",
              ["CO2", "CO₂"], ["Oxygen", "Nitrogen", "Hydrogen"]),
            F("star-solar-system", "What is the star at the centre of our Solar System called?", NAME, "Sun", ["Sol"],
              ["Sirius", "Polaris", "Betelgeuse"]),
            F("red-planet", "Which planet is known as the Red Planet?", PLANET, "Mars", [], ["Venus", "Jupiter", "Mercury"]),
            F("largest-planet", "What is the largest planet in the Solar System?", PLANET, "Jupiter", [],
              ["Saturn", "Neptune", "Uranus"]),
            F("planet-nearest-sun", "Which planet is closest to the Sun?", PLANET, "Mercury", [], ["Venus", "Mars", "Earth"]),
            F("organ-pumps-blood", "Which organ pumps blood around the body?", ORGAN, "Heart", [], ["Liver", "Lungs", "Kidney"]),
            F("organs-breathing", "Which organs do humans use to breathe?", ORGAN, "Lungs", ["Lung"],
              ["Kidneys", "Gills", "Intestines"]),
            F("organ-thinking", "Which organ do humans think with?", ORGAN, "Brain", [], ["Heart", "Liver", "Stomach"]),
            F("force-falling", "What force pulls objects down towards the Earth?", WORD, "Gravity", ["gravitation"],
              ["Magnetism", "Friction", "Inertia"]),
            F("largest-animal", "What is the largest living animal?", ANIMAL, "Blue whale", [],
              ["African elephant", "Sperm whale", "Whale shark"]),
            F("largest-land-animal", "What is the largest land animal?", ANIMAL, "African elephant",
              ["Elephant", "African bush elephant"], ["Rhinoceros", "Hippopotamus", "Giraffe"]),
            F("tallest-animal", "What is the tallest animal?", ANIMAL, "Giraffe", [], ["Elephant", "Camel", "Ostrich"]),
            F("fastest-land-animal", "What is the fastest land animal?", ANIMAL, "Cheetah", [], ["Lion", "Horse", "Greyhound"]),
            F("eats-only-plants", "What is an animal that eats only plants called?", WORD, "Herbivore", [],
              ["Carnivore", "Omnivore", "Predator"]),
            F("plant-part-underground", "Which part of a plant usually grows underground and takes up water?", PART, "Root",
              ["Roots"], ["Stem", "Leaf", "Flower"]),
            F("sense-ears", "Which of the five senses uses the ears?", WORD, "Hearing", [], ["Sight", "Smell", "Taste"]),
            F("young-frog", "What is the young of a frog, which lives in water and has a tail, called?", WORD, "Tadpole",
              ["Polliwog"], ["Fry", "Cub", "Chick"]),
            F("frozen-water", "What is water called when it freezes solid?", WORD, "Ice", [], ["Steam", "Dew", "Mist"]),
            F("whale-class", "Whales belong to which class of animals?", WORD, "Mammals", ["Mammal", "Mammalia"],
              ["Fish", "Reptiles", "Amphibians"]),
        ],
        "school": [
            F("symbol-sodium", "What is the chemical symbol of sodium?", SYMBOL, "Na", [], ["Sd", "Sm", "Nb"]),
            F("symbol-iron", "What is the chemical symbol of iron?", SYMBOL, "Fe", [], ["Ir", "Fr", "Fm"]),
            F("symbol-gold", "What is the chemical symbol of gold?", SYMBOL, "Au", [], ["Ag", "Gd", "Pt"]),
            F("symbol-potassium", "What is the chemical symbol of potassium?", SYMBOL, "K", [], ["Po", "Pt", "Pm"]),
            F("formula-water", "What is the chemical formula of water?", FORMULA, "H2O", ["H₂O"], ["CO2", "CH4", "NaCl"]),
            F("main-gas-air", "Which gas makes up most of the Earth's atmosphere?", GAS, "Nitrogen", [],
              ["Oxygen", "Carbon dioxide", "Argon"]),
            F("hardest-natural-substance", "What is the hardest natural substance?", WORD, "Diamond", [],
              ["Quartz", "Topaz", "Corundum"]),
            F("bones-adult", "How many bones does a typical adult human skeleton have?", NUMBER, "206", [], ["204", "208", "212"]),
            F("hearts-octopus", "How many hearts does an octopus have?", NUMBER, "3", [], ["2", "4", "5"]),
            F("hottest-planet", "Which planet has the hottest surface in the Solar System?", PLANET, "Venus", [],
              ["Mercury", "Mars", "Jupiter"]),
            F("largest-organ", "What is the largest organ of the human body?", ORGAN, "Skin", [], ["Liver", "Brain", "Lungs"]),
            F("photosynthesis-organelle", "In which part of a plant cell does photosynthesis take place?", PART,
              "Chloroplast", ["Chloroplasts"], ["Mitochondrion", "Nucleus", "Ribosome"]),
            F("respiration-organelle", "Which structures in a cell release energy from food by respiration?", PART,
              "Mitochondria", ["Mitochondrion"], ["Nucleus", "Ribosomes", "Vacuoles"]),
            F("ph-pure-water", "What is the pH of pure water at 25 degrees Celsius?", NUMBER, "7", [], ["5", "6", "8"]),
            F("negative-particle", "Which particle in an atom has a negative electric charge?", NAME, "Electron", [],
              ["Proton", "Neutron", "Positron"]),
            F("atomic-number-carbon", "What is the atomic number of carbon?", NUMBER, "6", [], ["5", "7", "8"]),
            F("chromosomes-human", "How many chromosomes does a typical human body cell have?", NUMBER, "46", [],
              ["42", "44", "48"]),
            F("sun-main-element", "Which element makes up most of the Sun's mass?", ELEMENT, "Hydrogen", [],
              ["Helium", "Oxygen", "Carbon"]),
            F("origin-of-species", "Which naturalist wrote 'On the Origin of Species' (1859)?", NAME, "Charles Darwin",
              ["Darwin"], ["Gregor Mendel", "Thomas Huxley", "Jean-Baptiste Lamarck"]),
            F("laws-of-motion", "Who formulated the three laws of motion published in 1687?", NAME, "Isaac Newton",
              ["Newton"], ["Galileo Galilei", "Albert Einstein", "Johannes Kepler"]),
            F("photosynthesis", "What is the process by which plants use light to make sugar from carbon dioxide and water?",
              PROCESS, "Photosynthesis", [], ["Respiration", "Transpiration", "Fermentation"]),
            F("vessels-from-heart", "Which blood vessels carry blood away from the heart?", WORD, "Arteries", ["Artery"],
              ["Veins", "Capillaries", "Venules"]),
            F("our-galaxy", "What is the name of the galaxy that contains our Solar System?", NAME, "Milky Way", [],
              ["Andromeda", "Triangulum", "Whirlpool"]),
            F("earth-orbit-days", "To the nearest whole day, how many days does the Earth take to orbit the Sun once?",
              NUMBER, "365", [], ["360", "354", "370"]),
        ],
        "specialist": [
            F("element-74", "Which element has the atomic number 74?", ELEMENT, "Tungsten", ["Wolfram"],
              ["Tantalum", "Rhenium", "Osmium"]),
            F("element-26", "Which element has the atomic number 26?", ELEMENT, "Iron", [], ["Cobalt", "Nickel", "Manganese"]),
            F("atomic-number-gold", "What is the atomic number of gold?", NUMBER, "79", [], ["78", "80", "81"]),
            F("noble-gas-54", "Which noble gas has the atomic number 54?", ELEMENT, "Xenon", [], ["Krypton", "Radon", "Argon"]),
            F("symbol-antimony", "What is the chemical symbol of antimony?", SYMBOL, "Sb", [], ["Sn", "Bi", "Te"]),
            F("muscle-oxygen-protein", "Which protein stores oxygen in muscle cells?", NAME, "Myoglobin", [],
              ["Haemoglobin", "Actin", "Myosin"]),
            F("pineal-hormone", "Which hormone, made by the pineal gland, helps regulate sleep?", NAME, "Melatonin", [],
              ["Serotonin", "Cortisol", "Adrenaline"]),
            F("longest-bone", "What is the longest bone in the human body?", NAME, "Femur", ["Thigh bone", "Thighbone"],
              ["Tibia", "Humerus", "Fibula"]),
            F("smallest-bone", "What is the smallest bone in the human body?", NAME, "Stapes", ["Stirrup", "Stirrup bone"],
              ["Incus", "Malleus", "Hyoid"]),
            F("moon-titan", "Titan is the largest moon of which planet?", PLANET, "Saturn", [], ["Jupiter", "Uranus", "Neptune"]),
            F("moon-triton", "Triton is the largest moon of which planet?", PLANET, "Neptune", [], ["Uranus", "Saturn", "Jupiter"]),
            F("largest-moon-jupiter", "What is the largest moon of Jupiter?", NAME, "Ganymede", [], ["Callisto", "Io", "Europa"]),
            F("black-hole-boundary", "What is the boundary around a black hole, beyond which not even light can escape?",
              TERM, "Event horizon", [], ["Singularity", "Accretion disk", "Photon sphere"]),
            F("saliva-enzyme", "Which enzyme in saliva starts the digestion of starch?", NAME, "Amylase",
              ["Salivary amylase", "Ptyalin"], ["Lipase", "Pepsin", "Trypsin"]),
            F("thomson-particle", "Which subatomic particle did J. J. Thomson discover in 1897?", NAME, "Electron", [],
              ["Proton", "Neutron", "Positron"]),
            F("neutron-discoverer", "Who discovered the neutron in 1932?", NAME, "James Chadwick", ["Chadwick"],
              ["Ernest Rutherford", "Niels Bohr", "Enrico Fermi"]),
            F("crust-abundant-element", "What is the most abundant element in the Earth's crust by mass?", ELEMENT, "Oxygen",
              [], ["Silicon", "Aluminium", "Iron"]),
            F("mohs-one", "Which mineral has a hardness of 1 on the Mohs scale?", NAME, "Talc", [],
              ["Gypsum", "Calcite", "Fluorite"]),
            F("ozone-layer", "In which layer of the atmosphere is most of the ozone layer found?", NAME, "Stratosphere", [],
              ["Troposphere", "Mesosphere", "Thermosphere"]),
            F("dawn-dusk-animals", "What word describes animals that are mainly active at dawn and dusk?", WORD,
              "Crepuscular", [], ["Nocturnal", "Diurnal", "Cathemeral"]),
            F("brain-balance", "Which part of the brain mainly coordinates balance and fine movement?", PART, "Cerebellum", [],
              ["Cerebrum", "Medulla", "Hypothalamus"]),
            F("de-revolutionibus", "Which astronomer set out a Sun-centred model of the Solar System in "
              "'De revolutionibus' (1543)?", NAME, "Nicolaus Copernicus", ["Copernicus"],
              ["Galileo Galilei", "Johannes Kepler", "Tycho Brahe"]),
            F("periodic-table-1869", "Which chemist published a periodic table in 1869 that left gaps for undiscovered "
              "elements?", NAME, "Dmitri Mendeleev", ["Mendeleev", "Mendeleyev"],
              ["Antoine Lavoisier", "John Dalton", "Michael Faraday"]),
            F("most-electronegative", "Which element is the most electronegative?", ELEMENT, "Fluorine", [],
              ["Oxygen", "Chlorine", "Nitrogen"]),
        ],
    },
    "history": {
        "common": [
            F("year-second-world-war-ended", "In which year did the Second World War end?", YEAR, "1945", [],
              ["1944", "1946", "1947"]),
            F("year-columbus-americas", "In which year did Christopher Columbus first reach the Americas?", YEAR, "1492", [],
              ["1488", "1498", "1502"]),
            F("first-moonwalker", "Who was the first person to walk on the Moon?", NAME, "Neil Armstrong", ["Armstrong"],
              ["Buzz Aldrin", "Yuri Gagarin", "Michael Collins"]),
            F("pharaohs", "Pharaohs were the rulers of which ancient civilisation?", EMPIRE, "Egypt",
              ["Ancient Egypt", "Egyptian", "Egyptians"], ["Babylon", "Carthage", "Assyria"]),
            F("ship-iceberg-1912", "Which passenger liner sank in 1912 after hitting an iceberg?", SHIP, "Titanic",
              ["RMS Titanic"], ["Lusitania", "Britannic", "Carpathia"]),
            F("caesar-city", "Julius Caesar was a leader of which ancient city?", CITY, "Rome", [],
              ["Athens", "Sparta", "Carthage"]),
            F("year-berlin-wall-fell", "In which year did the Berlin Wall fall?", YEAR, "1989", [], ["1986", "1988", "1991"]),
            F("waterloo-emperor", "Which French emperor was defeated at the Battle of Waterloo in 1815?", NAME, "Napoleon",
              ["Napoleon Bonaparte", "Napoléon", "Napoleon I"], ["Louis XIV", "Charlemagne", "Louis XVI"]),
            F("mona-lisa-painter", "Who painted the Mona Lisa?", NAME, "Leonardo da Vinci", ["Leonardo", "da Vinci"],
              ["Michelangelo", "Raphael", "Botticelli"]),
            F("vikings-region", "The Vikings came from which region of northern Europe?", NAME, "Scandinavia", [],
              ["Bavaria", "Iberia", "Anatolia"]),
            F("ancient-olympics", "In which country were the ancient Olympic Games held?", COUNTRY, "Greece", [],
              ["Italy", "Egypt", "Turkey"]),
            F("nazi-dictator", "Who was the dictator of Nazi Germany during the Second World War?", NAME, "Adolf Hitler",
              ["Hitler"], ["Benito Mussolini", "Francisco Franco", "Joseph Stalin"]),
            F("i-have-a-dream", "Complete the title of Martin Luther King Jr.'s 1963 speech: 'I Have a ...'", WORD, "Dream",
              [], ["Vision", "Hope", "Plan"]),
            F("statue-of-liberty-gift", "Which country gave the Statue of Liberty to the United States?", COUNTRY, "France",
              [], ["Britain", "Italy", "Spain"]),
            F("pyramids-purpose", "What were the pyramids of ancient Egypt built as?", WORD, "Tombs", ["Tomb"],
              ["Temples", "Palaces", "Granaries"]),
            F("cleopatra", "Which queen of ancient Egypt is famous for her alliance with Mark Antony?", NAME, "Cleopatra",
              ["Cleopatra VII"], ["Nefertiti", "Hatshepsut", "Berenice"]),
            F("wright-brothers-machine", "What kind of machine did the Wright brothers first fly in 1903?", MACHINE,
              "Airplane", ["Aeroplane", "Plane"], ["Helicopter", "Airship", "Rocket"]),
            F("war-1861-1865", "What is the name of the war fought from 1861 to 1865 between the northern and southern "
              "states of the USA?", WAR, "American Civil War", ["Civil War"],
              ["War of Independence", "Revolutionary War", "War of 1812"]),
            F("tsars-country", "Which country was ruled by tsars until 1917?", COUNTRY, "Russia", [],
              ["Prussia", "Austria", "Sweden"]),
            F("wall-china", "Which famous wall did Chinese dynasties build to defend against invaders from the north?", WALL,
              "Great Wall", ["Great Wall of China"], ["Hadrian's Wall", "Berlin Wall", "Western Wall"]),
            F("fight-on-the-beaches", "Which British leader said 'We shall fight on the beaches' in 1940?", NAME,
              "Winston Churchill", ["Churchill"], ["Neville Chamberlain", "Clement Attlee", "Anthony Eden"]),
            F("gandhi-country", "Mahatma Gandhi led the independence movement of which country?", COUNTRY, "India", [],
              ["Kenya", "Egypt", "Ghana"]),
            F("first-moon-landing-country", "Which country was the first to land people on the Moon?", COUNTRY,
              "United States", ["USA", "United States of America", "America"], ["Soviet Union", "China", "Japan"]),
            F("bus-seat-1955", "Which American civil rights activist was arrested in Montgomery, Alabama, in December 1955 "
              "for refusing to give up her bus seat?", NAME, "Rosa Parks", ["Parks"],
              ["Harriet Tubman", "Sojourner Truth", "Coretta Scott King"]),
        ],
        "school": [
            F("year-first-world-war-began", "In which year did the First World War begin?", YEAR, "1914", [],
              ["1912", "1913", "1916"]),
            F("year-french-revolution", "In which year did the French Revolution begin?", YEAR, "1789", [],
              ["1776", "1783", "1791"]),
            F("first-person-in-space", "Who was the first person to travel into space, in 1961?", NAME, "Yuri Gagarin",
              ["Gagarin"], ["Alan Shepard", "John Glenn", "Valentina Tereshkova"]),
            F("year-declaration-independence", "In which year was the United States Declaration of Independence adopted?",
              YEAR, "1776", [], ["1774", "1781", "1783"]),
            F("six-wives", "Which English king had six wives?", NAME, "Henry VIII", ["Henry the Eighth", "King Henry VIII"],
              ["Edward VI", "Richard III", "James I"]),
            F("charter-1215", "Which charter did King John of England agree to in 1215?", DOCUMENT, "Magna Carta", [],
              ["Domesday Book", "Bill of Rights", "Act of Union"]),
            F("conqueror-persia", "Which king of Macedon conquered the Persian Empire in the 4th century BC?", NAME,
              "Alexander the Great", ["Alexander", "Alexander III of Macedon"], ["Philip II", "Darius III", "Ptolemy I"]),
            F("first-satellite", "What was the name of the first artificial satellite, launched in 1957?", NAME, "Sputnik",
              ["Sputnik 1"], ["Explorer 1", "Vostok 1", "Vanguard 1"]),
            F("machu-picchu-builders", "Which civilisation built the mountain citadel of Machu Picchu?", EMPIRE, "Inca",
              ["Incas", "Inca Empire"], ["Aztec", "Maya", "Olmec"]),
            F("teacher-of-plato", "Which Greek philosopher was the teacher of Plato?", NAME, "Socrates", [],
              ["Aristotle", "Pythagoras", "Diogenes"]),
            F("pilgrims-ship", "What was the name of the ship that carried the Pilgrims to North America in 1620?", SHIP,
              "Mayflower", [], ["Santa Maria", "Endeavour", "Discovery"]),
            F("penicillin", "Which scientist discovered penicillin in 1928?", NAME, "Alexander Fleming", ["Fleming"],
              ["Louis Pasteur", "Joseph Lister", "Edward Jenner"]),
            F("soviet-leader-ww2", "Who led the Soviet Union during the Second World War?", NAME, "Joseph Stalin", ["Stalin"],
              ["Vladimir Lenin", "Leon Trotsky", "Nikita Khrushchev"]),
            F("year-october-revolution", "In which year did the Bolsheviks take power in Russia in the October Revolution?",
              YEAR, "1917", [], ["1914", "1918", "1921"]),
            F("roman-wall-england", "Which wall did the Romans build across northern England?", WALL, "Hadrian's Wall",
              ["Hadrian’s Wall", "Hadrian"], ["Antonine Wall", "Offa's Dyke", "Great Wall"]),
            F("year-battle-hastings", "In which year was the Battle of Hastings fought?", YEAR, "1066", [],
              ["1056", "1076", "1086"]),
            F("communist-manifesto", "Who wrote 'The Communist Manifesto' together with Friedrich Engels?", NAME, "Karl Marx",
              ["Marx"], ["Vladimir Lenin", "Leon Trotsky", "Mikhail Bakunin"]),
            F("america-named-after", "The name 'America' comes from the first name of which Italian explorer?", NAME,
              "Amerigo Vespucci", ["Vespucci", "Amerigo"], ["Christopher Columbus", "John Cabot", "Marco Polo"]),
            F("first-roman-emperor", "Who became the first emperor of Rome in 27 BC?", NAME, "Augustus",
              ["Octavian", "Caesar Augustus", "Augustus Caesar"], ["Tiberius", "Nero", "Caligula"]),
            F("year-wall-street-crash", "In which year did the Wall Street Crash happen?", YEAR, "1929", [],
              ["1919", "1933", "1939"]),
            F("first-atomic-bomb-city", "Which city was the first to be hit by an atomic bomb in war, in August 1945?", CITY,
              "Hiroshima", [], ["Nagasaki", "Tokyo", "Kyoto"]),
            F("queen-armada", "Which English queen reigned when the Spanish Armada was defeated in 1588?", NAME,
              "Elizabeth I", ["Queen Elizabeth I", "Elizabeth the First"], ["Mary I", "Victoria", "Anne"]),
            F("year-second-world-war-began", "In which year did the Second World War begin?", YEAR, "1939", [],
              ["1938", "1940", "1941"]),
            F("renaissance-country", "In which country did the Renaissance begin, in the 14th century?", COUNTRY, "Italy", [],
              ["France", "Spain", "England"]),
        ],
        "specialist": [
            F("year-peace-westphalia", "In which year did the Peace of Westphalia end the Thirty Years' War?", YEAR, "1648",
              [], ["1638", "1658", "1713"]),
            F("unifier-china-221bc", "Which ruler unified China in 221 BC and became its first emperor?", NAME,
              "Qin Shi Huang", ["Qin Shihuang", "Shi Huangdi", "Ying Zheng"], ["Liu Bang", "Kublai Khan", "Wu Zetian"]),
            F("treaty-1494", "Which 1494 treaty divided newly explored lands outside Europe between Spain and Portugal?",
              TREATY, "Treaty of Tordesillas", ["Tordesillas"], ["Treaty of Utrecht", "Treaty of Paris", "Treaty of Verdun"]),
            F("year-fall-constantinople", "In which year did Constantinople fall to the Ottoman Turks?", YEAR, "1453", [],
              ["1443", "1463", "1492"]),
            F("alps-elephants", "Which Carthaginian general crossed the Alps with war elephants in 218 BC?", NAME, "Hannibal",
              ["Hannibal Barca"], ["Hasdrubal", "Hamilcar", "Scipio"]),
            F("crowned-800", "Which Frankish king was crowned emperor by Pope Leo III on Christmas Day in 800?", NAME,
              "Charlemagne", ["Charles the Great"], ["Clovis", "Pepin the Short", "Louis the Pious"]),
            F("beheaded-1536", "Which wife of Henry VIII was beheaded in 1536?", NAME, "Anne Boleyn", ["Boleyn"],
              ["Catherine of Aragon", "Jane Seymour", "Catherine Howard"]),
            F("first-woman-nobel", "Who was the first woman to win a Nobel Prize, in 1903?", NAME, "Marie Curie",
              ["Curie", "Marie Skłodowska-Curie", "Marie Sklodowska-Curie"],
              ["Lise Meitner", "Dorothy Hodgkin", "Rosalind Franklin"]),
            F("year-chernobyl", "In which year did the Chernobyl nuclear disaster happen?", YEAR, "1986", [],
              ["1979", "1984", "1991"]),
            F("mongol-founder", "Which Mongol leader founded the Mongol Empire in 1206?", NAME, "Genghis Khan",
              ["Chinggis Khan", "Temujin", "Temüjin"], ["Kublai Khan", "Ögedei Khan", "Tamerlane"]),
            F("aztec-capital", "What was the capital city of the Aztec Empire?", CITY, "Tenochtitlan", ["Tenochtitlán"],
              ["Cusco", "Teotihuacan", "Tikal"]),
            F("capital-to-byzantium", "Which Roman emperor moved the imperial capital to Byzantium in 330 AD?", NAME,
              "Constantine", ["Constantine the Great", "Constantine I"], ["Diocletian", "Justinian", "Theodosius"]),
            F("carter-1922-tomb", "Whose nearly intact tomb did Howard Carter find in the Valley of the Kings in 1922?", NAME,
              "Tutankhamun", ["Tutankhamen", "Tutankhamon", "King Tut"], ["Ramesses II", "Akhenaten", "Khufu"]),
            F("sea-route-india-1498", "Which Portuguese navigator was the first European to reach India by sea, in 1498?",
              NAME, "Vasco da Gama", ["da Gama"], ["Bartolomeu Dias", "Pedro Álvares Cabral", "Ferdinand Magellan"]),
            F("year-meiji-restoration", "In which year did the Meiji Restoration begin in Japan?", YEAR, "1868", [],
              ["1853", "1889", "1912"]),
            F("babylon-law-code", "Which Babylonian king is famous for an early law code carved on a stone stele?", NAME,
              "Hammurabi", ["Hammurapi"], ["Nebuchadnezzar", "Sargon", "Ashurbanipal"]),
            F("year-treaty-versailles", "In which year was the Treaty of Versailles that ended the First World War signed?",
              YEAR, "1919", [], ["1916", "1921", "1923"]),
            F("darwin-ship", "On which ship did Charles Darwin sail around the world from 1831 to 1836?", SHIP, "Beagle",
              ["HMS Beagle"], ["Endeavour", "Bounty", "Victory"]),
            F("funeral-oration-431bc", "Which Athenian statesman gave the funeral oration of 431 BC reported by Thucydides?",
              NAME, "Pericles", [], ["Solon", "Themistocles", "Cleisthenes"]),
            F("helios-statue-wonder", "Which ancient wonder was a giant bronze statue of the sun god Helios on the island of "
              "Rhodes?", WONDER, "Colossus of Rhodes", ["Colossus"],
              ["Lighthouse of Alexandria", "Mausoleum at Halicarnassus", "Temple of Artemis"]),
            F("queen-guillotined-1793", "Which queen of France was executed by guillotine in October 1793?", NAME,
              "Marie Antoinette", [], ["Joséphine", "Catherine de' Medici", "Marie Louise"]),
            F("great-wall-badaling", "Which Chinese dynasty built the brick-and-stone sections of the Great Wall near "
              "Beijing, such as Badaling?", DYNASTY, "Ming", ["Ming dynasty"], ["Qin", "Han", "Qing"]),
            F("conquistador-aztecs", "Which Spanish conquistador led the conquest of the Aztec Empire from 1519 to 1521?",
              NAME, "Hernán Cortés", ["Hernan Cortes", "Cortés", "Cortes"],
              ["Francisco Pizarro", "Hernando de Soto", "Vasco Núñez de Balboa"]),
            F("year-battle-vienna", "In which year was the Ottoman army defeated at the Battle of Vienna, ending its second "
              "siege of the city?", YEAR, "1683", [], ["1658", "1693", "1711"]),
        ],
    },
    "everyday": {
        "common": [
            F("days-week", "How many days are there in a week?", NUMBER, "7", [], ["5", "6", "8"]),
            F("months-year", "How many months are there in a year?", NUMBER, "12", [], ["10", "11", "13"]),
            F("hours-day", "How many hours are there in a day?", NUMBER, "24", [], ["12", "20", "36"]),
            F("blue-and-yellow", "What colour do you get by mixing blue and yellow paint?", COLOUR, "Green", [],
              ["Purple", "Orange", "Brown"]),
            F("red-and-white", "What colour do you get by mixing red and white paint?", COLOUR, "Pink", [],
              ["Orange", "Purple", "Brown"]),
            F("sides-triangle", "How many sides does a triangle have?", NUMBER, "3", [], ["4", "5", "6"]),
            F("soccer-players", "How many players does a soccer team have on the field at one time?", NUMBER, "11", [],
              ["9", "10", "12"]),
            F("month-after-june", "Which month comes after June?", _name_of("month"), "July", [],
              ["August", "May", "September"]),
            F("first-month", "What is the first month of the year?", _name_of("month"), "January", [],
              ["February", "December", "March"]),
            F("days-leap-year", "How many days are there in a leap year?", NUMBER, "366", [], ["360", "364", "367"]),
            F("baby-dog", "What is a baby dog called?", WORD, "Puppy", ["Pup"], ["Kitten", "Cub", "Calf"]),
            F("baby-cat", "What is a baby cat called?", WORD, "Kitten", [], ["Puppy", "Cub", "Foal"]),
            F("opposite-hot", "What is the opposite of hot?", WORD, "Cold", [], ["Warm", "Bright", "Heavy"]),
            F("wheels-bicycle", "How many wheels does a bicycle have?", NUMBER, "2", [], ["3", "4", "6"]),
            F("day-after-friday", "Which day of the week comes after Friday?", _name_of("day"), "Saturday", [],
              ["Thursday", "Sunday", "Monday"]),
            F("morning-meal", "Which meal is usually eaten in the morning?", WORD, "Breakfast", [],
              ["Lunch", "Dinner", "Supper"]),
            F("season-leaves-fall", "In which season do many trees lose their leaves?", _name_of("season"), "Autumn",
              ["Fall"], ["Spring", "Summer", "Winter"]),
            F("cards-deck", "How many cards are in a standard deck of playing cards without jokers?", NUMBER, "52", [],
              ["48", "50", "56"]),
            F("tool-nails", "Which hand tool is used to drive nails into wood?", _name_of("tool"), "Hammer", [],
              ["Screwdriver", "Wrench", "Saw"]),
            F("tool-cut-paper", "Which tool with two blades is used to cut paper?", _name_of("tool"), "Scissors", [],
              ["Knife", "Stapler", "Ruler"]),
            F("traffic-light-stop", "On a traffic light, which colour means stop?", COLOUR, "Red", [],
              ["Green", "Yellow", "Blue"]),
            F("zeros-million", "How many zeros are there in one million written in digits?", NUMBER, "6", [], ["5", "7", "9"]),
            F("days-february", "How many days does February have in a year that is not a leap year?", NUMBER, "28", [],
              ["27", "30", "31"]),
            F("round-shape", "Which flat shape is perfectly round and has no corners?", _name_of("shape"), "Circle", [],
              ["Square", "Triangle", "Rectangle"]),
        ],
        "school": [
            F("sides-hexagon", "How many sides does a hexagon have?", NUMBER, "6", [], ["5", "7", "8"]),
            F("sides-octagon", "How many sides does an octagon have?", NUMBER, "8", [], ["6", "7", "10"]),
            F("degrees-right-angle", "How many degrees are there in a right angle?", NUMBER, "90", [], ["45", "100", "180"]),
            F("degrees-full-circle", "How many degrees are there in a full circle?", NUMBER, "360", [], ["180", "270", "400"]),
            F("roman-xl", "What number does the Roman numeral XL stand for?", NUMBER, "40", [], ["60", "45", "90"]),
            F("strings-violin", "How many strings does a standard violin have?", NUMBER, "4", [], ["3", "5", "6"]),
            F("keys-piano", "How many keys does a standard modern piano have?", NUMBER, "88", [], ["76", "85", "92"]),
            F("ten-years", "What is a period of ten years called?", WORD, "Decade", [], ["Century", "Millennium", "Score"]),
            F("basketball-players", "How many players does a basketball team have on the court at one time?", NUMBER, "5", [],
              ["4", "6", "7"]),
            F("squares-chessboard", "How many squares are there on a chessboard?", NUMBER, "64", [], ["36", "48", "81"]),
            F("chess-diagonal", "In chess, which piece moves only diagonally?", PIECE, "Bishop", [], ["Rook", "Knight", "King"]),
            F("chess-l-shape", "In chess, which piece moves in an L shape?", PIECE, "Knight", [], ["Bishop", "Rook", "Pawn"]),
            F("chess-pieces-each", "How many pieces does each player have at the start of a game of chess?", NUMBER, "16", [],
              ["12", "14", "18"]),
            F("shuttlecock-sport", "In which sport is a shuttlecock hit over a net?", SPORT, "Badminton", [],
              ["Tennis", "Squash", "Volleyball"]),
            F("golf-holes", "How many holes are played in a standard round of golf?", NUMBER, "18", [], ["9", "12", "20"]),
            F("wimbledon-sport", "Which sport's championships are played at Wimbledon?", SPORT, "Tennis", ["Lawn tennis"],
              ["Cricket", "Golf", "Polo"]),
            F("soccer-minutes", "How many minutes does a standard soccer match last, not counting added time?", NUMBER, "90",
              [], ["60", "80", "100"]),
            F("die-dots-total", "What is the total number of dots on a standard six-sided die?", NUMBER, "21", [],
              ["18", "20", "24"]),
            F("die-opposite-faces", "On a standard die, what do the numbers on opposite faces always add up to?", NUMBER, "7",
              [], ["8", "9", "12"]),
            F("guacamole", "What is the main ingredient of guacamole?", FOOD, "Avocado", ["Avocados"],
              ["Tomato", "Cucumber", "Pea"]),
            F("hummus", "What is the main ingredient of hummus?", FOOD, "Chickpeas",
              ["Chickpea", "Garbanzo beans", "Garbanzo"], ["Lentils", "Fava beans", "Peas"]),
            F("sake-grain", "From which grain is Japanese sake brewed?", _name_of("grain"), "Rice", [],
              ["Barley", "Wheat", "Millet"]),
            F("tofu-bean", "Tofu is made from the milk of which bean?", _name_of("bean"), "Soybean",
              ["Soybeans", "Soy", "Soya", "Soya bean", "Soy bean"], ["Kidney bean", "Mung bean", "Lentil"]),
            F("years-millennium", "How many years are there in a millennium?", NUMBER, "1000", [], ["100", "500", "10000"]),
        ],
        "specialist": [
            F("baby-kangaroo", "What is a baby kangaroo called?", WORD, "Joey", [], ["Kit", "Cub", "Calf"]),
            F("group-crows", "What is the collective noun for a group of crows?", WORD, "Murder", [],
              ["Parliament", "Pride", "Gaggle"]),
            F("young-swan", "What is a young swan called?", WORD, "Cygnet", [], ["Gosling", "Duckling", "Eaglet"]),
            F("male-goose", "What is a male goose called?", WORD, "Gander", [], ["Drake", "Cob", "Stag"]),
            F("female-fox", "What is a female fox called?", WORD, "Vixen", [], ["Doe", "Sow", "Jenny"]),
            F("domino-tiles", "How many tiles are in a standard double-six set of dominoes?", NUMBER, "28", [],
              ["24", "32", "36"]),
            F("darts-maximum", "What is the highest score possible with three darts in one turn?", NUMBER, "180", [],
              ["150", "170", "200"]),
            F("snooker-maximum-break", "What is the maximum break in snooker, without free balls?", NUMBER, "147", [],
              ["141", "150", "160"]),
            F("tennis-zero", "In tennis, which word is used for a score of zero?", WORD, "Love", [], ["Nil", "Duck", "Blank"]),
            F("rugby-union-players", "How many players does a rugby union team have on the field at one time?", NUMBER,
              "15", [], ["11", "12", "13"]),
            F("cricket-over", "How many legal deliveries make up an over in cricket?", NUMBER, "6", [], ["4", "5", "10"]),
            F("snooker-black", "How many points is the black ball worth in snooker?", NUMBER, "7", [], ["5", "6", "8"]),
            F("greek-salad-cheese", "Which cheese is traditionally used in a Greek salad?", _name_of("cheese"), "Feta", [],
              ["Halloumi", "Ricotta", "Gouda"]),
            F("manchego-country", "Which country does Manchego cheese come from?", COUNTRY, "Spain", [],
              ["Italy", "Portugal", "France"]),
            F("crocus-spice", "Which spice is made from the dried stigmas of a crocus flower?", _name_of("spice"), "Saffron",
              [], ["Turmeric", "Paprika", "Cardamom"]),
            F("marzipan-nut", "Which nut is the main ingredient of marzipan?", _name_of("nut"), "Almond", ["Almonds"],
              ["Hazelnut", "Walnut", "Cashew"]),
            F("prune-fruit", "Which fruit is dried to make prunes?", _name_of("fruit"), "Plum", ["Plums"],
              ["Grape", "Apricot", "Fig"]),
            F("pure-gold-carats", "How many carats is pure gold?", NUMBER, "24", [], ["18", "20", "22"]),
            F("anniversary-25th", "Which material is traditionally associated with a 25th wedding anniversary?", WORD,
              "Silver", [], ["Gold", "Ruby", "Pearl"]),
            F("dartboard-top", "On a standard dartboard, which number is at the top?", NUMBER, "20", [], ["1", "5", "19"]),
            F("piano-black-keys", "How many black keys does a standard 88-key piano have?", NUMBER, "36", [],
              ["32", "40", "44"]),
            F("poker-best-hand", "What is the highest-ranking hand in standard poker?", _name_of("hand"), "Royal flush", [],
              ["Four of a kind", "Full house", "Three of a kind"]),
            F("pesto-herb", "Which herb is the main ingredient of traditional Genoese pesto?", _name_of("herb"), "Basil", [],
              ["Parsley", "Oregano", "Mint"]),
            F("ladyfinger-dessert", "Which Italian dessert is made of coffee-soaked ladyfingers layered with mascarpone "
              "cream?", _name_of("dessert"), "Tiramisu", ["Tiramisù"], ["Panna cotta", "Cannoli", "Zabaglione"]),
        ],
    },
    "units": {
        "common": [
            F("minutes-hour", "How many minutes are there in an hour?", NUMBER, "60", [], ["30", "90", "100"]),
            F("seconds-minute", "How many seconds are there in a minute?", NUMBER, "60", [], ["30", "90", "100"]),
            F("centimetres-metre", "How many centimetres are there in a metre?", NUMBER, "100", [], ["10", "50", "1000"]),
            F("metres-kilometre", "How many metres are there in a kilometre?", NUMBER, "1000", [], ["100", "500", "10000"]),
            F("grams-kilogram", "How many grams are there in a kilogram?", NUMBER, "1000", [], ["100", "500", "10000"]),
            F("millilitres-litre", "How many millilitres are there in a litre?", NUMBER, "1000", [], ["100", "500", "10000"]),
            F("inches-foot", "How many inches are there in a foot?", NUMBER, "12", [], ["10", "14", "16"]),
            F("feet-yard", "How many feet are there in a yard?", NUMBER, "3", [], ["2", "4", "5"]),
            F("millimetres-centimetre", "How many millimetres are there in a centimetre?", NUMBER, "10", [],
              ["5", "100", "1000"]),
            F("cents-dollar", "How many cents are there in a US dollar?", NUMBER, "100", [], ["10", "50", "1000"]),
            F("dozen", "How many things are there in a dozen?", NUMBER, "12", [], ["10", "13", "20"]),
            F("years-century", "How many years are there in a century?", NUMBER, "100", [], ["10", "50", "1000"]),
            F("abbreviation-kg", "What does the abbreviation 'kg' stand for?", WORD, "Kilogram",
              ["Kilograms", "Kilogramme", "Kilogrammes"], ["Kilometre", "Kilojoule", "Kilolitre"]),
            F("abbreviation-cm", "What does the abbreviation 'cm' stand for?", WORD, "Centimetre",
              ["Centimeter", "Centimetres", "Centimeters"], ["Millimetre", "Decimetre", "Kilometre"]),
            F("minutes-half-hour", "How many minutes are there in half an hour?", NUMBER, "30", [], ["20", "40", "50"]),
            F("quarters-dollar", "How many quarter-dollar coins make one US dollar?", NUMBER, "4", [], ["2", "5", "10"]),
            F("months-quarter-year", "How many months are there in a quarter of a year?", NUMBER, "3", [], ["2", "5", "6"]),
            F("zeros-thousand", "How many zeros are there in one thousand written in digits?", NUMBER, "3", [],
              ["2", "4", "6"]),
            F("days-april", "How many days are there in April?", NUMBER, "30", [], ["28", "29", "31"]),
            F("days-december", "How many days are there in December?", NUMBER, "31", [], ["28", "29", "30"]),
            F("abbreviation-mph", "What does the abbreviation 'mph' stand for?", PHRASE, "Miles per hour", ["Mile per hour"],
              ["Metres per hour", "Minutes per hour", "Moves per hour"]),
            F("weeks-year", "How many full weeks are there in a year?", NUMBER, "52", [], ["48", "50", "56"]),
            F("hundreds-thousand", "How many hundreds make one thousand?", NUMBER, "10", [], ["5", "8", "20"]),
            F("years-two-decades", "How many years are there in two decades?", NUMBER, "20", [], ["12", "24", "30"]),
        ],
        "school": [
            F("seconds-hour", "How many seconds are there in an hour?", NUMBER, "3600", [], ["360", "600", "6000"]),
            F("hours-week", "How many hours are there in a week?", NUMBER, "168", [], ["144", "148", "186"]),
            F("ounces-pound", "How many ounces are there in a pound?", NUMBER, "16", [], ["10", "14", "20"]),
            F("pounds-stone", "How many pounds are there in a stone?", NUMBER, "14", [], ["10", "12", "16"]),
            F("yards-mile", "How many yards are there in a mile?", NUMBER, "1760", [], ["1600", "1700", "1780"]),
            F("feet-mile", "How many feet are there in a mile?", NUMBER, "5280", [], ["5000", "5200", "5300"]),
            F("centimetres-inch", "Exactly how many centimetres are there in an inch?", NUMBER, "2.54", [],
              ["2.45", "2.64", "3.54"]),
            F("si-force", "What is the SI unit of force?", UNIT, "Newton", ["Newtons"], ["Joule", "Pascal", "Watt"]),
            F("si-energy", "What is the SI unit of energy?", UNIT, "Joule", ["Joules"], ["Watt", "Newton", "Volt"]),
            F("si-power", "What is the SI unit of power?", UNIT, "Watt", ["Watts"], ["Joule", "Volt", "Ampere"]),
            F("si-charge-flow", "Which SI base unit measures the rate of flow of electric charge?", UNIT, "Ampere",
              ["Amperes", "Amp", "Amps"], ["Volt", "Ohm", "Coulomb"]),
            F("unit-resistance", "In which unit is electrical resistance measured?", UNIT, "Ohm", ["Ohms"],
              ["Volt", "Ampere", "Farad"]),
            F("fahrenheit-freezing", "At how many degrees Fahrenheit does pure water freeze?", NUMBER, "32", [],
              ["28", "30", "36"]),
            F("fahrenheit-boiling", "At how many degrees Fahrenheit does water boil at sea level?", NUMBER, "212", [],
              ["180", "200", "220"]),
            F("kelvin-zero-celsius", "What is 0 degrees Celsius in kelvin, to the nearest whole number?", NUMBER, "273",
              ["273.15"], ["173", "263", "373"]),
            F("bits-byte", "How many bits are there in a byte?", NUMBER, "8", [], ["4", "10", "16"]),
            F("kilograms-tonne", "How many kilograms are there in a metric tonne?", NUMBER, "1000", [],
              ["100", "2000", "10000"]),
            F("prefix-milli", "What fraction of a unit does the prefix 'milli' mean?", PHRASE, "One thousandth",
              ["Thousandth", "1/1000", "0.001"], ["One hundredth", "One millionth", "One tenth"]),
            F("prefix-mega", "By what factor does the prefix 'mega' multiply a unit?", WORD, "Million",
              ["One million", "1000000", "1,000,000"], ["Thousand", "Billion", "Hundred"]),
            F("square-metres-hectare", "How many square metres are there in a hectare?", NUMBER, "10000", [],
              ["1000", "5000", "100000"]),
            F("litres-cubic-metre", "How many litres are there in a cubic metre?", NUMBER, "1000", [], ["10", "100", "10000"]),
            F("minutes-day", "How many minutes are there in a day?", NUMBER, "1440", [], ["1240", "1400", "1480"]),
            F("pints-gallon", "How many pints are there in a gallon?", NUMBER, "8", [], ["4", "6", "10"]),
            F("cycle-per-second", "Which SI unit equals one cycle per second?", UNIT, "Hertz", [], ["Watt", "Joule", "Pascal"]),
        ],
        "specialist": [
            F("si-magnetic-flux", "What is the SI unit of magnetic flux?", UNIT, "Weber", ["Webers"], ["Tesla", "Henry", "Farad"]),
            F("si-flux-density", "What is the SI unit of magnetic flux density?", UNIT, "Tesla", ["Teslas"],
              ["Weber", "Gauss", "Henry"]),
            F("si-inductance", "What is the SI unit of inductance?", UNIT, "Henry", ["Henries", "Henrys"],
              ["Farad", "Weber", "Tesla"]),
            F("si-capacitance", "What is the SI unit of electrical capacitance?", UNIT, "Farad", ["Farads"],
              ["Henry", "Coulomb", "Ohm"]),
            F("si-charge", "What is the SI unit of electric charge?", UNIT, "Coulomb", ["Coulombs"],
              ["Ampere", "Volt", "Farad"]),
            F("si-luminous-intensity", "What is the SI base unit of luminous intensity?", UNIT, "Candela", ["Candelas"],
              ["Lumen", "Lux", "Watt"]),
            F("si-illuminance", "What is the SI unit of illuminance?", UNIT, "Lux", [], ["Lumen", "Candela", "Nit"]),
            F("si-radioactivity", "What is the SI unit of radioactivity, equal to one decay per second?", UNIT, "Becquerel",
              ["Becquerels"], ["Curie", "Gray", "Sievert"]),
            F("si-absorbed-dose", "What is the SI unit of absorbed radiation dose?", UNIT, "Gray", ["Grays"],
              ["Sievert", "Becquerel", "Rad"]),
            F("si-amount-substance", "What is the SI base unit of amount of substance?", UNIT, "Mole", ["Moles", "Mol"],
              ["Kilogram", "Kelvin", "Candela"]),
            F("si-temperature", "What is the SI base unit of thermodynamic temperature?", UNIT, "Kelvin", ["Kelvins"],
              ["Celsius", "Fahrenheit", "Rankine"]),
            F("si-plane-angle", "What is the SI unit of plane angle?", UNIT, "Radian", ["Radians"],
              ["Degree", "Steradian", "Gradian"]),
            F("metres-nautical-mile", "How many metres are there in an international nautical mile?", NUMBER, "1852", [],
              ["1609", "1760", "1950"]),
            F("metres-mile", "To the nearest metre, how many metres are there in an international mile?", NUMBER, "1609",
              ["1609.344"], ["1500", "1690", "1852"]),
            F("yards-chain", "How many yards are there in a chain, the old surveying unit?", NUMBER, "22", [],
              ["20", "24", "33"]),
            F("chains-furlong", "How many chains are there in a furlong?", NUMBER, "10", [], ["8", "12", "22"]),
            F("furlongs-mile", "How many furlongs are there in a mile?", NUMBER, "8", [], ["6", "10", "12"]),
            F("feet-fathom", "How many feet are there in a fathom?", NUMBER, "6", [], ["3", "5", "8"]),
            F("pounds-short-ton", "How many pounds are there in a US short ton?", NUMBER, "2000", [],
              ["1800", "2240", "2500"]),
            F("prefix-giga-power", "The SI prefix 'giga' means ten to the power of what number?", NUMBER, "9", [],
              ["3", "6", "12"]),
            F("prefix-ten-twelve", "Which SI prefix means a factor of ten to the power 12?", PREFIX, "Tera", [],
              ["Giga", "Peta", "Exa"]),
            F("prefix-billionth", "Which SI prefix means one billionth (ten to the power minus 9)?", PREFIX, "Nano", [],
              ["Micro", "Pico", "Femto"]),
            F("acres-square-mile", "How many acres are there in a square mile?", NUMBER, "640", [], ["480", "600", "720"]),
            F("speed-of-light-exact", "Exactly how many metres per second is the speed of light in a vacuum?", NUMBER,
              "299792458", [], ["299792548", "299797458", "299782458"]),
        ],
    },
    "literature-language": {
        "common": [
            F("author-harry-potter", "Who wrote the Harry Potter books?", NAME, "J. K. Rowling",
              ["Rowling", "J.K. Rowling", "JK Rowling", "Joanne Rowling"], ["Roald Dahl", "C. S. Lewis", "Philip Pullman"]),
            F("opposite-up", "What is the opposite of 'up'?", WORD, "Down", [], ["Over", "Under", "Across"]),
            F("plural-child", "What is the plural of 'child'?", WORD, "Children", [], ["Childs", "Childes", "Childrens"]),
            F("plural-mouse", "What is the plural of 'mouse' when it means the animal?", WORD, "Mice", [],
              ["Mouses", "Mices", "Meese"]),
            F("past-go", "What is the past tense of 'go'?", WORD, "Went", [], ["Goed", "Gone", "Goes"]),
            F("letters-alphabet", "How many letters are there in the English alphabet?", NUMBER, "26", [],
              ["24", "25", "28"]),
            F("opposite-happy", "What is the opposite of 'happy'?", WORD, "Sad", ["Unhappy"], ["Angry", "Glad", "Calm"]),
            F("language-bonjour", "In which language is 'bonjour' a greeting?", LANGUAGE, "French", [],
              ["Spanish", "Italian", "Portuguese"]),
            F("language-hola", "In which language does 'hola' mean hello?", LANGUAGE, "Spanish", [],
              ["Italian", "Portuguese", "French"]),
            F("meaning-gracias", "What does the Spanish word 'gracias' mean in English?", PHRASE, "Thank you", ["Thanks"],
              ["Please", "Hello", "Goodbye"]),
            F("glass-slipper", "Which fairy-tale character leaves behind a glass slipper?", NAME, "Cinderella", [],
              ["Snow White", "Rapunzel", "Sleeping Beauty"]),
            F("red-riding-hood-woods", "In the fairy tale, what animal does Little Red Riding Hood meet in the woods?",
              ANIMAL, "Wolf", [], ["Bear", "Fox", "Lion"]),
            F("author-romeo-juliet", "Who wrote the play 'Romeo and Juliet'?", NAME, "William Shakespeare", ["Shakespeare"],
              ["Charles Dickens", "Christopher Marlowe", "Ben Jonson"]),
            F("never-grows-up", "Which boy who never grows up was created by J. M. Barrie?", NAME, "Peter Pan", [],
              ["Oliver Twist", "Tom Sawyer", "Pinocchio"]),
            F("nose-grows", "What is the name of the wooden puppet whose nose grows when he lies?", NAME, "Pinocchio", [],
              ["Geppetto", "Pierrot", "Punch"]),
            F("language-ciao", "In which language is 'ciao' a greeting?", LANGUAGE, "Italian", [],
              ["Spanish", "French", "Greek"]),
            F("mark-end-question", "Which punctuation mark goes at the end of a question?", MARK, "Question mark", [],
              ["Full stop", "Comma", "Exclamation mark"]),
            F("plural-foot", "What is the plural of 'foot'?", WORD, "Feet", [], ["Foots", "Feets", "Footes"]),
            F("past-eat", "What is the past tense of 'eat'?", WORD, "Ate", [], ["Eated", "Eaten", "Eats"]),
            F("opposite-always", "What is the opposite of 'always'?", WORD, "Never", [], ["Sometimes", "Often", "Rarely"]),
            F("language-brazil", "What is the main language spoken in Brazil?", LANGUAGE, "Portuguese", [],
              ["Spanish", "Italian", "French"]),
            F("opposite-full", "What is the opposite of 'full'?", WORD, "Empty", [], ["Heavy", "Open", "Closed"]),
            F("author-chocolate-factory", "Who wrote 'Charlie and the Chocolate Factory'?", NAME, "Roald Dahl", ["Dahl"],
              ["Enid Blyton", "Dr. Seuss", "Beatrix Potter"]),
            F("plural-tooth", "What is the plural of 'tooth'?", WORD, "Teeth", [], ["Tooths", "Teeths", "Toothes"]),
        ],
        "school": [
            F("author-hamlet", "Who wrote 'Hamlet'?", NAME, "William Shakespeare", ["Shakespeare"],
              ["Christopher Marlowe", "Ben Jonson", "John Milton"]),
            F("author-pride-prejudice", "Who wrote 'Pride and Prejudice'?", NAME, "Jane Austen", ["Austen"],
              ["Charlotte Brontë", "George Eliot", "Elizabeth Gaskell"]),
            F("author-nineteen-eighty-four", "Who wrote the novel 'Nineteen Eighty-Four'?", NAME, "George Orwell",
              ["Orwell", "Eric Blair", "Eric Arthur Blair"], ["Aldous Huxley", "H. G. Wells", "Ray Bradbury"]),
            F("author-oliver-twist", "Who wrote 'Oliver Twist'?", NAME, "Charles Dickens", ["Dickens"],
              ["Thomas Hardy", "William Thackeray", "Anthony Trollope"]),
            F("author-war-peace", "Who wrote 'War and Peace'?", NAME, "Leo Tolstoy", ["Tolstoy", "Lev Tolstoy"],
              ["Fyodor Dostoevsky", "Anton Chekhov", "Ivan Turgenev"]),
            F("poet-odyssey", "Which ancient Greek poet is traditionally credited with the epic poem 'The Odyssey'?", NAME,
              "Homer", [], ["Virgil", "Hesiod", "Sophocles"]),
            F("creator-sherlock-holmes", "Who created the detective Sherlock Holmes?", NAME, "Arthur Conan Doyle",
              ["Conan Doyle", "Sir Arthur Conan Doyle", "Doyle"], ["Agatha Christie", "Edgar Allan Poe", "Wilkie Collins"]),
            F("author-alice-wonderland", "Who wrote 'Alice's Adventures in Wonderland'?", NAME, "Lewis Carroll",
              ["Carroll", "Charles Dodgson", "Charles Lutwidge Dodgson"], ["Edward Lear", "J. M. Barrie", "Kenneth Grahame"]),
            F("author-don-quixote", "Who wrote 'Don Quixote'?", NAME, "Miguel de Cervantes", ["Cervantes"],
              ["Lope de Vega", "Pedro Calderón de la Barca", "Francisco de Quevedo"]),
            F("author-divine-comedy", "Who wrote 'The Divine Comedy'?", NAME, "Dante Alighieri", ["Dante"],
              ["Petrarch", "Boccaccio", "Virgil"]),
            F("word-opposite-meaning", "What is a word opposite in meaning to another word called?", WORD, "Antonym",
              ["Antonyms"], ["Synonym", "Homonym", "Acronym"]),
            F("word-same-meaning", "What is a word with the same meaning as another word called?", WORD, "Synonym",
              ["Synonyms"], ["Antonym", "Homonym", "Pseudonym"]),
            F("reads-both-ways", "What is a word that reads the same forwards and backwards, such as 'level', called?", WORD,
              "Palindrome", [], ["Anagram", "Acronym", "Homophone"]),
            F("like-or-as", "Which figure of speech compares two things using 'like' or 'as'?", TERM, "Simile", [],
              ["Metaphor", "Hyperbole", "Personification"]),
            F("word-class-quickly", "What part of speech is the word 'quickly'?", TERM, "Adverb", [],
              ["Adjective", "Verb", "Noun"]),
            F("fourteen-line-poem", "What is a fourteen-line poem with a set rhyme scheme traditionally called?", TERM,
              "Sonnet", [], ["Haiku", "Limerick", "Ode"]),
            F("lines-limerick", "How many lines does a limerick have?", NUMBER, "5", [], ["3", "4", "6"]),
            F("syllables-haiku", "How many syllables does a traditional haiku have in total?", NUMBER, "17", [],
              ["14", "15", "19"]),
            F("language-guten-morgen", "In which language is 'Guten Morgen' a greeting?", LANGUAGE, "German", [],
              ["Dutch", "Danish", "Swedish"]),
            F("meaning-carpe-diem", "What does the Latin phrase 'carpe diem' mean in English?", PHRASE, "Seize the day", [],
              ["Remember death", "Know thyself", "Love conquers all"]),
            F("author-tom-sawyer", "Who wrote 'The Adventures of Tom Sawyer'?", NAME, "Mark Twain",
              ["Twain", "Samuel Clemens", "Samuel Langhorne Clemens"], ["Herman Melville", "Nathaniel Hawthorne", "Jack London"]),
            F("author-frankenstein", "Who wrote the novel 'Frankenstein' (1818)?", NAME, "Mary Shelley",
              ["Mary Wollstonecraft Shelley"], ["Bram Stoker", "Emily Brontë", "Robert Louis Stevenson"]),
            F("main-character", "What is the main character of a story called?", TERM, "Protagonist", [],
              ["Antagonist", "Narrator", "Villain"]),
            F("author-jane-eyre", "Who wrote the novel 'Jane Eyre'?", NAME, "Charlotte Brontë",
              ["Charlotte Bronte", "Currer Bell"], ["Emily Brontë", "Anne Brontë", "Jane Austen"]),
        ],
        "specialist": [
            F("author-middlemarch", "Who wrote the novel 'Middlemarch'?", NAME, "George Eliot", ["Mary Ann Evans", "Eliot"],
              ["Elizabeth Gaskell", "Thomas Hardy", "Anthony Trollope"]),
            F("author-brothers-karamazov", "Who wrote 'The Brothers Karamazov'?", NAME, "Fyodor Dostoevsky",
              ["Dostoevsky", "Dostoyevsky", "Fyodor Dostoyevsky"], ["Leo Tolstoy", "Ivan Turgenev", "Nikolai Gogol"]),
            F("author-dead-souls", "Who wrote the novel 'Dead Souls'?", NAME, "Nikolai Gogol", ["Gogol"],
              ["Ivan Goncharov", "Alexander Pushkin", "Ivan Turgenev"]),
            F("author-madame-bovary", "Who wrote 'Madame Bovary'?", NAME, "Gustave Flaubert", ["Flaubert"],
              ["Honoré de Balzac", "Émile Zola", "Stendhal"]),
            F("author-red-and-black", "Who wrote the novel 'The Red and the Black' (1830)?", NAME, "Stendhal",
              ["Marie-Henri Beyle", "Henri Beyle"], ["Honoré de Balzac", "Gustave Flaubert", "Victor Hugo"]),
            F("author-moby-dick", "Who wrote 'Moby-Dick'?", NAME, "Herman Melville", ["Melville"],
              ["Nathaniel Hawthorne", "Washington Irving", "James Fenimore Cooper"]),
            F("author-canterbury-tales", "Who wrote 'The Canterbury Tales'?", NAME, "Geoffrey Chaucer", ["Chaucer"],
              ["John Gower", "William Langland", "Edmund Spenser"]),
            F("author-paradise-lost", "Who wrote the epic poem 'Paradise Lost'?", NAME, "John Milton", ["Milton"],
              ["John Dryden", "Edmund Spenser", "Alexander Pope"]),
            F("poet-aeneid", "Which Roman poet wrote the 'Aeneid'?", NAME, "Virgil", ["Vergil", "Publius Vergilius Maro"],
              ["Ovid", "Horace", "Lucretius"]),
            F("poet-metamorphoses", "Which Roman poet wrote the fifteen-book poem 'Metamorphoses'?", NAME, "Ovid",
              ["Publius Ovidius Naso"], ["Virgil", "Horace", "Catullus"]),
            F("author-hundred-years-solitude", "Who wrote 'One Hundred Years of Solitude'?", NAME, "Gabriel García Márquez",
              ["García Márquez", "Garcia Marquez", "Gabriel Garcia Marquez", "Márquez", "Marquez"],
              ["Mario Vargas Llosa", "Jorge Luis Borges", "Julio Cortázar"]),
            F("author-the-trial", "Who wrote the novel 'The Trial' (1925), about Josef K.?", NAME, "Franz Kafka", ["Kafka"],
              ["Thomas Mann", "Hermann Hesse", "Robert Musil"]),
            F("author-faust", "Who wrote the two-part German verse drama 'Faust'?", NAME, "Goethe",
              ["Johann Wolfgang von Goethe", "Johann Wolfgang Goethe"], ["Schiller", "Heine", "Lessing"]),
            F("author-tale-of-genji", "Who wrote 'The Tale of Genji'?", NAME, "Murasaki Shikibu", ["Lady Murasaki", "Murasaki"],
              ["Sei Shōnagon", "Yoshida Kenkō", "Ono no Komachi"]),
            F("poet-old-pond-frog", "Which Japanese poet wrote the famous haiku about a frog jumping into an old pond?", NAME,
              "Matsuo Bashō", ["Bashō", "Basho", "Matsuo Basho"], ["Kobayashi Issa", "Yosa Buson", "Masaoka Shiki"]),
            F("nineteen-line-poem", "What is a nineteen-line poem with two repeating refrains, such as 'Do not go gentle into "
              "that good night', called?", TERM, "Villanelle", [], ["Sestina", "Sonnet", "Rondeau"]),
            F("blended-word", "What is a word formed by blending two words, such as 'brunch', called?", TERM, "Portmanteau",
              ["Portmanteau word"], ["Acronym", "Palindrome", "Oxymoron"]),
            F("contradictory-terms", "What is a figure of speech that joins contradictory terms, such as 'deafening "
              "silence', called?", TERM, "Oxymoron", [], ["Hyperbole", "Litotes", "Euphemism"]),
            F("understatement-negative", "What is the figure of speech that uses understatement by negating the opposite, "
              "such as 'not bad' for 'good'?", TERM, "Litotes", [], ["Hyperbole", "Oxymoron", "Zeugma"]),
            F("dot-over-i", "What is the dot over a lowercase 'i' or 'j' called?", TERM, "Tittle", [],
              ["Serif", "Umlaut", "Macron"]),
            F("symbol-ampersand", "What is the name of the symbol '&'?", SYMBOL_NAME, "Ampersand", [],
              ["Asterisk", "Octothorpe", "Tilde"]),
            F("author-monte-cristo", "Who wrote 'The Count of Monte Cristo'?", NAME, "Alexandre Dumas", ["Dumas"],
              ["Victor Hugo", "Jules Verne", "Honoré de Balzac"]),
            F("author-master-margarita", "Who wrote 'The Master and Margarita'?", NAME, "Mikhail Bulgakov", ["Bulgakov"],
              ["Boris Pasternak", "Vladimir Nabokov", "Maxim Gorky"]),
            F("author-things-fall-apart", "Who wrote the novel 'Things Fall Apart' (1958)?", NAME, "Chinua Achebe",
              ["Achebe"], ["Wole Soyinka", "Ngũgĩ wa Thiong'o", "Ben Okri"]),
        ],
    },
    "how-things-work": {
        "common": [
            F("thermometer-measures", "What does a thermometer measure?", WORD, "Temperature", [],
              ["Pressure", "Weight", "Speed"]),
            F("clock-measures", "What does a clock measure?", WORD, "Time", [], ["Distance", "Weight", "Speed"]),
            F("needle-direction", "Which device uses a magnetised needle to show direction?", DEVICE, "Compass", [],
              ["Barometer", "Sextant", "Telescope"]),
            F("keeps-food-cold", "Which kitchen appliance keeps food cold?", DEVICE, "Refrigerator", ["Fridge"],
              ["Oven", "Toaster", "Dishwasher"]),
            F("magnet-metal", "Which common metal is strongly attracted to a magnet?", _name_of("metal"), "Iron", [],
              ["Copper", "Aluminium", "Gold"]),
            F("small-print", "Which hand-held device with a lens makes small print look bigger?", DEVICE, "Magnifying glass",
              ["Magnifier"], ["Mirror", "Prism", "Periscope"]),
            F("balloons-float", "Which gas makes party balloons float?", GAS, "Helium", [],
              ["Oxygen", "Nitrogen", "Carbon dioxide"]),
            F("pedal-slow-down", "Which pedal do you press to slow down a car?", NAME, "Brake", ["Brake pedal"],
              ["Accelerator", "Clutch", "Throttle"]),
            F("boil-water-tea", "Which kitchen appliance is used to boil water for tea?", DEVICE, "Kettle", [],
              ["Toaster", "Blender", "Oven"]),
            F("bicycle-feet", "Which parts of a bicycle do you push with your feet?", PART, "Pedals", ["Pedal"],
              ["Handlebars", "Spokes", "Saddle"]),
            F("solar-panels-make", "What do photovoltaic solar panels turn sunlight into?", WORD, "Electricity",
              ["Electrical energy", "Electric power"], ["Gas", "Water", "Sound"]),
            F("see-distant-stars", "Which device is used to look at distant stars?", DEVICE, "Telescope", [],
              ["Microscope", "Periscope", "Stethoscope"]),
            F("see-tiny-cells", "Which device is used to look at tiny things such as cells?", DEVICE, "Microscope", [],
              ["Telescope", "Periscope", "Kaleidoscope"]),
            F("listen-heartbeat", "Which instrument do doctors use to listen to a heartbeat?", INSTRUMENT, "Stethoscope", [],
              ["Thermometer", "Microscope", "Otoscope"]),
            F("lift-building-site", "Which machine lifts heavy loads on building sites with a hook on a cable?", MACHINE,
              "Crane", [], ["Bulldozer", "Excavator", "Forklift"]),
            F("sailing-boat-push", "What pushes a sailing boat along?", WORD, "Wind", [], ["Engine", "Oars", "Steam"]),
            F("time-on-wrist", "What is the device worn on the wrist to tell the time called?", DEVICE, "Watch",
              ["Wristwatch"], ["Bracelet", "Compass", "Timer"]),
            F("spectacles-see", "What curved pieces of glass or plastic in spectacles help people see clearly?", WORD,
              "Lenses", ["Lens"], ["Mirrors", "Prisms", "Filters"]),
            F("cool-with-blades", "Which electric device cools people by blowing air with spinning blades?", DEVICE, "Fan",
              ["Electric fan"], ["Heater", "Radiator", "Humidifier"]),
            F("wakes-you-up", "Which device rings to wake you up in the morning?", DEVICE, "Alarm clock", ["Alarm"],
              ["Doorbell", "Timer", "Radio"]),
            F("rotor-blades-on-top", "Which flying machine has spinning rotor blades on top?", MACHINE, "Helicopter", [],
              ["Airplane", "Glider", "Blimp"]),
            F("driver-holds-round", "Which round part of a car does the driver turn to steer?", PART, "Steering wheel", [],
              ["Gearstick", "Dashboard", "Handbrake"]),
            F("puts-documents-on-paper", "Which machine puts documents from a computer onto paper?", MACHINE, "Printer", [],
              ["Scanner", "Monitor", "Keyboard"]),
            F("sucks-up-dust", "Which household machine sucks up dust from floors and carpets?", MACHINE, "Vacuum cleaner",
              ["Vacuum"], ["Dishwasher", "Washing machine", "Mop"]),
        ],
        "school": [
            F("measures-air-pressure", "Which instrument measures air pressure?", INSTRUMENT, "Barometer", [],
              ["Thermometer", "Hygrometer", "Anemometer"]),
            F("measures-wind-speed", "Which instrument measures wind speed?", INSTRUMENT, "Anemometer", [],
              ["Barometer", "Hygrometer", "Altimeter"]),
            F("magnifying-lens-type", "What type of lens does a magnifying glass use?", WORD, "Convex",
              ["Convex lens", "Converging", "Converging lens"], ["Concave", "Diverging", "Cylindrical"]),
            F("electric-motor-output", "What does an electric motor convert electrical energy into?", ENERGY,
              "Mechanical energy", ["Kinetic energy", "Motion", "Movement"],
              ["Chemical energy", "Light energy", "Sound energy"]),
            F("transformer-changes", "What does an electrical transformer mainly change?", WORD, "Voltage", [],
              ["Frequency", "Resistance", "Power"]),
            F("ramp-machine", "Which simple machine is a sloping surface used to raise loads, such as a ramp?", MACHINE,
              "Inclined plane", [], ["Lever", "Pulley", "Wedge"]),
            F("bar-on-fulcrum", "Which simple machine is a rigid bar that turns on a fulcrum?", MACHINE, "Lever", [],
              ["Pulley", "Wedge", "Screw"]),
            F("grooved-wheel-rope", "Which simple machine uses a grooved wheel and a rope to lift loads?", MACHINE, "Pulley",
              [], ["Lever", "Wedge", "Screw"]),
            F("wire-melts", "Which safety device in a circuit has a wire that melts if too much electricity flows?", DEVICE,
              "Fuse", [], ["Switch", "Resistor", "Capacitor"]),
            F("camera-opens-closes", "Which part of a camera opens and closes to let light in for a set time?", PART,
              "Shutter", [], ["Lens", "Sensor", "Viewfinder"]),
            F("fire-needs-gas", "Which gas from the air does a fire need to keep burning?", GAS, "Oxygen", [],
              ["Nitrogen", "Helium", "Carbon dioxide"]),
            F("siren-pitch", "What is the name of the effect that makes a passing ambulance siren change pitch?", EFFECT,
              "Doppler effect", ["Doppler", "Doppler shift"], ["Resonance", "Refraction", "Interference"]),
            F("stretched-spring-energy", "What kind of energy is stored in a stretched spring?", ENERGY, "Potential energy",
              ["Elastic potential energy", "Elastic energy", "Strain energy"],
              ["Kinetic energy", "Thermal energy", "Nuclear energy"]),
            F("light-bends-water", "What is the bending of light as it passes from air into water called?", WORD,
              "Refraction", [], ["Reflection", "Diffraction", "Dispersion"]),
            F("light-bounces-mirror", "What is the bouncing of light off a mirror called?", WORD, "Reflection", [],
              ["Refraction", "Diffraction", "Absorption"]),
            F("computer-runs-instructions", "Which part of a computer carries out the instructions of a program?", PART,
              "CPU", ["Central processing unit", "Processor", "Microprocessor"], ["Hard drive", "Power supply", "Monitor"]),
            F("zeros-and-ones", "Which number system, using only the digits 0 and 1, do computers use internally?", WORD,
              "Binary", [], ["Decimal", "Hexadecimal", "Octal"]),
            F("turns-lamp-on-off", "Which device opens or closes a circuit to turn a lamp on or off?", DEVICE, "Switch", [],
              ["Fuse", "Resistor", "Battery"]),
            F("compass-points", "Towards which direction does the marked end of a compass needle point?", _name_of("direction"),
              "North", ["Magnetic north"], ["South", "East", "West"]),
            F("dewar-gap", "What is in the gap between the two walls of a Dewar flask that stops heat passing by "
              "conduction and convection?", WORD, "Vacuum", ["A vacuum"], ["Air", "Water", "Foam"]),
            F("battery-one-direction", "A battery supplies electricity that flows in one direction only. What is this "
              "called?", TERM, "Direct current", ["DC"], ["Alternating current", "Static electricity", "Three-phase power"]),
            F("led-stands-for", "What does the abbreviation LED stand for?", PHRASE, "Light-emitting diode",
              ["Light emitting diode"], ["Low-energy device", "Light-emitting display", "Laser-emitting diode"]),
            F("force-rubbing", "What is the force that resists motion between two surfaces rubbing together?", WORD,
              "Friction", [], ["Gravity", "Inertia", "Tension"]),
            F("ships-float-principle", "Which ancient Greek scientist's principle explains why ships float?", NAME,
              "Archimedes", [], ["Pythagoras", "Euclid", "Aristotle"]),
        ],
        "specialist": [
            F("stroke-after-compression", "In a four-stroke petrol engine, which stroke comes right after the compression "
              "stroke?", WORD, "Power", ["Power stroke", "Combustion", "Combustion stroke", "Expansion"],
              ["Intake", "Exhaust", "Induction"]),
            F("compression-ignition", "Which type of engine ignites its fuel by the heat of compression alone, without a "
              "spark plug?", ENGINE, "Diesel engine", ["Diesel"], ["Petrol engine", "Wankel engine", "Steam engine"]),
            F("law-v-equals-ir", "Which physicist is the law V = IR named after?", NAME, "Georg Ohm", ["Ohm", "Georg Simon Ohm"],
              ["Alessandro Volta", "André-Marie Ampère", "Gustav Kirchhoff"]),
            F("induction-1831", "Which scientist discovered electromagnetic induction in 1831?", NAME, "Michael Faraday",
              ["Faraday"], ["James Clerk Maxwell", "André-Marie Ampère", "Hans Christian Ørsted"]),
            F("ac-to-dc", "Which device converts AC electricity into DC?", DEVICE, "Rectifier", [],
              ["Inverter", "Transformer", "Oscillator"]),
            F("three-terminal-amplifier", "Which three-terminal semiconductor device is used to amplify or switch electronic "
              "signals?", COMPONENT, "Transistor", [], ["Diode", "Capacitor", "Resistor"]),
            F("bulb-filament-metal", "Of which metal is the filament of an ordinary incandescent light bulb usually made?",
              _name_of("metal"), "Tungsten", ["Wolfram"], ["Copper", "Nickel", "Iron"]),
            F("fridge-absorbs-heat", "In a refrigerator, in which component does the refrigerant absorb heat from inside "
              "the fridge?", COMPONENT, "Evaporator", [], ["Condenser", "Compressor", "Expansion valve"]),
            F("reactor-slows-neutrons", "In a nuclear reactor, what is the material that slows down fast neutrons called?",
              TERM, "Moderator", [], ["Control rod", "Coolant", "Containment"]),
            F("mach-one", "An aircraft flying at Mach 1 is travelling at what speed?", PHRASE, "Speed of sound",
              ["The speed of sound"], ["Speed of light", "Escape velocity", "Terminal velocity"]),
            F("pistons-to-rotation", "Which engine part turns the up-and-down motion of the pistons into rotation?", PART,
              "Crankshaft", [], ["Camshaft", "Flywheel", "Driveshaft"]),
            F("sonar-sends", "What does sonar send out to detect objects underwater?", WORD, "Sound waves",
              ["Sound", "Sound pulses", "Ultrasound"], ["Radio waves", "Light pulses", "Microwaves"]),
            F("quartz-watch-effect", "Which effect makes the quartz crystal in a quartz watch vibrate when a voltage is "
              "applied?", EFFECT, "Piezoelectric effect", ["Piezoelectricity", "Piezoelectric"],
              ["Photoelectric effect", "Thermoelectric effect", "Hall effect"]),
            F("stores-charge-plates", "Which electronic component stores energy in an electric field between two plates?",
              COMPONENT, "Capacitor", [], ["Inductor", "Resistor", "Transformer"]),
            F("one-direction-component", "Which electronic component lets electricity flow in one direction only?",
              COMPONENT, "Diode", [], ["Resistor", "Capacitor", "Inductor"]),
            F("golden-gate-type", "What type of bridge is the Golden Gate Bridge, with its deck hung from cables slung "
              "between two towers?", BRIDGE, "Suspension bridge", ["Suspension"],
              ["Cable-stayed bridge", "Arch bridge", "Cantilever bridge"]),
            F("clock-releases-gears", "Which mechanism in a mechanical clock releases the gear train one tooth at a time?",
              MECHANISM, "Escapement", [], ["Mainspring", "Flywheel", "Governor"]),
            F("wheels-different-speeds", "Which part of a car's drivetrain lets the wheels on one axle turn at different "
              "speeds when cornering?", PART, "Differential", [], ["Gearbox", "Clutch", "Flywheel"]),
            F("zinc-coating", "What is the process of coating steel or iron with zinc to protect it from rust called?",
              PROCESS, "Galvanisation", ["Galvanization", "Galvanising", "Galvanizing"],
              ["Anodising", "Tempering", "Nitriding"]),
            F("glass-slow-cooling", "What is the process of heating glass and cooling it slowly to remove internal stresses "
              "called?", PROCESS, "Annealing", [], ["Tempering", "Quenching", "Sintering"]),
            F("induction-opposes", "Which law says that an induced electromagnetic effect always opposes the change that "
              "caused it?", LAW, "Lenz's law", ["Lenz’s law", "Lenz"], ["Ohm's law", "Coulomb's law", "Hooke's law"]),
            F("pressure-inverse-volume", "Which gas law says that, at constant temperature, the pressure of a gas is "
              "inversely proportional to its volume?", LAW, "Boyle's law", ["Boyle’s law", "Boyle"],
              ["Charles's law", "Gay-Lussac's law", "Avogadro's law"]),
            F("escape-gravity-speed", "What is the minimum speed an object needs to break free of a planet's gravity, "
              "without further propulsion, called?", TERM, "Escape velocity", [],
              ["Orbital velocity", "Terminal velocity", "Critical velocity"]),
            F("light-ejects-electrons", "What is the effect in which light knocks electrons out of a metal surface, "
              "explained by Einstein in 1905?", EFFECT, "Photoelectric effect", ["Photoelectric"],
              ["Compton effect", "Zeeman effect", "Doppler effect"]),
        ],
    },
}


# ---------------------------------------------------------------- aliases and sanity


_ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
         "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def _number_words(n: int) -> str | None:
    """English words for 0..100 and 1000 (the numbers a reply may spell out), else None."""
    if n < 20:
        return _ONES[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return _TENS[tens] + (f"-{_ONES[ones]}" if ones else "")
    return {100: "one hundred", 1000: "one thousand"}.get(n)


def _accepted(fact: Fact) -> list[str]:
    """The canonical answer, its written aliases, and for numbers their word and comma-grouped forms."""
    accept = [fact.answer, *fact.aliases]
    if fact.ask == NUMBER and fact.answer.isdigit():
        n = int(fact.answer)
        if (words := _number_words(n)) is not None:
            accept.append(words)
        if n >= 1000:
            accept.append(f"{n:,}")
    return list(dict.fromkeys(accept))


_NUMBER = re.compile(r"(?<![\w.])-?\d{1,15}(?:,\d{3})*(?:\.\d+)?(?!\w)")


def _mentions(text: str, value: str) -> bool:
    """Whether `text` names `value` as a whole word or phrase; numbers by value ('3,600' names 3600, not 600)."""
    if re.fullmatch(r"-?\d[\d,]*(?:\.\d+)?", value):
        return float(value.replace(",", "")) in [float(m.replace(",", "")) for m in _NUMBER.findall(text)]
    return re.search(rf"(?<!\w){re.escape(value)}(?!\w)", text, re.IGNORECASE) is not None


def _check(domain: str, tier: str, fact: Fact) -> None:
    """Refuse a fact a whole-word check could not tell apart from its distractors, or that gives itself away."""
    where = f"{domain}/{tier}-{fact.slug}"
    assert re.fullmatch(r"[a-z0-9-]+", fact.slug), where
    assert len(fact.distractors) == 3 and len(set(d.lower() for d in fact.distractors)) == 3, where
    accept = _accepted(fact)
    for d in fact.distractors:
        for a in accept:
            assert not (_mentions(a, d) or _mentions(d, a)), (where, a, d)
        assert not _mentions(fact.question, d), (where, d)  # a reply restating the question would name it
    for a in accept:
        assert not _mentions(fact.question, a), (where, a)


# ---------------------------------------------------------------- cases


def _chat(fact: Fact) -> list[dict[str, str]]:
    return [{"role": "user", "content": f"{fact.question} {fact.ask}"}]


def _choice(case_id: str, domain: str, tier: str, fact: Fact, position: int) -> dict[str, Any]:
    options = list(fact.distractors)
    options.insert(position, fact.answer)
    return {
        "id": case_id, "kind": "choice", "category": domain, "tier": tier, "context": _chat(fact),
        "options": options, "answer": position,
    }


def _completion(case_id: str, domain: str, tier: str, fact: Fact) -> dict[str, Any]:
    check = {"name": "fact", "args": {"accept": _accepted(fact), "reject": list(fact.distractors)}}
    return {
        "id": case_id, "kind": "completion", "category": domain, "tier": tier, "prompt": _chat(fact),
        "check": check, "expected": fact.answer, "max_tokens": MAX_TOKENS,
    }


def generate() -> list[dict[str, Any]]:
    """Every case of the suite, in a fixed order: domain, then tier, then seeded order."""
    cases: list[dict[str, Any]] = []
    for domain in DOMAINS:
        tiers = FACTS[domain]
        assert list(tiers) == TIERS, domain
        # Choice answers sit at each of the four positions equally often within a domain.
        positions = [0, 1, 2, 3] * (len(TIERS) * PER_TIER // 2 // 4)
        random.Random(f"{SEED}/{domain}/positions").shuffle(positions)
        for tier in TIERS:
            facts = list(tiers[tier])
            assert len(facts) == PER_TIER, (domain, tier, len(facts))
            for fact in facts:
                _check(domain, tier, fact)
            random.Random(f"{SEED}/{domain}/{tier}").shuffle(facts)
            for index, fact in enumerate(facts):
                case_id = f"{domain}/{tier}-{fact.slug}"
                if index % 2 == 0:
                    cases.append(_choice(case_id, domain, tier, fact, positions.pop()))
                else:
                    cases.append(_completion(case_id, domain, tier, fact))
    return cases


def main() -> None:
    DATA.parent.mkdir(parents=True, exist_ok=True)
    with DATA.open("w", encoding="utf-8") as handle:
        for case in generate():
            handle.write(json.dumps(case, ensure_ascii=False, sort_keys=True) + "\n")
    print(f"wrote {DATA}")


if __name__ == "__main__":
    main()
