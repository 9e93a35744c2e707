"""LanguageTool's API (/v2/*) through the Flask test client: shapes, annotation, every parameter, bad inputs."""
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service import create_app
from tests.conftest import RULES

TEXTS = [
    "Vote Labour on Thursday!",
    "🇬🇧😀 Proud to be out leafleting for Labour this weekend! Vote Labour.",
    "Labour announced its manifesto today.",
    "Lovely walk by the river this morning.",
    "Line one.\nThe Chancellor's plan is a total disgrace, frankly. Sign the petition to save the bus route!",
    "",
]
CANARY = "Zq7canaryXv9"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    """One app for the module: building one compiles every rule, and these tests change nothing."""
    app = create_app({"TESTING": True, "RULES_DIR": str(RULES), "RUNTIME_DIR": str(tmp_path_factory.mktemp("runtime"))})
    yield app.test_client()
    app.extensions["impartial.store"].close()


def check(client, **params):
    params.setdefault("language", "en-GB")
    return client.post("/v2/check", data=params)


def matches(client, **params):
    response = check(client, **params)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["matches"]


def findings(client, text, **body):
    return client.post("/v1/score", json={"text": text, **body}).get_json()["findings"]


def as_match(finding):
    """What a /v1/score finding must look like as a LanguageTool match."""
    return {
        "rule": finding["rule"], "category": finding["category"], "offset": finding["start"],
        "length": finding["end"] - finding["start"], "message": finding["message"],
        "replacements": [finding["suggestion"]] if finding["suggestion"] else [],
        "urls": [finding["guidance"]["url"]],
    }


def essentials(match):
    return {
        "rule": match["rule"]["id"], "category": match["rule"]["category"]["id"], "offset": match["offset"],
        "length": match["length"], "message": match["message"],
        "replacements": [r["value"] for r in match["replacements"]], "urls": [u["value"] for u in match["rule"]["urls"]],
    }


def units(text, start, length):
    return text.encode("utf-16-le")[2 * start:2 * (start + length)].decode("utf-16-le")


@pytest.mark.parametrize("text", TEXTS)
def test_matches_are_the_findings_of_v1_score(client, text):
    got = [essentials(m) for m in matches(client, text=text)]
    assert got == [as_match(f) for f in findings(client, text)]


def test_the_response_has_languagetools_shape(client):
    body = check(client, text=TEXTS[1]).get_json()
    assert list(body) == ["software", "warnings", "language", "matches"]
    assert body["software"]["name"] == "Impartial" and body["software"]["apiVersion"] == 1
    assert body["warnings"] == {"incompleteResults": False}
    assert body["language"]["code"] == "en-GB" and body["language"]["name"] == "English (GB)"
    assert body["language"]["detectedLanguage"]["code"] == "en-GB"
    match = body["matches"][0]
    assert set(match) == {"message", "shortMessage", "replacements", "offset", "length", "context", "sentence", "type",
                          "rule", "ignoreForIncompleteSentence", "contextForSureMatch"}
    assert set(match["rule"]) == {"id", "description", "issueType", "urls", "category"}
    assert match["rule"]["category"] == {"id": "campaigning", "name": "Campaigning"}
    assert match["shortMessage"] == "Campaigning"
    assert match["type"] == {"typeName": "Other"} and match["rule"]["issueType"] == "legal"
    assert match["sentence"] == "🇬🇧😀 Proud to be out leafleting for Labour this weekend!"


def test_offsets_count_utf16_units_so_emoji_before_a_finding_shift_nothing(client):
    text = "🇬🇧😀 𝒜 Vote Labour"
    match = next(m for m in matches(client, text=text) if m["rule"]["id"] == "party.vote-for")
    assert match["offset"] == len("🇬🇧😀 𝒜 ".encode("utf-16-le")) // 2 == 10
    assert units(text, match["offset"], match["length"]) == "Vote Labour"
    context = match["context"]
    assert units(context["text"], context["offset"], context["length"]) == "Vote Labour"


