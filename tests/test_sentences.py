"""Sentence ends are found as re2's finditer of the sentence-end pattern finds them."""
import re2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service import engine
from service.engine import _ABBREVIATIONS, _sentence_ends

# The definition, in re2 syntax: what the engine's faster search must agree with.
SENTENCE_END = re2.compile(r"(?:[.!?]+|\x{2026})[\"')\]]*(?:[ \t]+|$)|\n[ \t\n]*")
PIECES = ["Mr.", "mrs.", "Dr. ", "CLLR.", "e.g. ", "No.", "x.", "Prof. ", "Capt.", "capts.", "rep.", "abcdef.", ".", "!", "?", "...", "!?", "\u2026", '"', "'", ")", "]", " ", "  ", "\t", "\n", "\n\n", " \n", "a", "Mr",
          "word", "\u2019", "\u201d", "🎉", "é", "\r", "\u00a0"]


@settings(max_examples=600, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=4)), max_size=30).map("".join))
def test_sentence_ends_are_the_patterns_matches(text):
    data = text.encode("utf-8")
    assert _sentence_ends(data) == [m.span() for m in SENTENCE_END.finditer(data)]


def test_long_runs_of_punctuation_that_end_no_sentence():
    # Each run is looked at once from its start (a backtracking search per position would take minutes).
    for data in (b"!" * 20000 + b"x", b'."' * 20000 + b"x", b"\xe2\x80\xa6" * 7000 + b"x", b"?!" * 10000 + b")x"):
        assert _sentence_ends(data) == [m.span() for m in SENTENCE_END.finditer(data)]


@pytest.mark.parametrize("text", ["Hi!\n", "Hi.\n", "Hi\u2026\n", 'Hi!")\n', "Hi! ", "Hi!", "Hi!!x. Yes", "a.\u2026 b",
                                  "\u2026\u2026 x", "!?! \n\n x", "Mr. Smith. \t Next", "\n", "", "x\n \n\ty"])
def test_edges_of_the_text_and_of_runs(text):
    data = text.encode("utf-8")
    assert _sentence_ends(data) == [m.span() for m in SENTENCE_END.finditer(data)]


def reference_starts(data):
    """Sentence starts as the engine defined them: re2's ends, less those after an abbreviation."""
    starts = [0]
    for match in SENTENCE_END.finditer(data):
        if match.end() >= len(data):
            break
        dot = match.start()
        if data[dot:dot + 1] == b".":
            start = dot
            while start > 0 and chr(data[start - 1]).isalpha() and data[start - 1] < 0x80:
                start -= 1
            word = data[start:dot].decode("ascii").lower()
            if len(word) == 1 or word in _ABBREVIATIONS:
                continue
        starts.append(match.end())
    return starts


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=4)), max_size=30).map("".join))
def test_sentence_starts_skip_abbreviations_as_defined(ruleset, text):
    subject = engine.Text(ruleset, text)
    assert subject.sentences() == reference_starts(subject.data)
