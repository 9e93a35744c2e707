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

    def convert(self, byte_offsets):
        """{byte offset: (code point index, UTF-16 index)} for offsets on character boundaries.

        One pass over the offsets in order, decoding only the bytes between neighbours,
        so a long text with many findings is decoded once, not once per finding.
        """
        if self.ascii:
            return {offset: (offset, offset) for offset in byte_offsets}
        converted, last, codepoints, units = {}, 0, 0, 0
        for offset in sorted(set(byte_offsets)):
            piece = self.data[last:offset].decode("utf-8")
            codepoints += len(piece)
            units += len(piece.encode("utf-16-le")) // 2
            converted[offset] = (codepoints, units)
            last = offset
        return converted


def utf16_length(text):
    """Length of text in UTF-16 code units, as JavaScript counts it."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le", "surrogatepass")) // 2