def test_low_findings_are_hints_of_style(client):
    match = matches(client, text="Labour announced its manifesto today.")[0]
    assert match["rule"]["id"] == "party.mention"
    assert (match["type"]["typeName"], match["rule"]["issueType"], match["replacements"]) == ("Hint", "style", [])


def test_context_is_languagetools_forty_units_either_side(client):
    before, after = "a" * 50 + "\n", " b" * 30
    match = matches(client, text=before + "Vote Labour" + after)[0]
    context = match["context"]
    assert context["text"] == "..." + ("a" * 50 + " ")[-40:] + "Vote Labour" + after[:40] + "..."
    assert (context["offset"], context["length"]) == (43, 11)
    short = matches(client, text="Vote Labour")[0]["context"]
    assert short == {"text": "Vote Labour", "offset": 0, "length": 11}


def annotated(*parts):
    return json.dumps({"annotation": list(parts)})


def test_markup_is_skipped_but_counted_in_offsets(client):
    parts = [{"markup": "<p>"}, {"text": "Hello. "}, {"markup": "<b>"}, {"text": "Vote Labour"}, {"markup": "</b>"},
             {"text": " on Thursday!"}, {"markup": "</p>"}]
    original = "".join(p.get("text", p.get("markup")) for p in parts)
    match = matches(client, data=annotated(*parts))[0]
    assert original[match["offset"]:match["offset"] + match["length"]] == "Vote Labour"
    assert match["context"]["text"] == original
    assert match["sentence"] == "Vote Labour on Thursday!"
    plain = matches(client, text="Hello. Vote Labour on Thursday!")[0]
    assert (plain["rule"], plain["message"]) == (match["rule"], match["message"])


def test_interpret_as_is_checked_and_a_finding_across_markup_covers_it(client):
    parts = [{"text": "😀 Vote"}, {"markup": "&nbsp;", "interpretAs": " "}, {"text": "Labour"}]
    original = "😀 Vote&nbsp;Labour"
    match = next(m for m in matches(client, data=annotated(*parts)) if m["rule"]["id"] == "party.vote-for")
    assert units(original, match["offset"], match["length"]) == "Vote&nbsp;Labour"
    # Without interpretAs the markup stands for nothing, so the words run together.
    glued = [{"text": "Vote"}, {"markup": "<br/>"}, {"text": "Labour"}]
    assert all(m["rule"]["id"] != "party.vote-for" for m in matches(client, data=annotated(*glued)))


def test_data_may_be_plain_text(client):
    text = TEXTS[1]
    assert matches(client, data=json.dumps({"text": text})) == matches(client, text=text)


def test_multipart_bodies_are_read_like_forms(client):
    text = TEXTS[4]
    multipart = client.post("/v2/check", data={"text": text, "language": "en-GB"}, content_type="multipart/form-data")
    assert multipart.status_code == 200
    assert multipart.get_json()["matches"] == matches(client, text=text)


@pytest.mark.parametrize("code", ["en", "en-US", "en-GB", "en-AU", "en-CA", "en-NZ", "en-ZA", "en-gb", "en_GB"])
def test_every_english_variant_is_served(client, code):
    body = check(client, text=TEXTS[0], language=code).get_json()
    assert body["language"]["code"].lower() == code.lower().replace("_", "-")
    assert [essentials(m) for m in body["matches"]] == [as_match(f) for f in findings(client, TEXTS[0])]


def test_languages_lists_the_english_variants(client):
    languages = client.get("/v2/languages").get_json()
    assert {l["longCode"] for l in languages} == {"en", "en-US", "en-GB", "en-AU", "en-CA", "en-NZ", "en-ZA"}
    assert {l["code"] for l in languages} == {"en"}
    assert [l["name"] for l in languages] == sorted(l["name"] for l in languages)


def test_info_names_the_software_and_rules(client):
    software = client.get("/v2/info").get_json()["software"]
    assert software["name"] == "Impartial"
    assert software["rulesVersion"] == client.get("/healthz").get_json()["rules_version"]


