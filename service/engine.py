"""Scoring a text against a compiled rule set.

Score: each finding weighs its severity's points (low 15, medium 40, high 70),
times up to 1.5 for opinion findings in a strongly felt sentence. Points combine
like independent risks, score = 100 * (1 - prod(1 - w/100)), with all low
findings together capped at 30, so neutral mentions never add up to a warning.
Level follows the score: high from 70, medium from 40, low above 0.
"""
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass


from . import budget
from .compiler import CATEGORIES, SEVERITIES, compile_rules
from .model import Model, ModelError, rule_features
from .offsets import OffsetMap, canonical, normalise
from .rules import Problem, RulesError
from .sentiment import sentence_sentiment

WEIGHTS = {"low": 15, "medium": 40, "high": 70}
LOW_CAP = 30
THRESHOLDS = (("high", 70), ("medium", 40), ("low", 1))
OPINION_CATEGORIES = frozenset({"politician_commentary", "party_political", "policy_opinion", "contentious_issue"})
SENTIMENT_BOOST = 0.5
MODEL_MIN_WORDS = 3
# A "sentence" longer than this is a text without sentence ends; its opening stands for it,
# so the sentiment analyser (the costliest step per character) runs on a bounded input.
SENTIMENT_MAX_BYTES = 2000

# Words for distances, on UTF-8 bytes: ASCII letters and digits, and letters of other
# scripts (2-byte sequences from U+00C0, 3-byte ones outside the symbols block U+2000-U+2FFF);
# emoji and other astral symbols are not words.
_WORD_CHAR = rb"(?:[A-Za-z0-9_]|[\xc3-\xdf][\x80-\xbf]|[\xe0\xe1\xe3-\xef][\x80-\xbf][\x80-\xbf])"
_WORD_BYTES = re.compile(_WORD_CHAR + rb"+(?:'" + _WORD_CHAR + rb"+)*")
# A sentence ends after a run of . ! ? or an ellipsis, closing quotes or brackets, then spaces or the
# end of the text, or at a newline: re2 syntax (r"(?:[.!?]+|\x{2026})[\"')\]]*(?:[ \t]+|$)|\n[ \t\n]*").
# Found as candidates (a run of . ! ?, an ellipsis, a newline) checked in place: the same ends as
# re2's finditer, a few times faster (no match object per position), and linear: a run that does
# not end a sentence at its start ends none inside it, as the same text follows.
_END_CANDIDATE = re.compile(rb"[.!?]+|\xe2\x80\xa6|\n")
_END_AT = re.compile(rb"(?:[.!?]++|\xe2\x80\xa6)[\"')\]]*+(?:[ \t]++|\Z)|\n[ \t\n]*+")
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr st sen rep gov hon rt no vs etc eg ie jr sr prof gen col lt capt sgt cllr mp".split())
_ABBREVIATION_BYTES = frozenset(word.encode("ascii") for word in _ABBREVIATIONS)
_LONGEST_ABBREVIATION = max(map(len, _ABBREVIATIONS))
_LETTERS_BEFORE = re.compile(rb"[A-Za-z]+\Z")  # searched with endpos at the dot: the run that ends there


def level_for(score):
    """The level a score falls in."""
    for level, floor in THRESHOLDS:
        if score >= floor:
            return level
    return "none"


def combine(weights_by_severity):
    """Score 0..100 from finding weights: [(severity, points)]."""
    low_keep = 1.0
    keep = 1.0
    for severity, points in weights_by_severity:
        if severity == "low":
            low_keep *= 1 - points / 100
        else:
            keep *= 1 - points / 100
    low_risk = min(LOW_CAP / 100, 1 - low_keep)
    return int(round(100 * (1 - keep * (1 - low_risk))))


def _raise(severity, steps=1):
    return SEVERITIES[min(len(SEVERITIES) - 1, SEVERITIES.index(severity) + steps)]


def _in_context(severity, category, view):
    """A finding's severity in the context: raised for the election period's categories, at
    least the official account's floor."""
    if category in view.raise_categories:
        severity = _raise(severity)
    if view.floor and SEVERITIES.index(severity) < SEVERITIES.index(view.floor):
        severity = view.floor
    return severity


