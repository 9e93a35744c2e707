"""Engine units over a small synthetic rule set: matching, context, offsets and scoring."""
import pytest

from service import engine
from service.offsets import normalise, utf16_length
from service.rules import load_documents
from tests import minirules


@pytest.fixture(scope="module")
def rs(tmp_path_factory):
    root = minirules.write(tmp_path_factory.mktemp("mini"))
    version, _, docs = load_documents(root)
    return engine.build(version, docs)


def found(result):
    return [(f["rule"], f["match"]) for f in result["findings"]]


def test_proximity_needs_cue_before_entity_within_window(rs):
    assert found(rs.score("I will vote Labour")) == [("main.vote", "vote Labour")]
    assert ("main.vote", "vote Labour") not in found(rs.score("Labour vote"))
    assert all(rule != "main.vote" for rule, _ in found(rs.score("vote for the local Labour")))


def test_proximity_stays_within_a_sentence(rs):
    assert all(rule != "main.vote" for rule, _ in found(rs.score("Go and vote. Labour published a plan.")))


def test_case_sensitive_lexicon_and_whole_words(rs):
    assert found(rs.score("labour")) == []
    assert found(rs.score("Labourers")) == []
    assert found(rs.score("Tory")) == [("main.mention", "Tory")]
    assert found(rs.score("xTory")) == []


def test_exceptions_cancel_overlapping_matches(rs):
    assert found(rs.score("A Tory Burch bag")) == []
    assert found(rs.score("A Tory and a Tory Burch bag")) == [("main.mention", "Tory")]


def test_lexicon_exceptions_hold_in_every_rule_that_uses_the_lexicon(rs):
    assert found(rs.score("Labour of love, this garden")) == []
    assert found(rs.score("Operation Labour made ten arrests")) == []
    assert found(rs.score("Labour of love? Labour said so")) == [("main.mention", "Labour")]
    assert found(rs.score("I will vote Labour")) == [("main.vote", "vote Labour")]
    assert found(rs.score("I will vote Labour of love")) == []


def test_phrase_spacing_hyphens_and_curly_quotes(rs):
    assert found(rs.score("pro-life  forever")) == [("main.pro-life", "pro-life  forever")]
    assert found(rs.score("prolife forever")) == [("main.pro-life", "prolife forever")]
    # A hyphen may be left out but never stands for a space: "has-been" is not "has been".
    assert found(rs.score("pro life forever")) == []
    assert found(rs.score("I don\u2019t care")) == [("main.pro-life", "don\u2019t care")]


def test_accented_entries_match_at_word_edges(rs):
    assert found(rs.score("Sinn Féin said")) == [("main.mention", "Sinn Féin")]
    assert found(rs.score("Reform UK")) == [("main.mention", "Reform UK")]


def test_patterns_and_case_sensitive_patterns(rs):
    assert found(rs.score("an OFFICIAL SENSITIVE memo")) == [("main.marking", "OFFICIAL SENSITIVE")]
    assert found(rs.score("an official sensitive memo")) == []


def test_sentiment_rule_fires_on_a_scornful_sentence_only(rs):
    result = rs.score("Nice weather. The minister is a terrible, awful disgrace.")
    assert found(result) == [("main.scorn", "The minister is a terrible, awful disgrace.")]
    assert result["sentiment"]["polarity"] < 0
    assert found(rs.score("He said the minister is a terrible, awful disgrace.")) == []
    assert found(rs.score("The minister opened a school.")) == []


def test_with_categories_needs_a_real_concern_beside_it(rs):
    assert found(rs.score("As a civil servant I love my job.")) == []
    assert sorted(found(rs.score("As a civil servant I vote Labour."))) == [
        ("main.employer", "As a civil servant"), ("main.vote", "vote Labour")]


def test_election_context_adds_rules_and_raises_party_findings(rs):
    assert found(rs.score("A landslide is coming")) == []
    result = rs.score("A landslide for Labour", context={"election_period": True})
    assert found(result) == [("election.predict", "landslide"), ("main.mention", "Labour")]
    assert [f["severity"] for f in result["findings"]] == ["medium", "medium"]


def test_official_account_and_strict_profile_floor_findings(rs):
    assert rs.score("Labour said")["level"] == "low"
    assert rs.score("Labour said", context={"account": "official"})["level"] == "medium"
    assert rs.score("Labour said", profile="strict")["warn"] is True


def test_offsets_are_utf16_and_match_is_the_slice(rs):
    text = "👩‍👩‍👧 é 😀 vote Labour"
    finding = rs.score(text)["findings"][0]
    units = text.encode("utf-16-le")
    assert units[2 * finding["start"]:2 * finding["end"]].decode("utf-16-le") == finding["match"] == "vote Labour"
    assert finding["end"] == utf16_length(text)


def test_normalise_keeps_utf16_length():
    for text in ("“quoted” – it’s", "\ud800 lone", "😀\u00a0x", ""):
        assert utf16_length(normalise(text)) == utf16_length(text)


