"""The subject vocabulary: ~330 subjects as data (family + parameters + synonyms), and the words
that reach them (synonyms, plurals, inflections; multi-word names like "polar bear").

Things (animals, people, buildings, vehicles, boats, plants, instruments, objects) are drawn by
the parametric families in :mod:`_shapes`; environment subjects (landforms, water, weather, sky)
are laid out by :mod:`_compose` as ground, water, overlays and sky bodies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Subject:
    name: str
    family: str  # a _shapes family, or "land", "water", "weather", "sky"
    params: dict[str, Any]
    #: Where a thing goes: "ground", "water" (floats), "under" (swims), "air" (flies).
    place: str = "ground"
    #: How many copies a group subject draws (a flock, a forest, a crowd).
    group: int = 1


def _s(name: str, family: str, words: str = "", place: str = "ground", group: int = 1, **params: Any):
    return name, family, params, words, place, group


Q, B, F, P, H, V, W, L, I, T = (  # noqa: E741 - one letter per family keeps the table readable
    "quad", "bird", "swim", "figure", "building", "vehicle", "boat", "plant",
    "instrument", "thing")

_ENTRIES = [
    # Animals on four legs.
    _s("fox", Q, "vixen", ears="point", tail="bushy", snout=0.08, leg=0.18, height=0.24),
    _s("dog", Q, "hound puppy pup doggy canine terrier labrador retriever poodle spaniel", ears="flap", tail="thin"),
    _s("wolf", Q, "timberwolf", ears="point", tail="bushy", leg=0.26, snout=0.09),
    _s("cat", Q, "kitten kitty feline tabby moggy", ears="point", tail="long", snout=0.0, head=0.1, leg=0.18),
    _s("tiger", Q, "tigress", ears="round", tail="long", stripes=True, snout=0.03, height=0.32),
    _s("lion", Q, "lioness", ears="round", tail="tuft", mane=True, snout=0.03, height=0.32),
    _s("leopard", Q, "jaguar panther cougar puma cheetah lynx", ears="round", tail="long", snout=0.02,
       height=0.26, leg=0.3),
    _s("horse", Q, "stallion mare pony foal steed mustang colt", ears="point", tail="long", neck=0.3, head=0.1,
       snout=0.12, leg=0.45, height=0.32),
    _s("donkey", Q, "mule burro", ears="long", tail="thin", neck=0.2, snout=0.1, leg=0.35),
    _s("zebra", Q, "", ears="point", tail="thin", neck=0.28, snout=0.12, leg=0.42, stripes=True),
    _s("cow", Q, "cattle calf heifer", ears="flap", tail="thin", horns="pair", snout=0.08, height=0.38, leg=0.3),
    _s("bull", Q, "ox oxen steer", ears="flap", tail="thin", horns="pair", snout=0.06, height=0.4, leg=0.28),
    _s("deer", Q, "stag doe fawn", ears="point", tail="tuft", horns="antler", neck=0.28, leg=0.45, snout=0.08),
    _s("moose", Q, "elk", ears="flap", tail="tuft", horns="antler", neck=0.15, leg=0.5, snout=0.14, height=0.4),
    _s("reindeer", Q, "caribou", ears="point", tail="tuft", horns="antler", neck=0.2, leg=0.4),
    _s("goat", Q, "billygoat ibex", ears="flap", tail="tuft", horns="curl", leg=0.3, snout=0.08),
    _s("sheep", Q, "lamb ewe ram", ears="flap", tail="tuft", horns="curl", height=0.42, leg=0.22, snout=0.05),
    _s("pig", Q, "piglet hog swine boar", ears="point", tail="thin", leg=0.15, height=0.38, snout=0.06),
    _s("bear", Q, "grizzly", ears="round", tail="tuft", leg=0.26, height=0.42, head=0.14, snout=0.06),
    _s("polar bear", Q, "icebear", ears="round", tail="tuft", leg=0.26, height=0.4, head=0.13, snout=0.08),
    _s("panda", Q, "", ears="round", tail="tuft", leg=0.22, height=0.45, head=0.16, snout=0.03),
    _s("rabbit", Q, "bunny hare", ears="long", tail="tuft", leg=0.12, length=0.5, height=0.32, snout=0.03),
    _s("squirrel", Q, "chipmunk", ears="point", tail="bushy", leg=0.12, length=0.45, snout=0.04),
    _s("mouse", Q, "rat rodent hamster", ears="round", tail="long", leg=0.06, length=0.5, height=0.25, snout=0.06),
    _s("elephant", Q, "mammoth", ears="flap", tail="thin", trunk=True, leg=0.4, height=0.5, head=0.2, snout=0.0),
    _s("giraffe", Q, "", ears="point", tail="thin", neck=0.75, leg=0.55, head=0.09, snout=0.08, stripes=True),
    _s("camel", Q, "dromedary", ears="round", tail="thin", hump=True, neck=0.3, leg=0.5, snout=0.1),
    _s("llama", Q, "alpaca", ears="long", tail="tuft", neck=0.45, leg=0.4, snout=0.06),
    _s("rhino", Q, "rhinoceros", ears="point", tail="thin", horns="horn", leg=0.22, height=0.45, snout=0.1),
    _s("hippo", Q, "hippopotamus", ears="round", tail="thin", leg=0.15, height=0.42, head=0.17, snout=0.1),
    _s("bison", Q, "buffalo yak", ears="round", tail="tuft", horns="pair", hump=True, leg=0.25, height=0.42),
    _s("antelope", Q, "gazelle impala", ears="point", tail="tuft", horns="pair", neck=0.22, leg=0.45),
    _s("unicorn", Q, "", ears="point", tail="long", horns="horn", neck=0.3, leg=0.45, snout=0.12),
    _s("dragon", Q, "wyvern", ears="point", tail="long", wings=True, neck=0.3, snout=0.12, leg=0.2),
    _s("dinosaur", Q, "dino", ears="none", tail="long", neck=0.6, leg=0.35, head=0.08, height=0.4),
    _s("lizard", Q, "gecko iguana chameleon salamander", ears="none", tail="long", leg=0.06, height=0.14,
       snout=0.06),
    _s("crocodile", Q, "alligator croc", ears="none", tail="long", leg=0.06, height=0.15, snout=0.22, length=0.9),
    _s("turtle", Q, "tortoise terrapin", ears="none", tail="thin", shell=True, leg=0.08, height=0.22),
    _s("frog", Q, "toad", ears="none", tail="none", leg=0.08, length=0.4, height=0.3, head=0.14, snout=0.0),
    _s("raccoon", Q, "badger skunk possum", ears="round", tail="bushy", leg=0.12, snout=0.05),
    _s("otter", Q, "beaver weasel ferret mink", ears="round", tail="long", leg=0.08, length=0.8, height=0.2),
    _s("hedgehog", Q, "porcupine", ears="none", tail="none", leg=0.05, height=0.4, length=0.5, mane=False,
       shell=True),
    _s("kangaroo", Q, "wallaby", ears="long", tail="long", leg=0.35, length=0.45, height=0.38, neck=0.2),
    _s("monkey", Q, "ape chimp chimpanzee gorilla orangutan baboon", ears="round", tail="long", leg=0.3,
       height=0.36, head=0.15, snout=0.03),
    _s("koala", Q, "wombat sloth", ears="round", tail="none", leg=0.15, height=0.42, head=0.17, snout=0.02),
    _s("hyena", Q, "jackal coyote dingo", ears="point", tail="bushy", leg=0.3, snout=0.08),
    _s("snail", Q, "slug", ears="none", tail="none", leg=0.0, shell=True, height=0.25, thick=0.0),
    # Birds and insects.
    _s("birds", B, "bird flock songbird sparrow finch swallow starling", place="air", group=5, flying=True,
       body=0.4),
    _s("crow", B, "raven rook blackbird jackdaw", place="air", flying=True, body=0.5),
    _s("eagle", B, "hawk falcon vulture condor buzzard", place="air", flying=True, body=0.45, span=1.4,
       beak=0.08),
    _s("seagull", B, "gull seabird albatross tern", place="air", flying=True, body=0.4, span=1.3),
    _s("owl", B, "owlet", upright=True, body=0.5, beak=0.04, leg=0.04),
    _s("swan", B, "cygnet", place="water", neck=0.4, body=0.6, beak=0.1, leg=0.0),
    _s("duck", B, "duckling mallard drake", place="water", neck=0.1, body=0.55, beak=0.12, leg=0.0),
    _s("goose", B, "geese gander", neck=0.3, body=0.55, beak=0.1, leg=0.12),
    _s("heron", B, "egret crane stork ibis", neck=0.4, body=0.4, beak=0.22, leg=0.45),
    _s("flamingo", B, "", neck=0.45, body=0.4, beak=0.1, leg=0.55),
    _s("pelican", B, "", neck=0.15, body=0.55, beak=0.35, leg=0.12),
    _s("pigeon", B, "dove", body=0.5, beak=0.06, leg=0.08),
    _s("robin", B, "wren bluebird cardinal tit chickadee", body=0.45, beak=0.06, leg=0.08, tail=0.2),
    _s("parrot", B, "macaw cockatoo parakeet budgie", body=0.45, beak=0.08, crest=True, tail=0.35, leg=0.06),
    _s("peacock", B, "peafowl", fan=True, neck=0.2, body=0.5, crest=True, leg=0.15),
    _s("penguin", B, "", upright=True, body=0.45, beak=0.08, leg=0.02),
    _s("hummingbird", B, "", place="air", flying=True, body=0.35, beak=0.25, span=0.8),
    _s("kingfisher", B, "woodpecker magpie jay", body=0.45, beak=0.18, leg=0.06, tail=0.2),
    _s("chicken", B, "hen rooster cockerel chick", body=0.55, beak=0.06, crest=True, leg=0.18, tail=0.25),
    _s("turkey", B, "", body=0.6, fan=True, beak=0.05, leg=0.18),
    _s("ostrich", B, "emu", neck=0.5, body=0.55, beak=0.06, leg=0.6),
    _s("puffin", B, "toucan", body=0.45, beak=0.18, leg=0.06, upright=True),
    _s("bat", B, "bats", place="air", flying=True, body=0.3, span=1.3, beak=0.0),
    _s("phoenix", B, "firebird", place="air", flying=True, body=0.45, span=1.5, beak=0.08),
    _s("butterfly", B, "moth", place="air", insect=True),
    _s("bee", B, "bumblebee wasp hornet", place="air", insect=True),
    _s("dragonfly", B, "damselfly firefly", place="air", insect=True),
    _s("ladybird", Q, "ladybug beetle", ears="none", tail="none", shell=True, leg=0.05, height=0.3, length=0.4),
    _s("spider", F, "tarantula", place="ground", form="crab"),
    # Fish and sea creatures.
    _s("fish", F, "fishes minnow", place="under", group=3, elong=0.4),
    _s("koi", F, "carp goldfish", place="under", group=3, elong=0.38, spots=True),
    _s("salmon", F, "trout bass perch cod herring sardine", place="under", elong=0.3, fork=0.15),
    _s("tuna", F, "mackerel", place="under", elong=0.35, fork=0.25),
    _s("shark", F, "", place="under", elong=0.25, fin=0.25, fork=0.25),
    _s("whale", F, "humpback orca", place="under", elong=0.3, fin=0.05, fork=0.22),
    _s("dolphin", F, "porpoise", place="under", elong=0.22, fin=0.18, fork=0.15, sword=False),
    _s("swordfish", F, "marlin narwhal", place="under", elong=0.25, fin=0.2, sword=True),
    _s("pufferfish", F, "blowfish", place="under", elong=0.8, fin=0.08),
    _s("angelfish", F, "clownfish tropical", place="under", elong=0.7, fin=0.3, fin_back=0.1),
    _s("manta ray", F, "stingray skate ray", place="under", wide=True, elong=0.25, fork=0.05),
    _s("eel", F, "moray", place="under", elong=0.1, fin=0.03, fork=0.03),
    _s("seal", F, "sealion walrus", place="water", elong=0.35, fin=0.02, fork=0.15),
    _s("octopus", F, "squid kraken cuttlefish", place="under", form="octopus"),
    _s("jellyfish", F, "jelly medusa", place="under", form="jelly"),
    _s("starfish", F, "seastar", place="ground", form="star"),
    _s("crab", F, "lobster crayfish shrimp prawn", place="ground", form="crab"),
    _s("seahorse", F, "", place="under", form="seahorse"),
    _s("shell", F, "seashell scallop clam oyster conch", place="ground", form="shell"),
    # People and figures.
    _s("person", P, "figure human someone stranger wanderer traveller traveler walker hiker pilgrim",
       pose="walk"),
    _s("man", P, "gentleman guy father dad grandfather husband", pose="stand"),
    _s("woman", P, "lady mother mum mom grandmother wife", dress=True, hair=True),
    _s("child", P, "kid boy son toddler", pose="run", bulk=0.8),
    _s("girl", P, "daughter maiden", pose="dance", dress=True, hair=True, bulk=0.8),
    _s("baby", P, "infant newborn", pose="sit", bulk=0.9),
    _s("old man", P, "elder grandpa oldman", pose="stand", hold="staff"),
    _s("fisherman", P, "angler fisher", pose="stand", hat="brim", hold="rod"),
    _s("sailor", P, "seaman captain mariner", hat="brim", pose="stand"),
    _s("dancer", P, "ballerina dancing", pose="dance", dress=True, hair=True),
    _s("musician", P, "guitarist busker bard minstrel troubadour cellist violinist pianist drummer harpist "
       "trumpeter flautist saxophonist fiddler", pose="play", hold="guitar"),
    _s("singer", P, "vocalist crooner diva", pose="reach", dress=True, hair=True),
    _s("king", P, "emperor monarch prince", hat="crown", dress=True, hold="staff"),
    _s("queen", P, "empress princess", hat="crown", dress=True, hair=True),
    _s("knight", P, "warrior paladin soldier guard", hat="helmet", hold="sword"),
    _s("samurai", P, "ninja", hat="helmet", hold="sword", pose="walk"),
    _s("wizard", P, "sorcerer mage magician", hat="cone", dress=True, hold="staff"),
    _s("witch", P, "sorceress", hat="cone", dress=True, hair=True),
    _s("monk", P, "priest nun hermit", dress=True, pose="stand"),
    _s("farmer", P, "gardener shepherd peasant", hat="brim", hold="staff"),
    _s("astronaut", P, "cosmonaut spaceman", hat="helmet", bulk=1.3, pose="reach"),
    _s("pirate", P, "buccaneer", hat="brim", hold="sword", pose="walk"),
    _s("cowboy", P, "rancher cowgirl", hat="brim", pose="walk"),
    _s("runner", P, "athlete jogger sprinter", pose="run"),
    _s("surfer", P, "", pose="stand", hold="board"),
    _s("skier", P, "snowboarder skater", pose="run", hat="helmet"),
    _s("angel", P, "cherub seraph", wings=True, dress=True),
    _s("fairy", P, "pixie sprite elf", wings=True, dress=True, bulk=0.7),
    _s("mermaid", P, "merman siren", form="mermaid", hair=True),
    _s("robot", P, "android cyborg automaton droid mech", form="robot"),
    _s("ghost", P, "spirit phantom spectre specter apparition", form="ghost"),
    _s("snowman", P, "snowwoman", form="snowman"),
    _s("portrait", P, "face selfie headshot bust", form="bust", beard=True),
    _s("crowd", P, "people folk audience family friends lovers couple", group=4, pose="walk"),
    _s("player", P, "footballer sportsman", pose="run", hold="ball"),
    _s("traveller with umbrella", P, "umbrella-holder", hold="umbrella", pose="walk"),
    _s("statue", P, "sculpture monument", pose="reach", bulk=1.2),
    _s("scarecrow", P, "", hat="cone", pose="reach"),
    # Buildings and structures.
    _s("house", H, "home cottage villa bungalow farmhouse dwelling", roof="gable", chimney=True),
    _s("cabin", H, "hut shack shed lodge chalet", roof="gable", w=0.5, h=0.35, rows=1, cols=1, chimney=True),
    _s("barn", H, "stable granary", roof="gable", w=0.7, h=0.45, rows=1, cols=1),
    _s("church", H, "chapel cathedral abbey basilica", roof="gable", tower=True, rows=1, cols=3),
    _s("temple", H, "shrine parthenon", roof="steps", w=0.8, h=0.4, rows=1, cols=5),
    _s("pagoda", H, "", roof="pagoda", w=0.4, h=0.8, rows=0, cols=0, door=False),
    _s("mosque", H, "minaret", roof="dome", tower=True, rows=1, cols=3),
    _s("palace", H, "mansion manor kremlin", roof="onion", w=0.9, h=0.45, rows=2, cols=5),
    _s("castle", H, "fortress citadel fort keep stronghold", form="castle"),
    _s("tower", H, "turret belfry spire", w=0.22, h=0.9, roof="cone", rows=4, cols=1),
    _s("skyscraper", H, "highrise tower-block", w=0.3, h=1.2, roof="flat", rows=8, cols=3, door=False),
    _s("lighthouse", H, "beacon pharos", form="lighthouse"),
    _s("windmill", H, "mill", form="windmill"),
    _s("pyramid", H, "ziggurat", form="pyramid"),
    _s("bridge", H, "viaduct aqueduct", form="bridge"),
    _s("tent", H, "teepee tipi wigwam yurt", form="tent"),
    _s("igloo", H, "dome", form="dome"),
    _s("arch", H, "gateway gate archway portal", form="arch"),
    _s("ruins", H, "ruin colonnade columns column pillar", form="ruins"),
    _s("fountain", H, "", form="fountain"),
    _s("factory", H, "warehouse mill-works", roof="flat", w=0.9, h=0.4, rows=1, cols=6, chimney=True),
    _s("school", H, "library museum university college", roof="gable", w=0.9, h=0.45, rows=2, cols=5),
    _s("station", H, "terminal depot", roof="round", w=0.9, h=0.35, rows=1, cols=4),
    _s("shop", H, "store cafe café bakery tavern pub inn bar restaurant diner", roof="flat", w=0.55, h=0.45,
       rows=1, cols=2),
    _s("greenhouse", H, "conservatory glasshouse", roof="round", w=0.8, h=0.3, rows=1, cols=6),
    _s("observatory", H, "planetarium", roof="dome", w=0.5, h=0.4, rows=1, cols=1),
    _s("stadium", H, "arena colosseum amphitheatre amphitheater", roof="flat", w=1.0, h=0.3, rows=2, cols=8),
    _s("city", H, "skyline town downtown metropolis buildings street streets urban cityscape", form="skyline",
       h=0.7, n=8),
    _s("village", H, "hamlet houses rooftops", form="skyline", h=0.35, n=6, roofs=True),
    _s("well", H, "wishing-well", w=0.35, h=0.2, roof="gable", rows=0, cols=0, door=False),
    _s("treehouse", H, "", roof="gable", w=0.4, h=0.3, rows=1, cols=1),
    # Vehicles.
    _s("car", V, "automobile sedan coupe racecar", cabin=0.5),
    _s("taxi", V, "cab", cabin=0.5, windows=0),
    _s("truck", V, "lorry pickup", cabin=0.3, cabin_at=0.3, height=0.35, length=1.0),
    _s("bus", V, "coach minibus", cabin=0, windows=6, height=0.45, length=1.0),
    _s("van", V, "camper caravan motorhome", cabin=0.3, cabin_at=0.3, height=0.4, windows=2),
    _s("jeep", V, "suv", cabin=0.45, height=0.3, wheel=0.12),
    _s("tractor", V, "bulldozer", cabin=0.3, cabin_at=-0.2, wheels=2, wheel=0.16, length=0.7),
    _s("train", V, "locomotive engine railway railroad steamtrain", cabin=0.25, cabin_at=-0.35, funnel=True,
       wheels=4, length=1.0, height=0.35),
    _s("tram", V, "streetcar trolley subway metro", cabin=0, windows=5, wheels=2, height=0.5, length=1.0),
    _s("tank", V, "", cabin=0.4, track=True, wheels=5, wheel=0.06),
    _s("carriage", V, "wagon cart stagecoach", cabin=0.5, cabin_at=0.2, wheel=0.14, horse=True),
    _s("bicycle", V, "bike cycle", form="bike"),
    _s("motorcycle", V, "motorbike scooter moped", form="bike", motor=True),
    _s("airplane", V, "plane aeroplane jet airliner aircraft jumbo", place="air", form="plane"),
    _s("helicopter", V, "chopper", place="air", form="heli"),
    _s("rocket", V, "spaceship spacecraft starship shuttle", place="air", form="rocket"),
    _s("hot air balloon", V, "balloon", place="air", form="balloon"),
    _s("airship", V, "zeppelin blimp dirigible", place="air", form="airship"),
    _s("ufo", V, "saucer flyingsaucer", place="air", form="ufo"),
    _s("submarine", V, "sub", place="under", form="sub"),
    _s("sled", V, "sleigh sledge toboggan", form="sled"),
    # Boats.
    _s("boat", W, "dinghy skiff", place="water", sails=1, mast=0.6),
    _s("sailboat", W, "yacht sloop sailing sail sails", place="water", sails=1, mast=1.0, jib=True),
    _s("ship", W, "galleon frigate tallship schooner brig", place="water", sails=3, square=True, mast=0.9,
       curl=True),
    _s("pirate ship", W, "pirateship", place="water", sails=2, square=True, mast=0.9, curl=True),
    _s("steamship", W, "steamer liner cruiser ferry freighter tanker", place="water", sails=0, cabin=0.5,
       funnel=True, depth=0.16),
    _s("fishing boat", W, "trawler tugboat tug", place="water", sails=0, cabin=0.6, mast=0.4, length=0.8),
    _s("rowboat", W, "canoe kayak rowing punt", place="water", sails=0, oars=True, depth=0.08),
    _s("gondola", W, "", place="water", sails=0, curl=True, depth=0.06, length=1.1),
    _s("raft", W, "", place="water", sails=1, mast=0.5, depth=0.05, bow=0.0),
    _s("junk", W, "sampan dhow", place="water", sails=2, mast=0.8, square=True),
    _s("catamaran", W, "trimaran", place="water", sails=1, mast=1.1, jib=True, depth=0.1),
    # Plants.
    _s("tree", L, "oak elm beech chestnut sycamore linden", form="round"),
    _s("forest", L, "woods woodland trees grove jungle rainforest thicket", form="cone", group=7),
    _s("pine", L, "pines fir spruce conifer evergreen cedar larch", form="cone", tiers=4),
    _s("christmas tree", L, "xmas-tree", form="cone", tiers=5, fruit=True),
    _s("cypress", L, "poplar juniper", form="column", trunk=0.15),
    _s("palm", L, "palmtree coconut", form="palm"),
    _s("willow", L, "weeping", form="weeping"),
    _s("birch", L, "aspen", form="round", trunk=0.5, trunk_w=0.03, crown=0.25),
    _s("maple", L, "", form="round", crown=0.36),
    _s("cherry blossom", L, "sakura blossom blossoms cherry", form="blossom"),
    _s("apple tree", L, "orchard fruit-tree", form="round", fruit=True),
    _s("baobab", L, "acacia", form="baobab"),
    _s("bonsai", L, "", form="round", trunk=0.2, crown=0.2),
    _s("bush", L, "shrub hedge bushes shrubbery", form="bush"),
    _s("cactus", L, "cacti saguaro succulent", form="cactus"),
    _s("bamboo", L, "", form="bamboo"),
    _s("grass", L, "lawn reeds reed rushes", form="grass"),
    _s("wheat", L, "corn barley rye crops harvest hay", form="grass", ears=True),
    _s("flowers", L, "flower blooms bloom bouquet wildflowers petals garden", form="flower", group=5),
    _s("rose", L, "roses", form="flower", petals=8, size=0.22),
    _s("tulip", L, "tulips", form="tulip"),
    _s("daisy", L, "daisies", form="flower", petals=12, size=0.2, stem=0.55),
    _s("sunflower", L, "", form="flower", petals=14, size=0.3, stem=0.75),
    _s("lotus", L, "lily waterlily lilypad", place="water", form="flower", petals=9, size=0.3, stem=0.2),
    _s("poppy", L, "poppies orchid iris peony", form="flower", petals=5, size=0.22),
    _s("mushroom", L, "toadstool fungus fungi", form="mushroom"),
    _s("pumpkin", L, "gourd squash jackolantern", form="pumpkin"),
    _s("apple", L, "apples", form="fruit", size=0.3),
    _s("pear", L, "pears", form="fruit", size=0.28, squash=1.3),
    _s("leaf", L, "leaves foliage", form="leaf"),
    _s("seaweed", L, "kelp coral", place="under", form="grass"),
    # Instruments.
    _s("guitar", I, "acoustic electric-guitar", form="guitar"),
    _s("ukulele", I, "uke mandolin banjo lute", form="guitar", scale=0.85, round=True),
    _s("violin", I, "fiddle viola", form="violin", bow=True),
    _s("cello", I, "violoncello", form="violin", scale=1.15, endpin=True, bow=True),
    _s("double bass", I, "contrabass upright-bass", form="violin", scale=1.25, endpin=True),
    _s("harp", I, "lyre", form="harp"),
    _s("piano", I, "pianoforte upright", form="piano"),
    _s("grand piano", I, "grandpiano", form="piano", grand=True),
    _s("drum", I, "drums drumkit snare timpani bongo bongos", form="drum"),
    _s("trumpet", I, "cornet bugle", form="horn"),
    _s("trombone", I, "tuba horn euphonium", form="horn", length=1.1),
    _s("saxophone", I, "sax", form="sax"),
    _s("flute", I, "piccolo recorder fife whistle", form="flute"),
    _s("clarinet", I, "oboe bassoon", form="flute", bell=True),
    _s("accordion", I, "concertina", form="accordion"),
    _s("bell", I, "bells chime chimes", form="bell"),
    _s("microphone", I, "mic", form="mic"),
    _s("headphones", I, "headset earphones", form="headphones"),
    _s("record", I, "vinyl lp turntable", form="record"),
    _s("keyboard", I, "synthesizer synth organ keytar", form="keyboard"),
    _s("xylophone", I, "marimba glockenspiel vibraphone", form="xylophone"),
    _s("gong", I, "cymbal cymbals", form="gong"),
    _s("bagpipes", I, "bagpipe", form="bagpipes"),
    # Everyday objects.
    _s("cup", T, "mug teacup coffee tea", form="vessel", neck=0.5, belly=0.5, height=0.5, handle=True, steam=True),
    _s("teapot", T, "kettle", form="vessel", neck=0.25, belly=0.7, height=0.55, handle=True, spout=True),
    _s("vase", T, "urn jar pot amphora", form="vessel", neck=0.2, belly=0.55, height=0.9),
    _s("bottle", T, "wine flask potion", form="vessel", neck=0.1, belly=0.3, height=1.0),
    _s("bowl", T, "basin", form="vessel", neck=0.9, belly=0.8, height=0.35),
    _s("candle", T, "candles candlelight", form="vessel", neck=0.15, belly=0.15, height=0.7, flame=True),
    _s("lantern", T, "lamp lamppost streetlamp streetlight", form="stick", head="shade", length=1.0),
    _s("book", T, "books novel diary journal tome", form="box", w=0.7, h=0.2, pages=True),
    _s("gift", T, "present parcel package", form="box", w=0.5, h=0.45, ribbon=True, lid=True),
    _s("chest", T, "treasure trunk box crate", form="box", w=0.7, h=0.4, lid=True),
    _s("television", T, "tv telly monitor screen computer laptop", form="box", w=0.8, h=0.55, screen=True),
    _s("radio", T, "stereo boombox", form="box", w=0.8, h=0.45, dial=True),
    _s("phone", T, "smartphone telephone mobile", form="box", w=0.3, h=0.6, screen=True),
    _s("clock", T, "watch timepiece", form="disc", face=True),
    _s("ball", T, "football soccer basketball beachball", form="disc", seams=True),
    _s("coin", T, "coins medal", form="disc", band=True),
    _s("umbrella", T, "parasol brolly", form="stick", head="canopy"),
    _s("key", T, "keys", form="key"),
    _s("sword", T, "blade sabre saber katana dagger", form="sword"),
    _s("shield", T, "", form="shield"),
    _s("crown", T, "tiara diadem", form="crown"),
    _s("anchor", T, "", form="anchor"),
    _s("chair", T, "stool throne seat", form="chair"),
    _s("table", T, "desk", form="table"),
    _s("bed", T, "sofa couch bench", form="bed"),
    _s("door", T, "doorway", form="door"),
    _s("window", T, "windows", form="door", panes=True),
    _s("ladder", T, "stairs staircase", form="ladder"),
    _s("fence", T, "railing gatepost", form="fence"),
    _s("kite", T, "kites", place="air", form="kite"),
    _s("party balloons", T, "balloons", form="balloons"),
    _s("telescope", T, "spyglass", form="telescope"),
    _s("globe", T, "atlas", form="globe"),
    _s("camera", T, "polaroid", form="camera"),
    _s("feather", T, "quill", form="feather"),
    _s("hat", T, "tophat bowler fedora", form="hat"),
    _s("heart", T, "hearts love valentine", form="heart"),
    _s("skull", T, "skulls skeleton bones", form="skull"),
    _s("diamond", T, "gem jewel crystal ruby-gem", form="gem"),
    _s("cake", T, "birthday cupcake", form="cake"),
    _s("bread", T, "loaf baguette croissant", form="bread"),
    _s("pizza", T, "", form="pizza"),
    _s("egg", T, "eggs", form="egg"),
    _s("grapes", T, "grape vineyard", form="grapes"),
    _s("banana", T, "bananas", form="banana"),
    _s("mirror", T, "looking-glass", form="mirror"),
    _s("swing", T, "playground", form="swing"),
    _s("flag", T, "banner pennant", form="stick", head="flag"),
    _s("magic wand", T, "wand sceptre scepter", form="stick", head="diamond", length=0.9),
    _s("cross", T, "crucifix", form="stick", head="cross"),
    # Landforms (ground and background).
    _s("mountains", "land", "mountain peaks peak alps range summit summits sierra highlands", kind="mountains"),
    _s("hills", "land", "hill hillside hilly slopes downs", kind="hills"),
    _s("volcano", "land", "volcanic eruption lava", kind="volcano"),
    _s("cliffs", "land", "cliff bluff escarpment crag crags", kind="cliff"),
    _s("rocks", "land", "rock rocky boulder boulders stone stones pebbles reef", kind="rocks"),
    _s("island", "land", "isle islet atoll", kind="island"),
    _s("desert", "land", "dunes dune sand sandy sahara wasteland badlands", kind="dunes"),
    _s("canyon", "land", "gorge ravine mesa butte", kind="canyon"),
    _s("glacier", "land", "iceberg icebergs icefield tundra arctic antarctic", kind="ice"),
    _s("field", "land", "fields meadow meadows prairie pasture plain plains farmland countryside grassland",
       kind="field"),
    _s("beach", "land", "shore shoreline coast coastline seashore seaside sands", kind="beach"),
    _s("cave", "land", "cavern grotto tunnel", kind="cave"),
    _s("path", "land", "road pathway trail lane track avenue highway", kind="path"),
    # Water.
    _s("sea", "water", "ocean waves wave water tide surf seas oceans harbour harbor bay marina",
       kind="sea"),
    _s("lake", "water", "pond pool lagoon loch reservoir tarn fjord", kind="lake"),
    _s("river", "water", "creek brook stream canal estuary delta riverbank", kind="river"),
    _s("waterfall", "water", "falls cascade cataract", kind="waterfall"),
    _s("swamp", "water", "marsh bog wetland bayou mire", kind="swamp"),
    # Weather.
    _s("rain", "weather", "rainy raining rainfall drizzle downpour showers shower raindrops", kind="rain"),
    _s("storm", "weather", "stormy thunderstorm tempest thunder hurricane typhoon gale squall", kind="storm"),
    _s("lightning", "weather", "thunderbolt bolt", kind="lightning"),
    _s("snow", "weather", "snowy snowing snowfall snowflakes snowflake blizzard flurries winter wintry frost "
       "frosty", kind="snow"),
    _s("fog", "weather", "foggy mist misty haze hazy smog", kind="fog"),
    _s("clouds", "weather", "cloud cloudy overcast", kind="clouds"),
    _s("rainbow", "weather", "rainbows", kind="rainbow"),
    _s("tornado", "weather", "twister cyclone whirlwind", kind="tornado"),
    _s("wind", "weather", "windy breeze breezy gust gusts", kind="wind"),
    # Sky.
    _s("sun", "sky", "sunshine sunny sunlight sunlit sunbeam sunbeams", kind="sun"),
    _s("moon", "sky", "lunar moonlight moonlit moonrise moonbeam", kind="moon"),
    _s("stars", "sky", "star starry starlight starlit constellation constellations starfield", kind="stars"),
    _s("planet", "sky", "planets saturn jupiter mars venus exoplanet", kind="planet"),
    _s("comet", "sky", "comets meteor meteors shooting-star asteroid", kind="comet"),
    _s("galaxy", "sky", "galaxies milkyway milky-way nebula nebulae cosmos cosmic universe", kind="galaxy"),
    _s("aurora", "sky", "borealis northern-lights auroras", kind="aurora"),
    _s("eclipse", "sky", "", kind="eclipse"),
    _s("earth", "sky", "earthrise homeworld", kind="earth"),
]

SUBJECT_INFO: dict[str, Subject] = {
    name: Subject(name, family, params, place, group) for name, family, params, _w, place, group in _ENTRIES
}

#: The 16 subjects of the first version keep their names (old recipes name them); "night" is
#: now a time of day and "flowers", "birds", "koi"... are still subjects.
ENVIRONMENT = frozenset({"land", "water", "weather", "sky"})

_IRREGULAR = {
    "mouse": "mice", "goose": "geese", "person": "people", "man": "men", "woman": "women", "child": "children",
    "ox": "oxen", "cactus": "cacti", "fungus": "fungi", "foot": "feet", "tooth": "teeth", "die": "dice",
    "wolf": "wolves", "leaf": "leaves", "calf": "calves", "knife": "knives", "elf": "elves", "shelf": "shelves",
    "thief": "thieves", "fisherman": "fishermen", "snowman": "snowmen", "sheep": "sheep", "deer": "deer",
    "fish": "fish", "moose": "moose", "bison": "bison", "salmon": "salmon", "trout": "trout", "aircraft": "aircraft",
    "octopus": "octopuses", "hippopotamus": "hippopotamuses", "sky": "skies",
}


def plural(word: str) -> str:
    """English plural of a noun (the regular rules plus the irregulars our vocabulary meets)."""
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if " " in word:
        head, _, last = word.rpartition(" ")
        return f"{head} {plural(last)}"
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and len(word) > 1 and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    if word.endswith("man"):
        return word[:-3] + "men"
    return word + "s"


def _word_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for name, _family, _params, words, _place, _group in _ENTRIES:
        for word in [name, *words.split()]:
            word = word.replace("-", " ")
            for form in (word, plural(word)):
                table.setdefault(form, name)
                if " " in form:
                    table.setdefault(form.replace(" ", ""), name)
    return table


#: Every word or phrase that names a subject -> the subject.
WORDS: dict[str, str] = _word_table()
#: The longest phrase (in words) the matcher has to try.
LONGEST = max(len(w.split()) for w in WORDS)

TOKEN = re.compile(r"[a-zé]+(?:'[a-z]+)?")


def tokens(text: str) -> list[str]:
    return [t.replace("'s", "") for t in TOKEN.findall(text.lower())]


def find_subjects(words: list[str]) -> list[tuple[int, int, str]]:
    """(start, end, subject) for each phrase that names a subject, longest phrases first, in order."""
    found: list[tuple[int, int, str]] = []
    i = 0
    while i < len(words):
        for n in range(min(LONGEST, len(words) - i), 0, -1):
            phrase = " ".join(words[i : i + n])
            if phrase in WORDS:
                found.append((i, i + n, WORDS[phrase]))
                i += n
                break
        else:
            i += 1
    return found
