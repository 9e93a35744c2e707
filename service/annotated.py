"""LanguageTool's annotated text: text and markup parts, checked as plain text, reported in original offsets.

A check reads the plain text (text parts, plus what `interpretAs` says a markup part
stands for); offsets go back to the original (text and markup, as the client holds it),
all in UTF-16 code units, as LanguageTool counts them.
"""
import json
import re
from bisect import bisect_left, bisect_right

from .errors import ApiError
from .offsets import canonical, utf16_length

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def clean(text):
    """The text with surrogate pairs joined and any lone surrogate as U+FFFD (same UTF-16 length)."""
    text = canonical(text)
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return _LONE_SURROGATE.sub("\ufffd", text)


class AnnotatedText:
    """Plain text to check, the original text with markup, and the map between their offsets."""

    def __init__(self, parts):
        """parts: (original, plain, is_text) triples; a text part's plain equals its original."""
        self.plain = "".join(plain for _, plain, _ in parts)
        self.original = "".join(original for original, _, _ in parts)
        self.identity = all(is_text for _, _, is_text in parts)
        # Only parts that put something in the plain text can hold an offset of it.
        self._pieces, self._starts = [], []
        plain_at = original_at = 0
        for original, plain, is_text in parts:
            plain_len, original_len = utf16_length(plain), utf16_length(original)
            if plain_len:
                self._starts.append(plain_at)
                self._pieces.append((plain_at, original_at, original_len, is_text))
            plain_at += plain_len
            original_at += original_len
        self._plain_len, self._original_len = plain_at, original_at

    @classmethod
    def of_text(cls, text):
        """Plain text with no markup: every offset is its own."""
        plain = cls.__new__(cls)
        plain.plain = plain.original = text
        plain.identity = True
        return plain

    def start(self, unit):
        """Original offset of a plain offset where a span starts: after any markup before it."""
        if self.identity:
            return unit
        if unit >= self._plain_len:
            return self._original_len
        plain_at, original_at, _, is_text = self._pieces[bisect_right(self._starts, unit) - 1]
        return original_at + (unit - plain_at) if is_text else original_at

    def end(self, unit):
        """Original offset of a plain offset where a span ends: before any markup after it."""
        if self.identity:
            return unit
        if unit <= 0:
            return 0
        plain_at, original_at, original_len, is_text = self._pieces[bisect_left(self._starts, unit) - 1]
        return original_at + (unit - plain_at) if is_text else original_at + original_len


def _bad(message):
    return ApiError(400, "invalid_data", message)


def from_data(raw):
    """Parse the `data` parameter: {"text": ...} or {"annotation": [{"text"} | {"markup", "interpretAs"?}]}."""
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        # Never the document itself: it holds the draft.
        raise _bad("Could not parse JSON from 'data' parameter") from None
    if not isinstance(data, dict):
        raise _bad("'data' must be a JSON object with 'text' or 'annotation'")
    if "text" in data and "annotation" in data:
        raise _bad("'data' key in JSON requires either 'text' or 'annotation' key, not both")
    if "text" in data:
        if not isinstance(data["text"], str):
            raise _bad("'data.text' must be a string")
        return AnnotatedText.of_text(clean(data["text"]))
    if "annotation" not in data:
        raise _bad("'data' key in JSON requires 'text' or 'annotation' key")
    if not isinstance(data["annotation"], list):
        raise _bad("'data.annotation' must be a list")
    return AnnotatedText([_part(index, node) for index, node in enumerate(data["annotation"])])


def _part(index, node):
    where = f"annotation[{index}]"
    if not isinstance(node, dict):
        raise _bad(f"{where} must be an object with 'text' or 'markup'")
    if "text" in node and "markup" in node:
        raise _bad(f"{where}: only either 'text' or 'markup' are supported in an object in 'annotation' list, not both")
    if "text" in node and "interpretAs" in node:
        raise _bad(f"{where}: 'text' cannot be used with 'interpretAs' (only 'markup' can)")
    for key in ("text", "markup", "interpretAs"):
        if key in node and not isinstance(node[key], str):
            raise _bad(f"{where}.{key} must be a string")
    if "text" in node:
        text = clean(node["text"])
        return text, text, True
    if "markup" in node:
        return clean(node["markup"]), clean(node.get("interpretAs", "")), False
    raise _bad(f"{where}: only 'text' and 'markup' are supported in 'annotation' list")
