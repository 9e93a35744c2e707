"""Sentence sentiment with TextBlob's lexicon analyser (works offline, no corpora).

`textblob.en.sentiment` is the analyser behind `TextBlob(text).sentiment`, called
directly: the same values at less than half the cost, since no blob is built.
"""
from textblob.en import sentiment as _analyse


def sentence_sentiment(sentence):
    """(polarity -1..1, subjectivity 0..1) of one sentence."""
    if not sentence.strip():
        return 0.0, 0.0
    polarity, subjectivity = _analyse(sentence)
    return float(polarity), float(subjectivity)
