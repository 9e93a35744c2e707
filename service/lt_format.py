"""Impartial's findings in LanguageTool's response shapes (check, languages, info)."""
import re
from bisect import bisect_left
from importlib import metadata

CONTEXT_UNITS = 40  # LanguageTool's context: 40 UTF-16 units either side of a match
# The English variants LanguageTool names, by code; Impartial checks English only.
ENGLISH = {
    "en": "English", "en-AU": "English (Australian)", "en-CA": "English (Canadian)", "en-GB": "English (GB)",
    "en-NZ": "English (New Zealand)", "en-US": "English (US)", "en-ZA": "English (South African)",
}
DEFAULT_VARIANT = "en-US"  # what LanguageTool picks for English when asked to detect
_SENTENCE_END = re.compile(r"(?:[.!?]+|\u2026)[\"')\]\u2019\u201d]*\s+|\n")
_FIRST_SENTENCE = re.compile(r"^.*?[.!?](?=\s|$)")


def _version():
    try:
        return metadata.version("impartial")
    except metadata.PackageNotFoundError:
        return "0"


SOFTWARE = {"name": "Impartial", "version": _version(), "buildDate": "", "apiVersion": 1, "premium": False,
            "status": ""}


def software(rules_version):
    """The `software` section: Impartial, its version and the rules version in force."""
    return {**SOFTWARE, "rulesVersion": rules_version}


def languages():
    """GET /v2/languages: the English variants served, sorted by name as LanguageTool sorts them."""
    return [{"name": name, "code": "en", "longCode": code} for code, name in sorted(ENGLISH.items(), key=lambda i: i[1])]


def language_section(code, detected):
    """The `language` section; Impartial detects nothing, so `auto` reports the variant it used, confidence 0."""
    return {"name": ENGLISH[code], "code": code,
            "detectedLanguage": {"name": ENGLISH[code], "code": code, "confidence": 0.0 if detected else 1.0,
                                 "source": "default" if detected else "given"}}


def category_name(category):
    """`party_political` as `Party political`."""
    return category.replace("_", " ").capitalize()


class _Units:
    """UTF-16 view of a text, to slice it by LanguageTool's offsets without splitting a surrogate pair."""

    def __init__(self, text):
        self.ascii = text.isascii()
        self.text = text
        self.data = b"" if self.ascii else text.encode("utf-16-le")
        self.length = len(text) if self.ascii else len(self.data) // 2

    def _low_surrogate_at(self, unit):
        return 0 < unit < self.length and 0xDC00 <= int.from_bytes(self.data[2 * unit:2 * unit + 2], "little") <= 0xDFFF

    def slice(self, start, end):
        """Text between two UTF-16 offsets, widened so that no surrogate pair is cut in two."""
        if self.ascii:
            return self.text[start:end], start, end
        if self._low_surrogate_at(start):
            start -= 1
        if self._low_surrogate_at(end):
            end += 1
        return self.data[2 * start:2 * end].decode("utf-16-le"), start, end


def _context(units, start, end):
    """LanguageTool's context: up to 40 units either side, '...' where cut, newlines as spaces."""
    first, last = start - CONTEXT_UNITS, end + CONTEXT_UNITS
    prefix, postfix = ("...", "...")
    # As LanguageTool: '...' unless the window runs past the edge (so a match 40 units in still gets one).
    if first < 0:
        prefix, first = "", 0
    if last > units.length:
        postfix, last = "", units.length
    text, first, _ = units.slice(first, last)
    return {"text": prefix + text.replace("\n", " ") + postfix, "offset": len(prefix) + start - first,
            "length": end - start}


def _sentence(plain, start_cp):
    """The plain-text sentence a match starts in, trimmed."""
    begin = 0
    for match in _SENTENCE_END.finditer(plain, 0, start_cp + 1):
        if match.end() <= start_cp:
            begin = match.end()
    following = _SENTENCE_END.search(plain, max(start_cp, begin))
    return plain[begin:following.end() if following else len(plain)].strip()


def _description(ruleset, finding):
    rule = ruleset.rules.get(finding["rule"]) if hasattr(ruleset, "rules") else None
    described = rule.source.get("description") if rule is not None else None
    if described:
        return described
    first = _FIRST_SENTENCE.match(finding["message"])
    return first.group(0) if first else finding["message"]


def matches(findings, annotated, ruleset):
    """LanguageTool matches for findings scored on annotated.plain, at offsets in annotated.original."""
    if not findings:
        return []
    original = _Units(annotated.original)
    plain = annotated.plain
    # Findings carry UTF-16 offsets; the sentence is cut from the plain text by code points.
    astral = [] if plain.isascii() else _astral_units(plain)
    out = []
    for finding in findings:
        start, end = annotated.start(finding["start"]), annotated.end(finding["end"])
        severity = finding["severity"]
        out.append({
            "message": finding["message"],
            "shortMessage": category_name(finding["category"]),
            "replacements": [{"value": finding["suggestion"]}] if finding.get("suggestion") else [],
            "offset": start,
            "length": end - start,
            "context": _context(original, start, end),
            "sentence": _sentence(plain, finding["start"] - bisect_left(astral, finding["start"])),
            "type": {"typeName": "Hint" if severity == "low" else "Other"},
            "rule": {
                "id": finding["rule"],
                "description": _description(ruleset, finding),
                "issueType": "style" if severity == "low" else "legal",
                "urls": [{"value": finding["guidance"]["url"]}] if finding.get("guidance") else [],
                "category": {"id": finding["category"], "name": category_name(finding["category"])},
            },
            "ignoreForIncompleteSentence": False,
            "contextForSureMatch": 0,
        })
    return out


_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")


def _astral_units(text):
    """UTF-16 offsets of the characters outside the BMP, which take two units."""
    return [match.start() + before for before, match in enumerate(_ASTRAL.finditer(text))]
