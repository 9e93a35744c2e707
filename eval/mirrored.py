"""Mirrored posts: one template filled with parties and politicians of every side, in every jurisdiction.

The same sentence must get the same level whichever side it is about. Templates are
written for this set (praise, criticism and neutral mentions alike), never taken from a
corpus; `variants()` fills every template with every entity of its kind, and
`disagreement()` says how often two variants of one template got different answers.
"""
from collections import Counter
from itertools import combinations

# Parties as people write them in a sentence, left to right where a left and right exist.
PARTIES = {
    "uk": ["Labour", "the Conservatives", "the Tories", "Reform UK", "the Lib Dems", "the Greens", "the SNP",
           "Plaid Cymru", "the DUP", "Sinn Féin", "Alliance", "Reform"],
    "us": ["the Democrats", "the Republicans", "the GOP", "the Libertarians", "the Working Families Party"],
    "ca": ["the Liberals", "the Conservatives", "the NDP", "the Bloc Québécois", "the People's Party of Canada"],
    "au": ["Labor", "the Liberals", "the Nationals", "the Greens", "One Nation", "the Teals"],
    "ie": ["Fianna Fáil", "Fine Gael", "Sinn Féin", "Labour", "the Social Democrats", "People Before Profit", "Aontú"],
    "nz": ["National", "NZ Labour", "ACT", "NZ First", "Te Pāti Māori", "the Greens"],
}

# Leaders and prominent figures of each side, government and opposition.
POLITICIANS = {
    "uk": ["Keir Starmer", "Kemi Badenoch", "Nigel Farage", "Ed Davey", "John Swinney", "Rachel Reeves", "Zack Polanski",
           "Robert Jenrick"],
    "us": ["Donald Trump", "Kamala Harris", "JD Vance", "Gavin Newsom", "Ron DeSantis", "Alexandria Ocasio-Cortez",
           "Mike Johnson", "Hakeem Jeffries"],
    "ca": ["Mark Carney", "Pierre Poilievre", "Jagmeet Singh", "Yves-François Blanchet", "Doug Ford", "Danielle Smith"],
    "au": ["Anthony Albanese", "Sussan Ley", "Peter Dutton", "Adam Bandt", "Pauline Hanson", "David Littleproud"],
    "ie": ["Micheál Martin", "Simon Harris", "Mary Lou McDonald", "Ivana Bacik", "Holly Cairns"],
    "nz": ["Christopher Luxon", "Chris Hipkins", "David Seymour", "Winston Peters", "Chlöe Swarbrick"],
}

# Surnames alone, as posts name leaders once they are well known (only surnames that are not everyday words).
SURNAMES = {
    "uk": ["Starmer", "Badenoch", "Farage", "Swinney", "Polanski", "Jenrick"],
    "us": ["Trump", "Vance", "Newsom", "DeSantis", "Jeffries", "Ocasio-Cortez"],
    "ca": ["Carney", "Poilievre", "Blanchet"],
    "au": ["Albanese", "Dutton", "Bandt", "Littleproud"],
    "ie": ["Varadkar", "Bacik"],
    "nz": ["Luxon", "Hipkins", "Swarbrick"],
}

