"""Text normalisation for matching, and byte offsets to UTF-16 offsets.

The engine matches on UTF-8 bytes of a normalised copy of the text. Every
normalisation maps one code point to one code point of the same UTF-16 length,
so offsets in the copy are offsets in the original.
"""
import re

# Curly quotes and other look-alikes folded so one phrase matches every spelling.
_FOLD = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201b": "'", "\u2032": "'", "\u02bc": "'",
    "\u201c": '"', "\u201d": '"', "\u201f": '"', "\u2033": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
    "\u00a0": " ", "\u2007": " ", "\u202f": " ",
})
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


_FOLDABLE = re.compile("[" + "".join(chr(c) for c in _FOLD) + "]")


def canonical(text):
    """The text with any surrogate pair written as two code points joined into one, as JSON does."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")


def normalise(text):
    """Return a copy of text fit for matching, the same length in UTF-16 units."""
    if text.isascii():
        return text
    # A regex finds the few characters to fold far faster than str.translate walks them all.
    folded = _FOLDABLE.sub(lambda m: _FOLD[ord(m.group())], text)
    try:
        folded.encode("utf-8")
    except UnicodeEncodeError:
        # A lone surrogate (legal in JSON, not in UTF-8): U+FFFD keeps the length.
        folded = _LONE_SURROGATE.sub("\ufffd", folded)
    return folded


class OffsetMap:
    """Converts byte offsets in the UTF-8 encoding of a text to code points and UTF-16 units."""

    __slots__ = ("data", "ascii")

    def __init__(self, data):
        self.data = data
        self.ascii = data.isascii()

    def codepoint(self, byte_offset):
        """Code point index of a byte offset that falls on a character boundary."""
        if self.ascii:
            return byte_offset
        return len(self.data[:byte_offset].decode("utf-8"))

    def utf16(self, byte_offset):
        """UTF-16 code unit index of a byte offset that falls on a character boundary."""
        if self.ascii:
            return byte_offset
        return len(self.data[:byte_offset].decode("utf-8").encode("utf-16-le")) // 2


def utf16_length(text):
    """Length of text in UTF-16 code units, as JavaScript counts it."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le", "surrogatepass")) // 2
