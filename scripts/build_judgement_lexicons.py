"""Build the judgement-negative and judgement-positive lexicons from the VADER sentiment lexicon.

VADER (Hutto and Gilbert, 2014; vaderSentiment 3.3.2, MIT licence) rates about 7,500
social-media words for valence from -4 to +4. Words rated at least STRONG either way are
kept, minus words that report events rather than judge anyone ("killed", "crisis",
"victims") and words that neutral official posts use every day ("support", "celebrate",
"proud"), since the lexicons serve as verdict cues beside politicians, parties and
policies. Slurs, sexual terms and chat acronyms are left out. vaderSentiment is not a
runtime dependency: fetch it once to rebuild.

    pip download vaderSentiment==3.3.2 --no-deps -d /tmp/vader && unzip -o -q /tmp/vader/*.whl -d /tmp/vader
    python scripts/build_judgement_lexicons.py /tmp/vader/vaderSentiment/vader_lexicon.txt
"""
import datetime
import json
import re
import sys
from pathlib import Path

STRONG = 2.0
LEXICONS = Path(__file__).resolve().parent.parent / "shared-rules" / "lexicons"
SOURCE = ("VADER sentiment lexicon, vaderSentiment 3.3.2 (MIT licence; Hutto and Gilbert, ICWSM 2014): "
          "words with valence {sign}{strong}, less event, everyday-official and offensive words; "
          "built by scripts/build_judgement_lexicons.py")