@dataclass(frozen=True)
class View:
    """The rules in force for one profile and context, indexed by the atom that triggers them."""

    by_atom: dict
    severity: dict
    raise_categories: frozenset
    floor: str | None


class Text:
    """One text under evaluation: its bytes, and lazily its atom spans, words and sentences."""

    def __init__(self, ruleset, text):
        self.original = canonical(text)
        self.norm = normalise(self.original)
        self.data = self.norm.encode("utf-8")
        self.offsets = OffsetMap(self.data)
        self.ruleset = ruleset
        self.hits = frozenset(ruleset.matcher.Match(self.data) or ()) if self.data else frozenset()
        self._spans = {}
        self._word_starts = None
        self._word_ends = None
        self._sentences = None
        self._sentiment = {}
        self._sentiment_by_text = {}

    # --- atoms -------------------------------------------------------------
    def atom_spans(self, index):
        if index not in self._spans:
            atom = self.ruleset.atoms[index]
            spans = self._search(atom.regex) if index in self.hits else []
            if spans and not self.hits.isdisjoint(atom.exceptions):
                # Another sense of the word ("Reform of", "disaster relief"): drop what it covers.
                other = [span for e in atom.exceptions for span in self.atom_spans(e)]
                spans = [(start, end) for start, end in spans if not any(a < end and start < b for a, b in other)]
            self._spans[index] = spans
        return self._spans[index]

    def _search(self, regex):
        data, spans, pos, size = self.data, [], 0, len(self.data)
        while pos <= size:
            # One finditer per run of accepted matches: a search call per match costs several
            # times more in the wrapper, and a text may hold thousands of matches.
            restart = None
            for match in regex.finditer(data, pos):
                budget.check()
                start, end = match.span()
                if end > start and self._bounded(start, end):
                    spans.append((start, end))
                    continue
                restart = start + 1  # inside a longer word: look again one character on
                while restart < size and 0x80 <= data[restart] < 0xC0:
                    restart += 1
                break
            if restart is None:
                break
            pos = restart
        return spans

    def _bounded(self, start, end):
        """A match stands as whole words: no letter or digit runs on across its edges."""
        data = self.data
        if start > 0 and _word_at(data, start) and _word_before(data, start):
            return False
        if end < len(data) and _word_before(data, end) and _word_at(data, end):
            return False
        return True

    def spans(self, terms):
        if terms is None:
            return []
        atoms = terms.atoms
        if len(atoms) == 1:
            return self.atom_spans(atoms[0])
        merged = sorted({span for atom in atoms for span in self.atom_spans(atom)}, key=lambda s: (s[0], -s[1]))
        kept, last_end = [], -1
        for start, end in merged:
            if end <= last_end:
                continue  # inside a longer match of the same terms
            kept.append((start, end))
            last_end = max(last_end, end)
        return kept

    def present(self, terms):
        return terms is not None and not terms.atom_set.isdisjoint(self.hits)

    # --- words and sentences -------------------------------------------------
    def _word_index(self):
        if self._word_starts is None:
            spans = [m.span() for m in _WORD_BYTES.finditer(self.data)]
            self._word_starts = [start for start, _ in spans]
            self._word_ends = [end for _, end in spans]
        return self._word_starts, self._word_ends

    def word_range(self, span):
        """(first, past-last) indexes of the words inside a span."""
        starts, ends = self._word_index()
        return bisect_left(starts, span[0]), bisect_right(ends, span[1])

    def words_between(self, first, second):
        """Whole words strictly between two spans (0 when they touch or overlap)."""
        if first[0] > second[0]:
            first, second = second, first
        if second[0] <= first[1]:
            return 0
        return max(0, self.word_range(second)[0] - self.word_range(first)[1])

    def sentences(self):
        """Sentence boundaries as a sorted list of start byte offsets."""
        if self._sentences is None:
            starts = [0]
            data = self.data
            for start, end in _sentence_ends(data):
                if end >= len(data):
                    break
                if data[start:start + 1] == b"." and _abbreviation_before(data, start):
                    continue
                starts.append(end)
            self._sentences = starts
        return self._sentences

    def sentence_index(self, offset):
        return bisect_right(self.sentences(), offset) - 1

    def sentence_span(self, index):
        starts = self.sentences()
        start = starts[index]
        end = starts[index + 1] if index + 1 < len(starts) else len(self.data)
        while end > start and self.data[end - 1:end] in (b" ", b"\n", b"\t"):
            end -= 1
        return start, end

    def entity_spans(self):
        """Party and politician names the rules' lexicons find: sorted, non-overlapping
        (start, end, kind) byte spans, the longer name first where two overlap."""
        found = sorted(((start, end, kind) for index, kind in self.ruleset.entity_atoms.items()
                        for start, end in self.atom_spans(index)), key=lambda e: (e[0], -e[1]))
        kept = []
        for entity in found:
            if not kept or entity[0] >= kept[-1][1]:
                kept.append(entity)
        return kept

    def sentence_spans(self):
        """Every sentence as a (start, end) byte span."""
        return [self.sentence_span(i) for i in range(len(self.sentences()))]

    def sentence_words(self, index):
        """How many words a sentence holds."""
        first, last = self.word_range(self.sentence_span(index))
        return last - first

    def sentiment(self, index):
        if index not in self._sentiment:
            start, end = self.sentence_span(index)
            sentence = self.data[start:min(end, start + SENTIMENT_MAX_BYTES)]
            # A sentence repeated in one text is weighed once (for this request only: nothing is kept).
            if sentence not in self._sentiment_by_text:
                budget.check()
                self._sentiment_by_text[sentence] = sentence_sentiment(sentence.decode("utf-8", "ignore"))
            self._sentiment[index] = self._sentiment_by_text[sentence]
        return self._sentiment[index]


