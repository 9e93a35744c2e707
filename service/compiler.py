"""Compiling parsed rule documents into one matcher and a table of rules.

Every phrase list, lexicon and pattern list becomes one "atom": a single RE2
expression. All atoms go into one RE2 set, so a text is scanned once to learn
which atoms occur; only those atoms are then searched for positions, and only
the rules they trigger are evaluated.
"""
import re
from dataclasses import dataclass, field

import re2

from . import dialect
from .rules import Problem, RulesError

SEVERITIES = ("low", "medium", "high")
CATEGORIES = (
    "party_political", "politician_commentary", "policy_opinion", "campaigning",
    "official_information", "election_period", "contentious_issue", "employer_attribution",
)
RULE_TYPES = ("phrase", "pattern", "proximity", "sentiment")

def dialect_problems(pattern):
    """Reasons a pattern falls outside the shared linear-time dialect (empty if it is fine)."""
    try:
        dialect.check(pattern)
    except dialect.DialectError as exc:
        return [str(exc)]
    return []


def _options():
    options = re2.Options()
    options.log_errors = False
    options.max_mem = 64 << 20
    return options


def phrase_source(phrase):
    """RE2 source for a literal phrase: runs of spaces match any spacing, a hyphen may be left out.

    A hyphen never matches a space: "has-been" and "has been", "cover-up" and "cover up"
    are different words, so an entry whose spaced form means the same lists it too.
    """
    words = phrase.split()
    parts = []
    for word in words:
        pieces = word.split("-")
        parts.append("-?".join(re2.escape(p) for p in pieces if p) if len(pieces) > 1 else re2.escape(word))
    return "[ \\t]+".join(parts)


@dataclass(frozen=True)
class Atom:
    """One RE2 expression in the set."""

    key: tuple
    source: str
    case_sensitive: bool
    regex: object = field(compare=False, repr=False)
    exceptions: tuple = ()  # atoms whose matches cancel this atom's overlapping matches (a lexicon's word senses)


@dataclass(frozen=True)
class Terms:
    """A compiled term set: the atoms whose matches it is made of."""

    atoms: tuple
    atom_set: frozenset = field(default=frozenset(), compare=False)

    def __post_init__(self):
        object.__setattr__(self, "atom_set", frozenset(self.atoms))


@dataclass
class Rule:
    """A compiled rule, ready for the engine."""

    id: str
    type: str
    category: str
    severity: str
    message: str
    suggestion: str | None
    guidance: dict
    pack: str
    source: dict
    terms: Terms | None = None
    entity: Terms | None = None
    cue: Terms | None = None
    exceptions: Terms | None = None
    unless_near: Terms | None = None
    unless_window: int = 0
    window: int = 0
    order: str = "any"
    same_sentence: bool = True
    fragment_words: int = 0
    polarity_at_most: float | None = None
    polarity_at_least: float | None = None
    subjectivity_at_least: float = 0.0
    when: dict = field(default_factory=dict)
    with_categories: frozenset = frozenset()
    extend: str = "match"

    @property
    def trigger(self):
        """The term set whose presence is needed before the rule can fire."""
        return self.terms if self.terms is not None else self.entity


class AtomTable:
    """Collects atoms while compiling, one per distinct expression."""

    def __init__(self, lexicons):
        self.lexicons = lexicons
        self.atoms = []
        self._index = {}

    def _add(self, key, source, case_sensitive, exceptions=()):
        if key in self._index:
            return self._index[key]
        flagged = source if case_sensitive else "(?i)" + source
        regex = re2.compile(flagged, _options())
        self._index[key] = len(self.atoms)
        self.atoms.append(Atom(key, flagged, case_sensitive, regex, tuple(exceptions)))
        return self._index[key]

    def terms(self, spec):
        """Compile a term set spec (phrases, lexicons, patterns) into atom indexes."""
        case_sensitive = spec.get("case_sensitive", False)
        atoms = []
        for name in spec.get("lexicons", []):
            lexicon = self.lexicons[name]
            # A lexicon's exceptions (other senses of its words) hold wherever the lexicon is used.
            senses = {k: v for k, v in lexicon.get("exceptions", {}).items() if k != "lexicons"}  # schema: never lexicons
            exceptions = self.terms(senses).atoms if senses else ()
            atoms.append(self._add(("lexicon", name), _alternation(lexicon["entries"]),
                                   lexicon.get("case_sensitive", False), exceptions))
        if spec.get("phrases"):
            phrases = tuple(sorted(set(spec["phrases"])))
            atoms.append(self._add(("phrases", phrases, case_sensitive), _alternation(phrases), case_sensitive))
        if spec.get("patterns"):
            patterns = tuple(spec["patterns"])
            source = "|".join(f"(?:{p})" for p in patterns)
            atoms.append(self._add(("patterns", patterns, case_sensitive), source, case_sensitive))
        return Terms(tuple(atoms))

    def compile_set(self):
        """One RE2 set over every atom."""
        matcher = re2.Set.SearchSet(_options())
        for atom in self.atoms:
            matcher.Add(atom.source)
        matcher.Compile()
        return matcher


