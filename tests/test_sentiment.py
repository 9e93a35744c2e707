"""The sentiment signal equals TextBlob's own, sentence by sentence."""
import pytest
from textblob import TextBlob

from service.sentiment import sentence_sentiment


@pytest.mark.parametrize("sentence", [
    "The minister is a terrible, awful disgrace.",
    "What a brilliant, wonderful plan.",
    "The bill was published on Tuesday.",
    "Not bad at all!",
    "   ",
])
def test_sentence_sentiment_matches_textblob(sentence):
    expected = tuple(TextBlob(sentence).sentiment) if sentence.strip() else (0.0, 0.0)
    assert sentence_sentiment(sentence) == pytest.approx(expected)