def _sentence_ends(data):
    """(start, end) byte spans of the sentence ends in data, in order."""
    out, pos, search, match = [], 0, _END_CANDIDATE.search, _END_AT.match
    while (candidate := search(data, pos)) is not None:
        found = match(data, candidate.start())
        if found is None:
            pos = candidate.end()
        else:
            out.append(found.span())
            pos = found.end()
    return out


def _char_before(data, pos):
    start = pos - 1
    while start > 0 and 0x80 <= data[start] < 0xC0:
        start -= 1
    return data[start:pos].decode("utf-8", "replace")


def _char_at(data, pos):
    end = pos + 1
    while end < len(data) and 0x80 <= data[end] < 0xC0:
        end += 1
    return data[pos:end].decode("utf-8", "replace")


def _is_word(char):
    return char.isalnum() or char == "_"


# ASCII bytes answer without decoding: most edges are ASCII, and a text may hold thousands of matches.
_ASCII_WORD = tuple(chr(b).isalnum() or b == 0x5F if b < 0x80 else None for b in range(256))


def _word_at(data, pos):
    known = _ASCII_WORD[data[pos]]
    return known if known is not None else _is_word(_char_at(data, pos))


def _word_before(data, pos):
    known = _ASCII_WORD[data[pos - 1]]
    return known if known is not None else _is_word(_char_before(data, pos))


def _abbreviation_before(data, dot):
    # The ASCII letters before the dot, at most one more than the longest abbreviation: a longer
    # word is none, however long it runs.
    letters = _LETTERS_BEFORE.search(data, max(0, dot - _LONGEST_ABBREVIATION - 1), dot)
    word = letters.group().lower() if letters else b""
    return len(word) == 1 or word in _ABBREVIATION_BYTES