_ASCII_WORD = re.compile(r"[A-Za-z0-9_]")


def _bounded_source(phrase):
    """A phrase's source with RE2's ASCII \\b at each edge that is an ASCII word character.

    RE2 then skips most matches inside longer words itself, instead of the engine
    rejecting them one search at a time; the engine's Unicode-aware edge check still
    decides, so no true match is lost (\\b only ever sees more edges than Unicode does).
    """
    source = phrase_source(phrase)
    if _ASCII_WORD.match(phrase[0]):
        source = "\\b" + source
    if _ASCII_WORD.match(phrase[-1]):
        source += "\\b"
    return source


def _alternation(phrases):
    # Longest first, so "Sir Keir Starmer" wins over "Sir Keir" at the same place.
    ordered = sorted(set(phrases), key=lambda p: (-len(p), p))
    return "(?:" + "|".join(_bounded_source(p) for p in ordered) + ")"


def _pattern_problems(rel, rule_id, spec, where):
    # Patterns are named by position, never quoted: a message never echoes a rule file's content.
    problems = []
    for number, pattern in enumerate(spec.get("patterns", []), 1):
        reasons = dialect_problems(pattern)
        if not reasons:
            try:
                re2.compile(pattern, _options())
            except re2.error as exc:
                reasons = [_re2_reason(exc)]
        problems += [Problem(rel, rule_id, f"{where} pattern {number}: {reason}") for reason in reasons]
    return problems


def _re2_reason(exc):
    # RE2's message ends with the offending text ("missing ]: [unclosed"): keep the reason only.
    detail = exc.args[0].decode() if exc.args and isinstance(exc.args[0], bytes) else str(exc)
    return "RE2 refuses it: " + detail.split(":")[0]


def compile_rules(docs):
    """Compile parsed documents into (atom table, rules by id, profiles doc). Raises RulesError."""
    lexicons = {doc["lexicon"]: doc for rel, doc in docs.items() if rel.startswith("lexicons/")}
    guidance = docs["guidance.yaml"]["guidance"]
    table = AtomTable(lexicons)
    rules, problems = {}, []
    for rel, doc in sorted(docs.items()):
        if rel.startswith("lexicons/") and "exceptions" in doc:
            problems += _pattern_problems(rel, None, doc["exceptions"], "exceptions")
    if problems:
        raise RulesError(problems)
    for rel, doc in sorted(docs.items()):
        if not rel.startswith("packs/"):
            continue
        for spec in doc["rules"]:
            rule_id = spec["id"]
            spec_problems = []
            for where in ("terms", "entity", "cue", "exceptions"):
                if where in spec:
                    spec_problems += _pattern_problems(rel, rule_id, spec[where], where)
            if "unless_near" in spec:
                spec_problems += _pattern_problems(rel, rule_id, spec["unless_near"]["terms"], "unless_near")
            if spec_problems:
                problems += spec_problems
                continue
            try:
                rules[rule_id] = _compile_rule(table, spec, doc["pack"], guidance)
            except re2.error as exc:
                problems.append(Problem(rel, rule_id, f"does not compile in RE2: {_re2_reason(exc)}"))
    for rel, doc in sorted(docs.items()):
        if rel.startswith("lexicons/"):
            for number, entry in enumerate(doc["entries"], 1):
                if entry != entry.strip():
                    problems.append(Problem(rel, None, f"entry {number} has leading or trailing spaces"))
    if problems:
        raise RulesError(problems)
    return table, rules


def _compile_rule(table, spec, pack, guidance):
    compiled = Rule(
        id=spec["id"], type=spec["type"], category=spec["category"], severity=spec["severity"],
        message=spec["message"].strip(), suggestion=spec["suggestion"], guidance=dict(guidance[spec["guidance"]]),
        pack=pack, source=spec, when=dict(spec.get("when", {})),
        with_categories=frozenset(spec.get("with_categories", ())),
        extend=spec.get("extend", "match"),
    )
    if "terms" in spec:
        compiled.terms = table.terms(spec["terms"])
    if "entity" in spec:
        compiled.entity = table.terms(spec["entity"])
    if "cue" in spec:
        compiled.cue = table.terms(spec["cue"])
        compiled.window = spec["window"]
        compiled.order = spec.get("order", "any")
    compiled.same_sentence = spec.get("same_sentence", True)
    compiled.fragment_words = spec.get("fragment_words", 0)
    if "exceptions" in spec:
        compiled.exceptions = table.terms(spec["exceptions"])
    if "unless_near" in spec:
        compiled.unless_near = table.terms(spec["unless_near"]["terms"])
        compiled.unless_window = spec["unless_near"]["window"]
    compiled.polarity_at_most = spec.get("polarity_at_most")
    compiled.polarity_at_least = spec.get("polarity_at_least")
    compiled.subjectivity_at_least = spec.get("subjectivity_at_least", 0.0)
    return compiled