# Stems (prefix match) of words that name events, harms or feelings, not verdicts on someone.
NEGATIVE_EVENT_STEMS = (
    "abandon", "abduct", "abuse", "abusing", "abusive", "accident", "aching", "agoni", "agitat", "anguish", "arrest",
    "assassin", "assault", "attack", "bereave", "bomb", "cancer", "casualt", "choke", "choking", "contagion",
    "corpse", "crime", "criminal", "crisis", "cry", "crying", "damag", "danger", "dead", "death", "deprive", "depriv",
    "depress", "despair", "despondent", "die", "died", "disabling", "distraught", "distress", "doom", "dread", "drown",
    "evict", "excruciat", "fatal", "fear", "felon", "fired", "foreclos", "fright", "grief", "griev", "grim", "harm",
    "haunted", "heartbreak", "heartbroken", "heavyhearted", "hell", "heroin", "horror", "horrif", "hurt", "illness",
    "illegal", "imprison", "infect", "infring", "injur", "jail", "kill", "lament", "lonel", "mourn", "murder", "pain",
    "panic", "penalty", "perpetrator", "petrif", "phobia", "poison", "pollut", "poor", "poverty", "prison",
    "prosecut", "punished", "punisher", "punishes", "punishment", "rage", "raging", "riot", "rob", "sad", "scare",
    "scary", "shattered", "sick", "slavery", "smuggl", "sob", "sorrow", "starv", "stench", "stink", "strangl",
    "stress", "stricken", "suffer", "suicid", "suspend", "terror", "threat", "tortur", "tragedy", "tragic",
    "trapped", "trauma", "troubl", "victim", "violat", "violen", "war", "weep", "wept", "widow", "worr",
    "lonel", "glum", "gloom", "dejec", "disconsolate", "crestfallen", "downhearted", "woebegone", "miser",
    "unhapp", "upset", "frustrat", "irrita", "annoy", "angr", "anger", "fury", "furious", "livid", "irate",
    "incensed", "enrag", "infuriat", "outrag", "indignation", "grouch", "moody", "moodiest", "reek", "rancid",
    "foetid", "foetor", "puke", "ugl", "cute", "dolorous", "lugubrious", "melanchol", "joyless", "dullsville",
    "killjoy", "insipid", "uninvol", "unlov", "heartless", "mad", "maddening", "maddest", "fooli", "negativ",
    "collapse", "chastis", "condemn", "censor", "defeat", "fail", "rejec", "blame", "beating", "brutal",
    "savage", "devil", "sin", "sins", "sinful", "damn", "curse", "goddam", "effin", "dick", "ass", "bitch",
    "bastard", "cunt", "fag", "fuck", "fuk", "molest", "nigger", "pervert", "pisse", "piss", "rape", "rapist",
    "raper", "retard", "shit", "slut", "tard", "twat", "wanker", "whore", "cocksucker", "motherfuck", "douche",
    "son-of", "smartass", "jackass", "dipshit", "dumbass", "spam", "exploited", "oppressed", "forced",
    "powerless", "helpless", "stab", "steal", "stole", "thie", "thieve", "swindl", "revenge", "spite",
    "greed", "jealous", "resent", "selfish", "snob", "snub", "rude", "impolite", "regret", "unfortunate",
    "uneas", "prblm", "dearth", "deject", "masochist", "lowlight", "mocks", "overreact", "disturb", "discourag",
    "disheart", "disappoint", "dismay", "dissatisf", "distrust", "disrespect", "belittle", "hostil", "havoc",
    "guilt", "unhealthy", "unintellig", "arguing", "feud", "grimac", "wrathful", "trustless", "emnit",
    "enem", "foes", "menace", "obliterat", "destruct", "destroyer", "unworthy", "unprofessional",
)
# Words that classify rather than judge in everyday official use ("gross pay", "crude oil",
# "benefit fraud", "fake emails", "hate crime", "dangerous driving"), and chat acronyms.
NEGATIVE_DROP = {
    "amort", "apprehension", "badly", "banned", "broken", "bullied", "bullying", "catastrophe", "catastrophic",
    "cheat", "cheated", "cheater", "cheating", "conspiracy", "crude", "crudeness", "crudenesses", "cruder", "crudest",
    "dangerous", "darkest", "degradation", "degradative", "desperation", "desperations", "devastate", "devastated",
    "devastates", "devastating", "devastatingly", "devastative", "devastator", "devastators", "disaster",
    "disasters", "fake", "faults", "fraud", "frauds", "fraudster", "fraudsters", "fraudulence", "fraudulent",
    "gross", "grossest", "harsher", "harshest", "hate", "hated", "hateful", "hatefully", "hatefulness", "haters",
    "hating", "hatred", "jeopardy", "neglect", "neglects", "offending", "offends", "offensive", "offensively",
    "offensiveness", "outcry", "prejudice", "prejudicial", "prejudicialness", "punishing", "racism", "raping",
    "scam", "scams", "severely", "shylock", "terrified", "terrifies", "terrify", "terrifying", "unpleasant",
    "vexing", "worse", "worsen", "worsening", "worsens", "worser", "wrong", "destroyed", "bsod", "cwot", "fubar",
    "mofo", "pita", "snafu", "disastrous",
}
# Judgements worth keeping although a stem above would drop them.
NEGATIVE_KEEP = {
    "brutal", "heartless", "heartlessly", "selfish", "spiteful", "greedier", "greediest", "failure", "failures",
    "disgraceful", "disappointing", "unprofessional", "unworthy", "incompetent", "destructive", "menace",
    "damaging", "dangerous", "thieves", "swindle", "punitive", "outrageous", "hostile", "savage", "sinister",
    "mad", "bitterly", "failed", "failing",
}
# Positive words that neutral official posts use all the time (thanks, events, services, support).
POSITIVE_EVERYDAY_STEMS = (
    "acceptance", "adventur", "affection", "agreement", "amaz", "amor", "amus", "appreciat", "approval", "attract",
    "award", "beaut", "benefi", "bless", "bliss", "blockbuster", "bonus", "bright", "care", "caring", "celebrat",
    "champ", "charit", "charm", "cheer", "comedi", "comfort", "compliment", "congrat", "cute", "darling", "dear",
    "dedicat", "delect", "delicious", "delight", "devot", "divin", "ecsta", "effective", "elat", "elegan",
    "encourag", "energi", "engagement", "enjoy", "enlighten", "enterpris", "entertain", "enthus", "euphori",
    "excit", "exhilarat", "exuberant", "exult", "fab", "fantastic", "fascinat", "fav", "festiv", "fiesta", "free",
    "friend", "fun", "gain", "glad", "glamo", "glee", "good", "gorgeous", "grace", "gracious", "grand", "grat",
    "great", "grin", "haha", "hallelujah", "handsome", "happ", "harmon", "heart", "heaven", "help", "honor",
    "honour", "hooray", "hope", "hug", "humo", "hurra", "hurray", "impress", "improv", "interest", "invigorat",
    "jewel", "joll", "joy", "jubilant", "kind", "kiss", "laugh", "liberty", "liberties", "lifesaver", "likeable",
    "live", "lmao", "lol", "lovabl", "love", "loving", "luck", "lulz", "magnific", "marvel", "masterpiece",
    "medal", "merr", "mirth", "motivat", "muah", "neat", "nice", "nurtur", "okays", "optimi", "overjoyed",
    "paradise", "passion", "peace", "perfect", "pleas", "popular", "positiv", "precious", "pretty", "prize",
    "profit", "prosper", "proud", "pukka", "radiant", "reinvigorat", "rejoic", "relax", "relief", "remarkable",
    "rescue", "respect", "revered", "reward", "rich", "rofl", "romanc", "romantic", "safe", "satisf", "save",
    "scrumptious", "secur", "sexy", "sincere", "smil", "soulmate", "splend", "sprightly", "strength", "strong",
    "succe", "sunn", "sunshine", "super", "surviv", "sweet", "sympath", "talent", "tender", "terrific", "thank",
    "thrill", "tops", "treasur", "triumph", "trueness", "trust", "valuabl", "vibrant", "vital", "warm", "wealth",
    "welcome", "welldoer", "win", "won", "wonder", "woo", "worship", "wow", "yay", "yumm", "x-d", "xd", "xo",
    "intellect", "intelligen", "ideal", "justice", "award", "compassion", "generos", "generous", "gentl",
    "ardent", "astound", "breathtak", "clever", "creditworthy", "daring", "dignif", "earnest", "excel",
    "godsend", "goodness", "joyous", "lovely", "loyal", "optim", "praise", "priz", "smart", "sophisticat",
    "splendid", "superior", "suprem", "virtuos", "courteous", "ethical", "precious", "sure", "cheery",
)
POSITIVE_DROP = {
    "aayf", "alol", "ambitious", "ambw", "applaud", "applauding", "awesome", "beloved", "best", "brave", "bravely",
    "braver", "bravest", "bwahahah", "confidence", "confident", "confidently", "cutiepie", "cuties", "enrapture",
    "fondness", "hagd", "hagn", "hand", "hhoj", "honestly", "iluaaf", "innovate", "innovates", "inspiration",
    "inspirations", "inspire", "inspired", "inspirer", "inspirers", "kmuf", "kudos", "lmfao", "lmso", "lylab",
    "lylas", "miracle", "mwah", "prettier", "prettiest", "rotfl", "rotflmao", "rotflmfao", "rotflol", "rotgl",
    "serene", "sete", "sfete", "sgtm", "slaw", "swak", "tgif", "tyvm", "xlnt", "ywia", "glorious", "gloriously",
    "glory", "glories", "gloried", "praising", "hero", "heroes", "heroine", "brilliantines", "benignant",
}
# Praise of a person's character or leadership worth keeping although a stem above would drop it.
POSITIVE_KEEP = {"courageous", "courageously", "dignified", "principled", "trustworthy", "excellent", "outstanding",
                 "inspirational", "inspiring", "superb", "heroic", "brilliant", "admirable"}