class RuleSet:
    """Compiled rules in force: one matcher, the rules, and a view per profile and context."""

    def __init__(self, version, docs):
        self.version = version
        self.docs = docs
        self.table, self.rules = compile_rules(docs)
        self.atoms = self.table.atoms
        self.matcher = self.table.compile_set()
        profiles_doc = docs["profiles.yaml"]
        self.default_profile = profiles_doc["default"]
        self.profiles = profiles_doc["profiles"]
        self.contexts = profiles_doc["contexts"]
        self.guidance = docs["guidance.yaml"]["guidance"]
        self._views = {}
        self.model, self.model_rules = None, {}
        self.entity_atoms = {index: _entity_kind(atom.key) for index, atom in enumerate(self.atoms)
                             if _entity_kind(atom.key)}
        if "model/model.json" in docs:
            try:
                self.model = Model(docs["model/model.json"], CATEGORIES)
            except ModelError as exc:
                raise RulesError([Problem("model/model.json", None, str(exc))]) from None
            for category, entry in docs["model/findings.yaml"]["model"].items():
                self.model_rules[category] = ModelRule(f"model.{category}", category, entry["message"],
                                                       entry["suggestion"], self.guidance[entry["guidance"]])

    def check_examples(self):
        """Every rule must match its match examples and none of its no_match ones."""
        problems = []
        for rule in self.rules.values():
            file = f"packs/{rule.pack}.yaml"
            # Examples are named by position, never quoted: a message never echoes a file's content.
            for index, example in enumerate(rule.source["examples"]["match"]):
                if not self._fires(rule, example):
                    problems.append(Problem(file, rule.id, f"does not match its example examples.match[{index}]"))
            for index, example in enumerate(rule.source["examples"]["no_match"]):
                if self._fires(rule, example):
                    problems.append(Problem(file, rule.id, f"matches its no_match example examples.no_match[{index}]"))
        problems.extend(self._check_model())
        if problems:
            raise RulesError(problems)

    def _check_model(self):
        """The model must reproduce its own golden cases: the same features, weights and arithmetic."""
        problems = []
        for number, case in enumerate(self.model.golden if self.model else (), start=1):
            subject = Text(self, case["text"])
            entities = [tuple(e) for e in case["entities"]]
            got = self.model.judge(subject.data, subject.sentence_spans(), case["rules"], entities).probabilities
            if max(abs(g - e) for g, e in zip(got, case["probabilities"])) > 1e-4:
                problems.append(Problem("model/model.json", None,
                                        f"golden case {number}: the model does not reproduce its own probabilities"))
        return problems

    def _fires(self, rule, example):
        return bool(list(evaluate_rule(rule, Text(self, example))))

    def view(self, profile, election_period=False, official=False):
        key = (profile, election_period, official)
        if key not in self._views:
            self._views[key] = self._build_view(profile, election_period, official)
        return self._views[key]

    def _build_view(self, profile_name, election_period, official):
        profile = self.profiles[profile_name]
        packs = set(profile["packs"])
        raise_categories = set(profile.get("raise", []))
        floor = profile.get("floor")
        context = {"election_period": election_period, "account": "official" if official else "personal"}
        for name, active in (("election_period", election_period), ("official_account", official)):
            adjustment = self.contexts.get(name, {})
            if active:
                packs |= set(adjustment.get("packs", []))
                raise_categories |= set(adjustment.get("raise", []))
                if adjustment.get("floor"):
                    floor = max(floor or "low", adjustment["floor"], key=SEVERITIES.index)
        disabled = set(profile.get("disable", []))
        by_atom, severity = {}, {}
        for rule in self.rules.values():
            if rule.pack not in packs or rule.id in disabled:
                continue
            if any(context[key] != value for key, value in rule.when.items()):
                continue
            severity[rule.id] = profile.get("severity", {}).get(rule.id, rule.severity)
            for atom in rule.trigger.atoms:
                by_atom.setdefault(atom, []).append(rule)
        return View(by_atom, severity, frozenset(raise_categories), floor)

    def score(self, text, profile=None, context=None):
        """Score a text: the response body of POST /v1/score."""
        context = context or {}
        profile = profile or self.default_profile
        view = self.view(profile, bool(context.get("election_period")), context.get("account") == "official")
        subject = Text(self, text)
        raw = []
        seen_rules = set()
        for atom in sorted(subject.hits):
            for rule in view.by_atom.get(atom, ()):
                if rule.id in seen_rules:
                    continue
                seen_rules.add(rule.id)
                budget.check()
                for start, end, sentence in evaluate_rule(rule, subject):
                    raw.append((start, end, rule, sentence))
        return self._result(subject, view, profile, raw)

    def _result(self, subject, view, profile, raw):
        best = {}
        for start, end, rule, sentence in raw:
            severity = _in_context(view.severity[rule.id], rule.category, view)
            key = (start, end, rule.category)
            entry = _entry(rule, severity, sentence)
            rank = entry[0]
            if key not in best or rank[0] > best[key][0][0] or (rank[0] == best[key][0][0] and rule.id < best[key][1].id):
                best[key] = entry
        # Rules with with_categories (naming an employer, say) count only beside a real concern.
        concerns = {key[2] for key, (rank, rule, _, _) in best.items() if not rule.with_categories and rank[0] >= 1}
        best = {key: value for key, value in best.items()
                if not value[1].with_categories or value[1].with_categories & concerns}
        best = _drop_contained(best)
        judged = {}
        if self.model is not None and subject.data:
            judged = self._judge(subject, profile, view, best)
        positions = subject.offsets.convert(
            [edge for key in best for edge in key[:2]] +
            [edge for extra in judged.values() for span in extra["evidence"] for edge in span])
        findings, weights, felt = [], [], {}
        for (start, end, category), (_, rule, severity, sentence) in sorted(best.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[1][1].id)):
            points = WEIGHTS[severity]
            if category in OPINION_CATEGORIES:
                index = sentence if sentence is not None else subject.sentence_index(start)
                polarity, subjectivity = subject.sentiment(index)
                felt[index] = (polarity, subjectivity)
                points = min(95, round(points * (1 + SENTIMENT_BOOST * abs(polarity) * subjectivity)))
            weights.append((severity, points))
            (cp_start, unit_start), (cp_end, unit_end) = positions[start], positions[end]
            findings.append({
                "rule": rule.id, "category": category, "severity": severity,
                "start": unit_start, "end": unit_end,
                "match": subject.original[cp_start:cp_end],
                "message": rule.message, "suggestion": rule.suggestion,
                "guidance": dict(rule.guidance), "weight": points,
                "source": "model" if isinstance(rule, ModelRule) else "rule", "confidence": None,
            })
            extra = judged.get((start, end, category))
            if extra is not None:
                findings[-1]["confidence"] = extra["confidence"]
                findings[-1]["evidence"] = [
                    {"start": positions[a][1], "end": positions[b][1], "match": subject.original[positions[a][0]:positions[b][0]]}
                    for a, b in extra["evidence"]]
        score = combine(weights)
        level = level_for(score)
        if felt:
            polarity = sum(p for p, _ in felt.values()) / len(felt)
            subjectivity = sum(s for _, s in felt.values()) / len(felt)
        else:
            polarity = subjectivity = 0.0
        return {
            "score": score, "level": level, "warn": level in ("medium", "high"), "findings": findings,
            "sentiment": {"polarity": round(polarity, 3), "subjectivity": round(subjectivity, 3)},
            "profile": profile, "rules_version": self.version,
        }

    def _judge(self, subject, profile_name, view, best):
        """Add the model's findings to `best`, merged with rule findings on the same sentences.

        The model judges each paragraph on its own (with the rules' verdict on that paragraph),
        so adding a paragraph never takes a finding away. Returns {finding key: {confidence,
        evidence}} for the findings the model judged."""
        spans = subject.sentence_spans()
        entities = subject.entity_spans()
        judged = {}
        # Sentences, names and rule findings are sorted by start: each paragraph takes its slice by
        # bisection, so many paragraphs cost no more than one (no paragraph x sentence scan).
        sentence_starts = [a for a, _ in spans]
        entity_starts = [e[0] for e in entities]
        rules = sorted(best, key=lambda key: key[0])  # the rule findings' keys: (start, end, category)
        rule_starts = [key[0] for key in rules]
        for start, end in _paragraphs(subject.data):
            budget.check()
            indexes = [i for i in range(bisect_left(sentence_starts, start), bisect_right(sentence_starts, end))
                       if spans[i][1] <= end and spans[i][0] < spans[i][1]]
            if indexes:
                inside = [key for key in rules[bisect_left(rule_starts, start):bisect_right(rule_starts, end)] if key[1] <= end]
                names = [e for e in entities[bisect_left(entity_starts, start):bisect_right(entity_starts, end)] if e[1] <= end]
                judged.update(self._judge_paragraph(subject, profile_name, view, best, [spans[i] for i in indexes],
                                                    indexes, names, inside))
        return judged

    def _judge_paragraph(self, subject, profile_name, view, best, spans, indexes, entities, rules):
        model = self.model
        # This paragraph's findings change only by its own judgement, below: here their severities are still the rules'.
        verdicts = [{"category": key[2], "severity": best[key][2]} for key in rules]
        judgement = model.judge(subject.data, spans, rule_features(verdicts, CATEGORIES), entities)
        if judgement.words < MODEL_MIN_WORDS:
            return {}  # an emoji or two, a word or two: too little for the model to judge
        confidence = judgement.probability("warn")
        if confidence < model.thresholds["veto"]:
            return _demote(best, view, rules, confidence)
        if confidence < model.thresholds["medium"]:
            return {}
        profile = self.profiles[profile_name]
        disabled = set(profile.get("disable", []))
        by_probability = sorted(CATEGORIES, key=lambda c: -judgement.probability(c))
        chosen = [c for c in by_probability if judgement.probability(c) >= model.thresholds["category"]][:3] or by_probability[:1]
        judged, taken = {}, set()
        tokens = judgement.tokens
        for category in chosen:
            rule = self.model_rules[category]
            if rule.id in disabled:
                continue
            severity = "high" if confidence >= model.thresholds["high"] else "medium"
            severity = _in_context(profile.get("severity", {}).get(rule.id, severity), category, view)
            first, last, top = _sentence_run(judgement.sentence_contributions(category) + judgement.sentence_contributions("warn"))
            if (first, last) in taken:
                continue
            taken.add((first, last))
            start, end = spans[first][0], spans[last][1]
            top = indexes[top]
            words = judgement.token_contributions(category) + judgement.token_contributions("warn")
            inside = [k for k, t in enumerate(tokens) if t[0] >= start and t[1] <= end and words[k] > 0]
            evidence = sorted(sorted(inside, key=lambda k: -words[k])[:3])
            extra = {"confidence": round(confidence, 3), "evidence": [(tokens[k][0], tokens[k][1]) for k in evidence]}
            overlapping = [key for key in best if key[0] < end and start < key[1]]
            strong = [key for key in overlapping if SEVERITIES.index(best[key][2]) >= 1]
            if strong:
                # The rule names the words; the model confirms it and may make it weigh more.
                key = max(strong, key=lambda k: (SEVERITIES.index(best[k][2]), k[1] - k[0]))
                rank, kept, kept_severity, sentence = best[key]
                if SEVERITIES.index(severity) > SEVERITIES.index(kept_severity):
                    best[key] = _entry(kept, severity, sentence)
                judged.setdefault(key, extra)
                continue
            for key in overlapping:  # a low rule finding the model judged to matter: one finding, the model's
                del best[key]
            key = (start, end, category)
            best[key] = _entry(rule, severity, top)
            judged[key] = extra
        return judged

    def describe(self):
        """The rules in force as JSON for GET /v1/rules."""
        rules = []
        for rule in sorted(self.rules.values(), key=lambda r: r.id):
            entry = {key: value for key, value in rule.source.items() if key != "examples"}
            entry["guidance"] = dict(rule.guidance)
            entry["pack"] = rule.pack
            rules.append(entry)
        lexicons = {doc["lexicon"]: {k: v for k, v in doc.items() if k != "lexicon"}
                    for rel, doc in self.docs.items() if rel.startswith("lexicons/")}
        return {
            "version": self.version,
            "default_profile": self.default_profile,
            "profiles": sorted(self.profiles),
            "profile_details": self.profiles,
            "contexts": self.contexts,
            "categories": list(CATEGORIES),
            "scoring": {"weights": WEIGHTS, "low_cap": LOW_CAP, "thresholds": dict((l, f) for l, f in THRESHOLDS),
                        "sentiment_boost": SENTIMENT_BOOST},
            "rules": rules,
            "lexicons": lexicons,
            "model": self._describe_model(),
        }

    def _describe_model(self):
        if self.model is None:
            return None
        return {"card": self.model.card, "thresholds": self.model.thresholds, "heads": self.model.heads,
                "features": len(self.model.index),
                "findings": {rule.id: {"category": rule.category, "message": rule.message, "suggestion": rule.suggestion,
                                       "guidance": dict(rule.guidance)} for rule in self.model_rules.values()}}