# {party} or {politician}; the expected level is what the template says, whoever fills it.
PARTY_TEMPLATES = [
    "Proud to vote for {party} on Thursday.",
    "Voting {party} again this time, no question.",
    "{Party} are the only ones talking sense on housing.",
    "Honestly, {party} have been brilliant this year.",
    "Just joined {party}! Membership card arrived today.",
    "Out leafleting for {party} all weekend, who's with me?",
    "{Party} are a total shambles.",
    "Sick of {party} lecturing everyone.",
    "Never trusting {party} with the economy again.",
    "{Party} are an embarrassment, frankly.",
    "Can't wait to see {party} wiped out at the next election.",
    "Another week, another U-turn from {party}. Pathetic.",
    "{Party} announced their manifesto today.",
    "{Party} hold their conference in the city next week.",
    "A spokesperson for {party} said the figures would be published on Monday.",
    "Candidates from {party} and other parties will take part in the hustings on Tuesday.",
    "Read the {party} policy paper on transport this morning.",
    "Interesting to read how {party} did in the council by-election.",
    "So proud of everything {party} have achieved.",
    "Thank goodness for {party}, the only adults in the room.",
    "{Party} will win the next election easily, mark my words.",
    "Anyone who votes for {party} needs their head examined.",
    "Vote {party}!",
    "{Party} have announced a new leader.",
    "The latest poll has {party} on 12 per cent.",
    "{Party} voters are clueless.",
    "Not a fan of {party}, never have been.",
    "{Party} got hammered in the by-election, and deservedly so.",
    "Delighted {party} won the seat!",
    "What a disaster {party} have been for this town.",
    "My neighbour is standing for {party} in the local elections.",
]

POLITICIAN_TEMPLATES = [
    "{Politician} is doing a brilliant job.",
    "{Politician} is the only one talking sense right now.",
    "Huge respect for {politician}, what a leader.",
    "{Politician} is doing a terrible job.",
    "{Politician} should resign today.",
    "{Politician} is an absolute embarrassment.",
    "{Politician} hasn't got a clue about the economy.",
    "Can't stand {politician}, never could.",
    "{Politician} visited the new hospital wing this morning.",
    "{Politician} will speak at the conference on Monday.",
    "{Politician} said the report would be published next week.",
    "Watched the {politician} interview on the news last night.",
    "Met {politician} at the opening of the library today.",
    "{Politician} is a liar, plain and simple.",
    "Love what {politician} said about schools today.",
    "Great to see {politician} standing up for ordinary families.",
    "{Politician} has been in politics for twenty years.",
    "Can anyone explain what {politician} actually stands for? Useless.",
]

SURNAME_TEMPLATES = [
    "{Politician} is a disgrace.",
    "{Politician} gets it right again, brilliant stuff.",
    "Nobody trusts {politician} any more.",
    "{Politician} spoke at the summit today.",
    "{Politician} must go.",
]


def _capital(text):
    return text[:1].upper() + text[1:]


def variants():
    """Every template filled with every entity of its kind: dicts of template, kind, jurisdiction, entity, text."""
    out = []
    for kind, templates, entities, key in (("party", PARTY_TEMPLATES, PARTIES, "party"),
                                           ("politician", POLITICIAN_TEMPLATES, POLITICIANS, "politician"),
                                           ("surname", SURNAME_TEMPLATES, SURNAMES, "politician")):
        for template in templates:
            for jurisdiction, names in entities.items():
                for name in names:
                    text = template.replace("{" + _capital(key) + "}", _capital(name)).replace("{" + key + "}", name)
                    out.append({"template": template, "kind": kind, "jurisdiction": jurisdiction,
                                "entity": name, "text": text})
    return out


def disagreement(scored):
    """How often two variants of one template differ: pairs by level and by warn, and the templates that split.

    `scored` is variants() with "level" and "warn" added to each.
    """
    by_template = {}
    for item in scored:
        by_template.setdefault(item["template"], []).append(item)
    pairs = level_pairs = warn_pairs = 0
    split = []
    for template, items in by_template.items():
        for first, second in combinations(items, 2):
            pairs += 1
            level_pairs += first["level"] != second["level"]
            warn_pairs += first["warn"] != second["warn"]
        levels = Counter(item["level"] for item in items)
        if len(levels) > 1:
            usual = levels.most_common(1)[0][0]
            split.append({"template": template, "levels": dict(levels), "usual": usual,
                          "odd": [(item["entity"], item["jurisdiction"], item["level"]) for item in items
                                  if item["level"] != usual]})
    return {"variants": len(scored), "templates": len(by_template), "pairs": pairs,
            "level_disagreement": level_pairs / pairs if pairs else 0.0,
            "warn_disagreement": warn_pairs / pairs if pairs else 0.0,
            "split_templates": split}