def _plain(word):
    return re.fullmatch(r"[a-z][a-z'-]{3,}", word) is not None


def _dropped(word, stems):
    return any(word.startswith(stem) for stem in stems)


def build(path):
    negative, positive = set(), set()
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        word, valence, *_ = line.split("\t")
        valence = float(valence)
        if not _plain(word) or word in NEGATIVE_DROP or word in POSITIVE_DROP or word.startswith(("adorab", "adore", "adoring", "adorat", "cherish", "glorif")):
            continue
        if valence <= -STRONG and (word in NEGATIVE_KEEP or not _dropped(word, NEGATIVE_EVENT_STEMS)):
            negative.add(word)
        elif valence >= STRONG and (word in POSITIVE_KEEP or not _dropped(word, POSITIVE_EVERYDAY_STEMS)):
            positive.add(word)
    return sorted(negative, key=str.casefold), sorted(positive, key=str.casefold)


def write(name, description, sign, entries, today):
    q = lambda s: json.dumps(s, ensure_ascii=False)
    lines = [f"lexicon: {name}", f"description: {q(description)}", "jurisdiction: any",
             f"source: {q(SOURCE.format(sign=sign, strong=STRONG))}", f"updated: {q(today)}", "entries:"]
    lines += [f"  - {q(entry)}" for entry in entries]
    (LEXICONS / f"{name}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv):
    if len(argv) != 2:
        raise SystemExit(__doc__)
    negative, positive = build(argv[1])
    today = datetime.date.today().isoformat()
    write("judgement-negative", "Strongly negative words that judge a person, party or policy (arrogant, cruel, "
          "dishonest, pathetic), from VADER; everyday news words (killed, crisis) left out.", "<= -", negative, today)
    write("judgement-positive", "Strongly positive words that praise a person's character or leadership (courageous, "
          "heroic, visionary), from VADER; everyday words of official thanks (great, proud, welcome) left out.",
          ">= ", positive, today)
    print(f"judgement-negative: {len(negative)} entries; judgement-positive: {len(positive)} entries")


if __name__ == "__main__":
    main(sys.argv)