@dataclass(frozen=True)
class ModelRule:
    """What a model finding says for its category: the wording in model/findings.yaml."""

    id: str
    category: str
    message: str
    suggestion: str
    guidance: dict


_PARAGRAPH_BREAK = re.compile(rb"\n[ \t]*\n")


def _entry(rule, severity, sentence):
    """What `best` holds per finding key: its rank (severity, then rule id), rule, severity and sentence."""
    return (SEVERITIES.index(severity), rule.id), rule, severity, sentence


def _demote(best, view, keys, confidence):
    """Where the model judges a paragraph very unlikely to need a warning, its rule findings of
    medium severity (as the profile sets them) count as low: a word in another sense, a name that
    is not the politician's. High findings stand. The finding stays, with the model's confidence,
    so the user sees the rule and why it did not warn."""
    judged = {}
    for key in keys:
        rank, rule, severity, sentence = best[key]
        if view.severity.get(rule.id) != "medium":
            continue
        lowered = _in_context("low", rule.category, view)
        if lowered != severity:
            best[key] = _entry(rule, lowered, sentence)
        judged[key] = {"confidence": round(confidence, 3), "evidence": []}
    return judged


def _paragraphs(data):
    """(start, end) byte spans of the paragraphs of a text: runs of lines between blank lines."""
    out, start = [], 0
    for match in _PARAGRAPH_BREAK.finditer(data):
        out.append((start, match.start()))
        start = match.end()
    out.append((start, len(data)))
    return out


