"""A small, self-contained rules directory for engine and loader tests."""
import textwrap
from pathlib import Path

GUIDANCE = """\
guidance:
  code:
    title: "A code"
    url: "https://example.gov/code"
"""

PROFILES = """\
default: everyone
profiles:
  everyone:
    description: "All packs"
    packs: [main]
  strict:
    description: "Floor at medium"
    packs: [main]
    floor: medium
    severity:
      main.mention: medium
contexts:
  election_period:
    packs: [election]
    raise: [party_political]
  official_account:
    floor: medium
"""

LEXICON = """\
lexicon: parties
description: "Test parties"
source: "made up for tests"
updated: "2026-01-01"
case_sensitive: true
exceptions: {phrases: [labour of love], patterns: ['\\bOperation \\p{Lu}[\\p{L}-]*']}
entries:
  - Labour
  - Reform UK
  - Sinn Féin
  - Tory
"""

MAIN = """\
pack: main
description: "Main test pack"
rules:
  - id: main.vote
    type: proximity
    category: party_political
    severity: high
    entity: {lexicons: [parties]}
    cue: {phrases: [vote, voting]}
    window: 1
    order: cue-first
    message: "Says how you vote for a party."
    suggestion: "Keep your vote private."
    guidance: code
    examples: {match: ["vote Labour"], no_match: ["Labour voted"]}
  - id: main.mention
    type: phrase
    category: party_political
    severity: low
    terms: {lexicons: [parties]}
    exceptions: {phrases: [labour of love, Tory Burch]}
    message: "Mentions a political party."
    suggestion: null
    guidance: code
    examples: {match: ["Labour said"], no_match: ["a labour of love"]}
  - id: main.marking
    type: pattern
    category: official_information
    severity: high
    terms: {patterns: ["OFFICIAL[- ]SENSITIVE", "TOP SECRET"], case_sensitive: true}
    message: "Mentions a protective marking."
    suggestion: null
    guidance: code
    examples: {match: ["an OFFICIAL-SENSITIVE doc"], no_match: ["official sensitive matters"]}
  - id: main.scorn
    type: sentiment
    category: politician_commentary
    severity: medium
    entity: {phrases: [the minister]}
    polarity_at_most: -0.4
    subjectivity_at_least: 0.5
    unless_near: {terms: {phrases: [said]}, window: 3}
    message: "Scorn for a politician."
    suggestion: null
    guidance: code
    examples: {match: ["The minister is a terrible, awful disgrace."], no_match: ["The minister opened a school."]}
  - id: main.employer
    type: phrase
    category: employer_attribution
    severity: high
    terms: {phrases: [as a civil servant]}
    with_categories: [party_political]
    message: "Names your employer beside an opinion."
    suggestion: null
    guidance: code
    examples: {match: ["As a civil servant, hello"], no_match: ["as a civilian"]}
  - id: main.pro-life
    type: phrase
    category: contentious_issue
    severity: medium
    terms: {phrases: [pro-life forever, "don't care"]}
    message: "Takes a side on a divisive issue."
    suggestion: null
    guidance: code
    examples: {match: ["pro-life forever"], no_match: ["life forever", "pro life forever"]}
"""

FRAGMENT_RULE = """\
  - id: main.verdict
    type: proximity
    category: politician_commentary
    severity: medium
    entity: {phrases: [our councillor]}
    cue: {phrases: [useless, shameful]}
    window: 12
    fragment_words: 3
    message: "Gives a verdict on a politician."
    suggestion: null
    guidance: code
    examples: {match: ["Our councillor skipped it. Useless."], no_match: ["Our councillor skipped it. Nice day. Useless."]}
"""

ELECTION = """\
pack: election
description: "Election-only rules"
rules:
  - id: election.predict
    type: phrase
    category: election_period
    severity: medium
    terms: {phrases: [landslide]}
    when: {election_period: true}
    message: "Predicts an election result."
    suggestion: null
    guidance: code
    examples: {match: ["a landslide"], no_match: ["a landslip"]}
"""


ADDED_RULE = """\
  - id: main.added
    type: phrase
    category: campaigning
    severity: high
    terms: {phrases: [zebra crossing petition]}
    message: "Asks people to sign a petition."
    suggestion: null
    guidance: code
    examples: {match: ["sign the zebra crossing petition"], no_match: ["a zebra crossing"]}
"""


def write(root, files=None):
    """Write the mini rules (plus overrides: {relpath: text or None to delete}) under root."""
    root = Path(root)
    base = {"guidance.yaml": GUIDANCE, "profiles.yaml": PROFILES, "lexicons/parties.yaml": LEXICON,
            "packs/main.yaml": MAIN, "packs/election.yaml": ELECTION}
    base.update(files or {})
    for rel, text in base.items():
        path = root / rel
        if text is None:
            path.unlink(missing_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text if isinstance(text, bytes) else textwrap.dedent(text).encode("utf-8"))
    return root