@pytest.mark.parametrize(("weights", "score", "level"), [
    ([], 0, "none"),
    ([("low", 15)], 15, "low"),
    ([("low", 15)] * 6, 30, "low"),
    ([("medium", 40)], 40, "medium"),
    ([("high", 70)], 70, "high"),
    ([("medium", 40), ("medium", 40)], 64, "medium"),
    ([("medium", 40)] * 3, 78, "high"),
    ([("high", 70), ("low", 15)], 74, "high"),
])
def test_score_combines_findings_as_documented(weights, score, level):
    assert engine.combine(weights) == score
    assert engine.level_for(score) == level


def test_adding_a_risky_sentence_never_lowers_the_score(rs):
    texts = ["Labour said.", "I vote Labour.", "An OFFICIAL-SENSITIVE memo.", "The minister is an awful disgrace.",
             "Nice day.", "As a civil servant I vote Labour."]
    for first in texts:
        for second in texts:
            assert rs.score(first + " " + second)["score"] >= rs.score(first)["score"]


def test_empty_and_whitespace_text(rs):
    for text in ("", "   ", "\n\n"):
        result = rs.score(text)
        assert (result["score"], result["findings"]) == (0, [])


def test_word_distance_skips_emoji_and_counts_accented_words(rs):
    from service.engine import Text

    subject = Text(rs, "vote 😀 🇬🇧 for Sinn Féin")
    data = subject.data
    vote = (0, 4)
    party = (data.index("Sinn".encode()), len(data))
    assert subject.words_between(vote, party) == 1  # "for"; the emoji are not words
    assert subject.words_between(party, vote) == 1
    assert subject.words_between(vote, vote) == 0


def test_overlap_lookup_agrees_with_brute_force():
    import itertools

    from service.engine import _overlaps_any

    spans = [(0, 3), (5, 9), (12, 13), (20, 30)]
    starts, ends = [s for s, _ in spans], [e for _, e in spans]
    for a, b in itertools.combinations(range(32), 2):
        brute = any(s < b and a < e for s, e in spans)
        assert _overlaps_any((a, b), starts, ends) == brute, (a, b)


def test_long_texts_find_every_repeated_finding(rs):
    text = "I will vote Labour. Nice day. " * 400
    assert [f["rule"] for f in rs.score(text)["findings"]].count("main.vote") == 400


def test_a_surrogate_pair_given_as_two_code_points_is_one_character(rs):
    text = "\ud83d\ude00 vote Labour \ud800"
    finding = next(f for f in rs.score(text)["findings"] if f["rule"] == "main.vote")
    assert (finding["start"], finding["end"], finding["match"]) == (3, 14, "vote Labour")
    assert utf16_length(text) == 16


@pytest.fixture(scope="module")
def rs_fragment(tmp_path_factory):
    root = minirules.write(tmp_path_factory.mktemp("fragment"), {"packs/main.yaml": minirules.MAIN + minirules.FRAGMENT_RULE})
    version, _, docs = load_documents(root)
    return engine.build(version, docs)


@pytest.mark.parametrize(("text", "fires"), [
    ("Our councillor is useless.", True),
    ("Our councillor skipped the meeting again. Useless.", True),
    ("Our councillor skipped the meeting again. Utterly shameful, frankly.", True),
    ("Our councillor skipped the meeting again. The heating was useless all day.", False),
    ("Our councillor skipped the meeting again. Nice day. Useless.", False),
    ("Useless. Our councillor skipped the meeting again.", False),
])
def test_a_short_verdict_right_after_the_sentence_counts(rs_fragment, text, fires):
    assert ("main.verdict" in [f["rule"] for f in rs_fragment.score(text)["findings"]]) is fires


def test_ascii_word_edges_let_re2_skip_matches_inside_words_without_losing_unicode_ones(tmp_path):
    lexicon = minirules.LEXICON.replace("  - Tory\n", "  - Tory\n  - Zé\n")
    root = minirules.write(tmp_path, {"lexicons/parties.yaml": lexicon})
    version, _, docs = load_documents(root)
    ruleset = engine.build(version, docs)
    found_matches = [f["match"] for f in ruleset.score("Toryé Tory_ xTory Zé, Tory. Zéx")["findings"]]
    assert found_matches == ["Zé", "Tory"]


def test_offset_conversion_agrees_with_slicing():
    from service.offsets import OffsetMap

    text = "a😀é 🇬🇧x\u00e9\u4e2d😀z"
    data = text.encode("utf-8")
    boundaries = [i for i in range(len(data) + 1) if i == len(data) or not 0x80 <= data[i] < 0xC0]
    converted = OffsetMap(data).convert(boundaries)
    for offset in boundaries:
        prefix = data[:offset].decode("utf-8")
        assert converted[offset] == (len(prefix), len(prefix.encode("utf-16-le")) // 2)
