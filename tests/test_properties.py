"""Hypothesis properties of the engine over arbitrary Unicode (bundled rules)."""
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

RISKY = ["Vote Labour", "vote Tory", "OFFICIAL-SENSITIVE", "Sign the petition", "#ToriesOut", "leaked memo",
         "As a civil servant I think", "the Prime Minister is a disgrace", "Reform UK"]
EXOTIC = ["😀", "👩‍👩‍👧", "🇬🇧", "\u202e", "\u200f", "שלום", "مرحبا", "e\u0301", "\u0000", "\x07", "\ufeff", "\ud800",
          "\udfff", "\n", "\t", "“", "’", "–", " "]

fragments = st.one_of(st.text(max_size=30), st.sampled_from(RISKY), st.sampled_from(EXOTIC))
texts = st.lists(fragments, max_size=12).map("".join)
PROPERTY = settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def utf16_units(text):
    return text.encode("utf-16-le", "surrogatepass")


@PROPERTY
@given(texts)
def test_offsets_are_on_utf16_boundaries_and_match_the_slice(ruleset, text):
    units = utf16_units(text)
    for finding in ruleset.score(text)["findings"]:
        start, end = finding["start"], finding["end"]
        assert 0 <= start < end <= len(units) // 2
        for edge in (start, end):
            if 0 < edge < len(units) // 2:
                before = int.from_bytes(units[2 * edge - 2:2 * edge], "little")
                after = int.from_bytes(units[2 * edge:2 * edge + 2], "little")
                assert not (0xD800 <= before <= 0xDBFF and 0xDC00 <= after <= 0xDFFF), "edge splits a surrogate pair"
        assert units[2 * start:2 * end].decode("utf-16-le", "surrogatepass") == finding["match"]


@PROPERTY
@given(texts, st.sampled_from([None, "public-servant", "uk-civil-service", "us-federal", "official-account"]),
       st.fixed_dictionaries({}, optional={"election_period": st.booleans(),
                                           "account": st.sampled_from(["personal", "official"])}))
def test_score_is_bounded_consistent_and_deterministic(ruleset, text, profile, context):
    first = ruleset.score(text, profile, context)
    assert 0 <= first["score"] <= 100
    assert first["warn"] == (first["level"] in ("medium", "high"))
    assert (first["score"] == 0) == (first["level"] == "none")
    assert -1 <= first["sentiment"]["polarity"] <= 1 and 0 <= first["sentiment"]["subjectivity"] <= 1
    assert ruleset.score(text, profile, context) == first


@PROPERTY
@given(texts, texts)
def test_adding_a_paragraph_never_lowers_the_score(ruleset, first, second):
    before = ruleset.score(first)["score"]
    assert ruleset.score(first + "\n\n" + second)["score"] >= before
    assert ruleset.score(second + "\n\n" + first)["score"] >= before