def _entity_kind(key):
    """'party' or 'person' for the lexicons of party and politician names, else None."""
    if key[0] != "lexicon":
        return None
    name = key[1]
    if name.startswith("parties-") or name in ("party-nicknames", "party-governments"):
        return "party"
    if name.startswith("politicians-"):
        return "person"
    return None


def _sentence_run(contributions):
    """(first, last, top) sentence indexes: the sentence that weighed most, with its neighbours
    that weighed at least half as much."""
    top = int(max(range(len(contributions)), key=lambda i: contributions[i]))
    floor = contributions[top] / 2
    first = last = top
    while first > 0 and contributions[first - 1] >= floor > 0:
        first -= 1
    while last + 1 < len(contributions) and contributions[last + 1] >= floor > 0:
        last += 1
    return first, last, top


def _drop_contained(best):
    """Drop a finding inside a stronger (or as strong and longer) one of the same category."""
    kept = {}
    order = sorted(best, key=lambda key: (key[2], key[0], -key[1]))
    furthest = {}  # (category, strength) -> furthest end among findings starting at or before this one
    for key in order:
        start, end, category = key
        strength = best[key][0][0]
        inside = any(furthest.get((category, level), -1) >= end for level in range(strength, len(SEVERITIES)))
        if not inside:
            kept[key] = best[key]
        furthest[(category, strength)] = max(furthest.get((category, strength), -1), end)
    return kept