def test_auto_uses_an_english_preferred_variant_or_us_english(client):
    auto = check(client, text=TEXTS[0], language="auto").get_json()["language"]
    assert auto["code"] == "en-US" and auto["detectedLanguage"]["confidence"] == 0.0
    preferred = check(client, text=TEXTS[0], language="auto", preferredVariants="de-AT,en-AU").get_json()["language"]
    assert preferred["code"] == "en-AU"


def test_disabled_rules_and_categories_remove_exactly_those(client):
    text = TEXTS[1]
    every = matches(client, text=text)
    rules = {m["rule"]["id"] for m in every}
    assert {"campaigning.volunteer-party", "party.vote-for", "party.stance"} <= rules
    without = matches(client, text=text, disabledRules="party.vote-for,campaigning.volunteer-party")
    assert without == [m for m in every if m["rule"]["id"] not in ("party.vote-for", "campaigning.volunteer-party")]
    no_party = matches(client, text=text, disabledCategories="party_political")
    assert no_party == [m for m in every if m["rule"]["category"]["id"] != "party_political"] != []


def test_unknown_rule_and_category_ids_are_ignored_as_languagetool_does(client):
    # LanguageTool clients send their own ids (spelling, typography); they change nothing here.
    text = TEXTS[1]
    assert matches(client, text=text, disabledRules="WHITESPACE_RULE", disabledCategories="TYPOS") == \
        matches(client, text=text)


def test_enabled_only_keeps_the_enabled_rules_and_categories(client):
    text = TEXTS[1]
    every = matches(client, text=text)
    only_rule = matches(client, text=text, enabledRules="party.vote-for", enabledOnly="true")
    assert only_rule == [m for m in every if m["rule"]["id"] == "party.vote-for"] != []
    only_category = matches(client, text=text, enabledCategories="campaigning", enabledOnly="yes")
    assert only_category == [m for m in every if m["rule"]["category"]["id"] == "campaigning"] != []
    both = matches(client, text=text, enabledRules="party.vote-for", enabledCategories="campaigning", enabledOnly="true")
    assert {m["rule"]["id"] for m in both} == {"party.vote-for", "campaigning.volunteer-party"}
    # Every rule of the profile is on already, so enabling without enabledOnly changes nothing.
    assert matches(client, text=text, enabledRules="party.vote-for", enabledCategories="campaigning") == every
    assert matches(client, text=text, enabledRules="party.vote-for", enabledOnly="false") == every


@pytest.mark.parametrize("params", [{"level": "picky"}, {"level": "default"}, {"motherTongue": "de-DE"},
                                    {"motherTongue": "fr"}, {"username": "someone", "apiKey": "x", "useragent": "t"}])
def test_level_mother_tongue_and_other_clients_parameters_change_nothing(client, params):
    assert matches(client, text=TEXTS[1], **params) == matches(client, text=TEXTS[1])


def test_profile_election_period_and_account_are_impartials_contexts(client):
    text = "Such a great candidate in our ward. IMO the new rules are great."
    for params, body in [
        ({"profile": "uk-civil-service"}, {"profile": "uk-civil-service"}),
        ({"electionPeriod": "true"}, {"context": {"election_period": True}}),
        ({"account": "official"}, {"context": {"account": "official"}}),
        ({"account": "personal", "electionPeriod": "false"}, {}),
    ]:
        got = [essentials(m) for m in matches(client, text=text, **params)]
        assert got == [as_match(f) for f in findings(client, text, **body)]
    assert "purdah.candidate-share" in {m["rule"]["id"] for m in matches(client, text=text, electionPeriod="yes")}
    assert "purdah.candidate-share" not in {m["rule"]["id"] for m in matches(client, text=text)}
    assert "official-account.personal-opinion" in {m["rule"]["id"] for m in matches(client, text=text, account="official")}


