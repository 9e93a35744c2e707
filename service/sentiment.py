"""Sentence sentiment with TextBlob's lexicon analyser (works offline, no corpora)."""
from textblob import TextBlob


def sentence_sentiment(sentence):
    """(polarity -1..1, subjectivity 0..1) of one sentence."""
    if not sentence.strip():
        return 0.0, 0.0
    result = TextBlob(sentence).sentiment
    return float(result.polarity), float(result.subjectivity)