def _overlaps_any(span, starts, ends):
    """Whether span overlaps any span of a list whose starts and ends both ascend (as Text.spans gives)."""
    index = bisect_right(ends, span[0])  # the first that ends after span starts
    return index < len(starts) and starts[index] < span[1]


def evaluate_rule(rule, subject):
    """Yield (start, end, sentence index or None) byte spans where a rule fires in a text."""
    spans = _rule_spans(rule, subject)
    if rule.extend != "sentence":
        yield from spans
        return
    # extend: sentence widens a finding to the whole sentence(s) it stands in, so the
    # highlight covers the opinion, not just the two words that gave it away.
    for start, end, sentence in spans:
        first_start = subject.sentence_span(subject.sentence_index(start))[0]
        last_end = subject.sentence_span(subject.sentence_index(max(start, end - 1)))[1]
        yield min(start, first_start), max(end, last_end), sentence


def _rule_spans(rule, subject):
    if not subject.present(rule.trigger):
        return
    if rule.type == "proximity" and not subject.present(rule.cue):
        return  # before building exception and near tables that could not matter
    exceptions = subject.spans(rule.exceptions) if subject.present(rule.exceptions) else []
    exception_starts = [start for start, _ in exceptions]
    exception_ends = [end for _, end in exceptions]
    near_by_sentence = {}
    if subject.present(rule.unless_near):
        for span in subject.spans(rule.unless_near):
            starts, ends = near_by_sentence.setdefault(subject.sentence_index(span[0]), ([], []))
            starts.append(span[0])
            ends.append(span[1])

    def allowed(span):
        if exceptions and _overlaps_any(span, exception_starts, exception_ends):
            return False
        # Only within the span's own sentence: a later sentence never cancels an earlier finding.
        nearby = near_by_sentence.get(subject.sentence_index(span[0])) if near_by_sentence else None
        return not nearby or not _near_within(subject, span, *nearby, rule.unless_window)

    if rule.type in ("phrase", "pattern"):
        for span in subject.spans(rule.terms):
            if allowed(span):
                yield span[0], span[1], None
    elif rule.type == "proximity":
        cues = subject.spans(rule.cue)
        if not cues:
            return
        ranges = [subject.word_range(cue) for cue in cues]
        by_word = sorted(range(len(cues)), key=lambda i: ranges[i][0])
        first_words = [ranges[i][0] for i in by_word]
        longest = max(last - first for first, last in ranges)
        cue_allowed = {}  # only cues near an entity are ever checked: thousands of lone cues cost little
        for entity in subject.spans(rule.entity):
            if not allowed(entity):
                continue
            # Only cues whose words can lie within the window are compared.
            first, last = subject.word_range(entity)
            lo = bisect_left(first_words, first - rule.window - longest)
            hi = bisect_right(first_words, last + rule.window)
            near = []
            for i in range(lo, hi):
                cue = cues[by_word[i]]
                if cue not in cue_allowed:
                    cue_allowed[cue] = allowed(cue)
                if cue_allowed[cue]:
                    near.append(cue)
            pair = _nearest_cue(rule, subject, entity, near)
            if pair is not None:
                yield min(entity[0], pair[0]), max(entity[1], pair[1]), None
    elif rule.type == "sentiment":
        done = set()
        for entity in subject.spans(rule.entity):
            index = subject.sentence_index(entity[0])
            if index in done or not allowed(entity):
                continue
            polarity, subjectivity = subject.sentiment(index)
            if subjectivity < rule.subjectivity_at_least:
                continue
            if rule.polarity_at_most is not None and polarity > rule.polarity_at_most:
                continue
            if rule.polarity_at_least is not None and polarity < rule.polarity_at_least:
                continue
            done.add(index)
            start, end = subject.sentence_span(index)
            yield start, end, index