def test_cors_answers_extensions_as_for_v1(client):
    allowed = client.post("/v2/check", data={"text": "x", "language": "en"}, headers={"Origin": "chrome-extension://abc"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "chrome-extension://abc"
    refused = client.post("/v2/check", data={"text": "x", "language": "en"}, headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in refused.headers
    error = client.post("/v2/check", data={"language": "en"}, headers={"Origin": "moz-extension://abc"})
    assert error.headers["Access-Control-Allow-Origin"] == "moz-extension://abc"


BAD = [
    ({"language": "en-GB"}, 400, "missing_text"),
    ({"text": "x", "data": "{}", "language": "en-GB"}, 400, "bad_parameter"),
    ({"text": "x"}, 400, "missing_language"),
    ({"text": "x", "language": ""}, 400, "missing_language"),
    ({"text": "x", "language": "de-DE"}, 400, "unsupported_language"),
    ({"text": "x", "language": "fr"}, 400, "unsupported_language"),
    ({"text": "x", "language": CANARY * 3}, 400, "unsupported_language"),
    ({"text": "x", "language": "en-GB", "preferredVariants": "en-AU"}, 400, "bad_parameter"),
    ({"text": "x", "language": "auto", "preferredVariants": "enAU"}, 400, "bad_parameter"),
    ({"text": "x", "language": "en-GB", "enabledOnly": "true"}, 400, "bad_parameter"),
    ({"text": "x", "language": "en-GB", "enabledOnly": "true", "enabledRules": "a", "disabledRules": "b"}, 400,
     "bad_parameter"),
    ({"text": "x", "language": "en-GB", "enabledOnly": "true", "enabledRules": "a", "disabledCategories": "b"}, 400,
     "bad_parameter"),
    ({"text": "x", "language": "en-GB", "enabledOnly": "maybe", "enabledRules": "a"}, 400, "bad_parameter"),
    ({"text": "x", "language": "en-GB", "level": "extreme"}, 400, "bad_parameter"),
    ({"text": "x", "language": "en-GB", "motherTongue": CANARY + " no"}, 400, "bad_parameter"),
    ({"text": "x", "language": "en-GB", "profile": "nobody"}, 400, "unknown_profile"),
    ({"text": "x", "language": "en-GB", "electionPeriod": "soon"}, 400, "bad_parameter"),
    ({"text": "x", "language": "en-GB", "account": "public"}, 400, "bad_parameter"),
    ({"text": CANARY + "a" * 20000, "language": "en-GB"}, 413, "text_too_long"),
    ({"data": annotated({"text": CANARY + "a" * 20000}), "language": "en-GB"}, 413, "text_too_long"),
    ({"data": "{" + CANARY, "language": "en-GB"}, 400, "invalid_data"),
    ({"data": "[" * 5000 + "]" * 5000, "language": "en-GB"}, 400, "invalid_data"),
    ({"data": json.dumps([CANARY]), "language": "en-GB"}, 400, "invalid_data"),
    ({"data": json.dumps({"text": CANARY, "annotation": []}), "language": "en-GB"}, 400, "invalid_data"),
    ({"data": json.dumps({"txt": CANARY}), "language": "en-GB"}, 400, "invalid_data"),
    ({"data": json.dumps({"text": [CANARY]}), "language": "en-GB"}, 400, "invalid_data"),
    ({"data": json.dumps({"annotation": CANARY}), "language": "en-GB"}, 400, "invalid_data"),
    ({"data": annotated(CANARY), "language": "en-GB"}, 400, "invalid_data"),
    ({"data": annotated({"text": CANARY, "markup": "<b>"}), "language": "en-GB"}, 400, "invalid_data"),
    ({"data": annotated({"text": CANARY, "interpretAs": " "}), "language": "en-GB"}, 400, "invalid_data"),
    ({"data": annotated({"image": CANARY}), "language": "en-GB"}, 400, "invalid_data"),
    ({"data": annotated({"text": 7}), "language": "en-GB"}, 400, "invalid_data"),
    ({"data": annotated({"markup": "<br>", "interpretAs": 1}), "language": "en-GB"}, 400, "invalid_data"),
]


@pytest.mark.parametrize("params,status,code", BAD)
def test_bad_inputs_get_languagetool_plain_errors_naming_the_problem(client, params, status, code):
    response = client.post("/v2/check", data=params)
    assert (response.status_code, response.headers.get("X-Impartial-Error")) == (status, code)
    assert response.mimetype == "text/plain"
    assert response.get_data(as_text=True).startswith("Error: ")
    assert CANARY not in response.get_data(as_text=True)


@pytest.mark.parametrize("request_kwargs,status,code", [
    ({"data": json.dumps({"text": "x", "language": "en"}), "content_type": "application/json"}, 415,
     "unsupported_media_type"),
    ({"data": "text=x&language=en", "content_type": "text/plain"}, 415, "unsupported_media_type"),
    ({"query_string": {"text": CANARY, "language": "en"}}, 400, "parameters_in_url"),
    ({"data": "text=a&text=b&language=en", "content_type": "application/x-www-form-urlencoded"}, 400,
     "bad_parameter"),
    ({"data": {"text": "x", "language": "en", "pad": "a" * 200_000}}, 413, "payload_too_large"),
    ({}, 400, "missing_text"),
])
def test_bad_requests_get_languagetool_plain_errors(client, request_kwargs, status, code):
    response = client.post("/v2/check", **request_kwargs)
    assert (response.status_code, response.headers.get("X-Impartial-Error")) == (status, code)
    assert response.get_data(as_text=True).startswith("Error: ")
    assert CANARY not in response.get_data(as_text=True)


def test_check_is_never_a_get_so_a_draft_never_sits_in_a_url(client):
    response = client.get("/v2/check", query_string={"text": "x", "language": "en"})
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) == {"OPTIONS", "POST"}


def test_a_lone_surrogate_in_data_is_checked_not_crashed(client):
    raw = '{"annotation": [{"text": "\\ud800 Vote Labour \\ud83d"}, {"text": "\\ude00"}]}'
    match = matches(client, data=raw)[0]
    assert (match["rule"]["id"], match["offset"], match["length"]) == ("party.vote-for", 2, 11)


def test_plain_offsets_map_to_the_original_around_markup():
    from service.annotated import AnnotatedText

    # "<p>ab" + "<i>" (interpreted as " ") + "😀c" + "</p>": plain "ab 😀c", original "<p>ab<i>😀c</p>".
    text = AnnotatedText([("<p>", "", False), ("ab", "ab", True), ("<i>", " ", False), ("😀c", "😀c", True),
                          ("</p>", "", False)])
    assert (text.plain, text.original) == ("ab 😀c", "<p>ab<i>😀c</p>")
    # start: after any markup before it; a start inside interpretAs is the markup's start.
    assert [text.start(u) for u in (0, 1, 2, 3, 5, 6)] == [3, 4, 5, 8, 10, 15]
    # end: before any markup after it; an end inside interpretAs is the markup's end.
    assert [text.end(u) for u in (0, 1, 2, 3, 5, 6)] == [0, 4, 5, 8, 10, 11]


WORDS = ["Vote Labour", "Proud to be out leafleting for Labour this weekend!", "the Chancellor's plan is a disgrace.",
         "😀", "🇬🇧", "’", "walk", "\n", "Sign the petition", "Tories", "fine."]
MARKUP = ["<b>", "</b>", "<a href='x'>", "&amp;", "<!-- c -->"]


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(MARKUP + [""])), min_size=1, max_size=10))
def test_any_annotation_gives_v1s_findings_at_their_place_in_the_markup(client, pieces):
    # Markup stands between words (with a space on either side), so the plain text reads as it would unmarked.
    parts, plain = [], ""
    for word, markup in pieces:
        parts.append({"text": word + " "})
        plain += word + " "
        if markup:
            parts.append({"markup": markup})
    original = "".join(p.get("text", p.get("markup")) for p in parts)
    got = matches(client, data=annotated(*parts))
    expected = findings(client, plain)
    assert [m["rule"]["id"] for m in got] == [f["rule"] for f in expected]
    for match, finding in zip(got, expected):
        spanned = units(original, match["offset"], match["length"])
        for markup in MARKUP:
            spanned = spanned.replace(markup, "")
        assert spanned == finding["match"]