def _near_within(subject, span, starts, ends, window):
    """Whether a span of a list (starts and ends ascending) lies within window words of span.

    Only the overlapping one and the nearest on each side by position can be nearest in words,
    so the cost is logarithmic in the list, not linear: a sentence of many reporting words
    stays cheap however many matches it holds.
    """
    if _overlaps_any(span, starts, ends):
        return True
    before = bisect_right(ends, span[0]) - 1  # the last that ends at or before span starts
    if before >= 0 and subject.words_between(span, (starts[before], ends[before])) <= window:
        return True
    after = bisect_left(starts, span[1])  # the first that starts at or after span ends
    return after < len(starts) and subject.words_between(span, (starts[after], ends[after])) <= window


def _nearest_cue(rule, subject, entity, cues):
    best, best_distance = None, None
    for cue in cues:
        if cue[0] < entity[1] and entity[0] < cue[1]:
            continue  # the same words cannot be both entity and cue
        if rule.order == "cue-first" and cue[0] > entity[0]:
            continue
        if rule.order == "entity-first" and cue[0] < entity[0]:
            continue
        if rule.same_sentence and not _same_or_fragment(rule, subject, entity, cue):
            continue  # cheap, so before counting words
        distance = subject.words_between(entity, cue)
        if distance > rule.window:
            continue
        if best_distance is None or distance < best_distance:
            best, best_distance = cue, distance
    return best


def _same_or_fragment(rule, subject, entity, cue):
    """The cue stands in the entity's sentence, or (fragment_words) in a short verdict right after it."""
    entity_sentence, cue_sentence = subject.sentence_index(entity[0]), subject.sentence_index(cue[0])
    if cue_sentence == entity_sentence:
        return True
    # "Our MP never holds a surgery. Useless." A sentence of a few words has no subject of its own,
    # so its verdict falls on the sentence before.
    return bool(rule.fragment_words) and cue_sentence == entity_sentence + 1 and \
        subject.sentence_words(cue_sentence) <= rule.fragment_words


def build(version, docs, check_examples=True):
    """Compile documents into a RuleSet, checking rules against their own examples."""
    ruleset = RuleSet(version, docs)
    if check_examples:
        ruleset.check_examples()
    return ruleset
