"""The learned model: validated like a rule file, served beside the rules, explainable, reproducible."""
import base64
import json
import shutil

import pytest

from service.offsets import utf16_length
from service.rules import MAX_MODEL_BYTES, load_documents
from tests.conftest import ADMIN_TOKEN, RULES, load_rules, refusals

MODEL = RULES / "model" / "model.json"


def edit_model(root, change):
    path = root / "model" / "model.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    change(doc)
    path.write_text(json.dumps(doc), encoding="utf-8")


def _drop(key):
    return lambda doc: doc.pop(key)


def _set(key, value):
    return lambda doc: doc.__setitem__(key, value)


def _short_weights(doc):
    raw = base64.b64decode(doc["weights"]["data"])
    doc["weights"]["data"] = base64.b64encode(raw[:-2]).decode()


def _shifted_weights(doc):
    raw = bytearray(base64.b64decode(doc["weights"]["data"]))
    raw[: len(raw) // 2] = bytes(len(raw) // 2)  # half the weights zeroed: the golden cases no longer hold
    doc["weights"]["data"] = base64.b64encode(bytes(raw)).decode()


@pytest.mark.parametrize("change, reason", [
    (_set("format", "pickle"), "format must be"),
    (_drop("vocabulary"), "vocabulary is missing"),
    (_set("heads", ["warn"]), "heads must be"),
    (lambda d: d["idf"].pop(), "idf must hold one positive number per vocabulary entry"),
    (lambda d: d["idf"].__setitem__(0, -1), "idf must hold one positive number"),
    (_short_weights, "weights.data holds"),
    (lambda d: d["weights"].__setitem__("data", "!!not base64!!"), "not valid base64"),
    (lambda d: d["bias"].pop(), "bias must hold one number per head"),
    (lambda d: d["thresholds"].__setitem__("medium", 1.5), "thresholds must be"),
    (lambda d: d["vocabulary"].__setitem__(1, d["vocabulary"][0]), "duplicate features"),
    (_set("golden", []), "golden must list"),
    (_shifted_weights, "does not reproduce its own probabilities"),
])
def test_an_invalid_model_is_refused_whole_naming_file_and_reason(rules_copy, change, reason):
    edit_model(rules_copy, change)
    problems = refusals(rules_copy)
    assert any(p["file"] == "model/model.json" and reason in p["message"] for p in problems), problems


@pytest.mark.parametrize("content, reason", [
    ("{not json", "not valid JSON"),
    ("[" * 100000 + "]" * 100000, "not valid JSON"),
    ("[]", "must be a JSON object"),
])
def test_a_corrupt_model_file_is_refused(rules_copy, content, reason):
    (rules_copy / "model" / "model.json").write_text(content, encoding="utf-8")
    problems = refusals(rules_copy)
    assert any(p["file"] == "model/model.json" and reason in p["message"] for p in problems), problems


def test_an_oversized_model_file_is_refused(rules_copy):
    (rules_copy / "model" / "model.json").write_bytes(b" " * (MAX_MODEL_BYTES + 1))
    assert any("limit" in p["message"] for p in refusals(rules_copy) if p["file"] == "model/model.json")


def test_model_and_its_wording_come_together(rules_copy):
    (rules_copy / "model" / "findings.yaml").unlink()
    assert any("come together" in p["message"] for p in refusals(rules_copy))


@pytest.mark.parametrize("yaml_text, rule, reason", [
    ("model: {}\n", "model.party_political", "missing"),
    ("other: 1\n", None, "one key, model"),
])
def test_model_wording_is_checked(rules_copy, yaml_text, rule, reason):
    (rules_copy / "model" / "findings.yaml").write_text(yaml_text, encoding="utf-8")
    problems = refusals(rules_copy)
    assert any(p["file"] == "model/findings.yaml" and p["rule"] == rule and reason in p["message"] for p in problems)


def test_model_wording_cites_known_guidance(rules_copy):
    path = rules_copy / "model" / "findings.yaml"
    path.write_text(path.read_text().replace("guidance: civil-service-code", "guidance: nowhere", 1))
    assert any("'nowhere' is not defined" in p["message"] for p in refusals(rules_copy))


def test_the_model_is_part_of_the_rules_version(rules_copy):
    before = load_documents(rules_copy)[0]
    edit_model(rules_copy, lambda doc: doc["card"].__setitem__("intended_use", "changed"))
    assert load_documents(rules_copy)[0] != before


def _model_findings(result):
    return [f for f in result["findings"] if f["source"] == "model"]


def _with_thresholds(tmp_path_factory, name, **thresholds):
    """A copy of the bundled rules whose model has the given thresholds."""
    root = tmp_path_factory.mktemp(name) / "rules"
    shutil.copytree(RULES, root, ignore=shutil.ignore_patterns("tests"))
    edit_model(root, lambda doc: doc["thresholds"].update(thresholds))
    return root


@pytest.fixture(scope="module")
def eager(tmp_path_factory):
    """The bundled rules and model with the model's thresholds lowered, so that the mechanics of
    model findings are tested whatever the shipped thresholds are."""
    root = _with_thresholds(tmp_path_factory, "eager", medium=0.2, high=0.99999, veto=0.0)
    return load_rules(root), root


OPINION = "Honestly, whoever wrote this new benefits policy has never met a single claimant. Disgraceful."


def test_model_findings_are_first_class(eager):
    text = OPINION
    result = eager[0].score(text)
    assert _model_findings(result)
    assert result["warn"]
    for finding in result["findings"]:
        assert text[finding["start"]:finding["end"]] == finding["match"]
        assert finding["source"] in ("rule", "model")
    for finding in _model_findings(result):
        assert finding["rule"] == f"model.{finding['category']}"
        assert 0 < finding["confidence"] <= 1
        assert finding["message"] and finding["guidance"]["url"].startswith("https://")
        assert finding["evidence"], finding
        for word in finding["evidence"]:
            assert finding["start"] <= word["start"] < word["end"] <= finding["end"]


def test_offsets_of_model_findings_count_utf16_units(eager):
    text = "🎉🎉 Great week! 👀 " + OPINION
    result = eager[0].score(text)
    assert _model_findings(result)
    assert result["warn"]
    units = text.encode("utf-16-le", "surrogatepass")
    for finding in result["findings"] + [e for f in result["findings"] for e in f.get("evidence", [])]:
        assert units[2 * finding["start"]:2 * finding["end"]].decode("utf-16-le", "surrogatepass") == finding["match"]
    assert all(f["end"] <= utf16_length(text) for f in result["findings"])


def test_one_finding_where_rule_and_model_flag_the_same_sentence(eager):
    result = eager[0].score("Vote Labour on Thursday, they are the only ones who care about this town!")
    assert any(f["source"] == "rule" and f["confidence"] for f in result["findings"]), result["findings"]
    spans = [(f["start"], f["end"]) for f in result["findings"]]
    for i, a in enumerate(spans):
        for b in spans[i + 1:]:
            overlapping = a[0] < b[1] and b[0] < a[1]
            assert not (overlapping and "model" in {result["findings"][spans.index(a)]["source"],
                                                    result["findings"][spans.index(b)]["source"]}), result["findings"]


def test_neutral_service_information_gets_no_model_finding(ruleset):
    result = ruleset.score("Our offices close at 3pm on Friday for staff training. Online services are unaffected.")
    assert not _model_findings(result) and not result["warn"]


def test_profiles_apply_to_model_findings(eager):
    ruleset, rules_copy = eager
    text = OPINION
    base = ruleset.score(text)
    ids = {f["rule"] for f in _model_findings(base)}
    assert ids, base["findings"]
    profiles = rules_copy / "profiles.yaml"
    body = profiles.read_text()
    marker = "  public-servant:\n"
    assert marker in body
    try:
        profiles.write_text(body.replace(marker, marker + "    disable: [" + ", ".join(sorted(ids)) + "]\n", 1))
        edited = load_rules(rules_copy).score(text)
    finally:
        profiles.write_text(body)
    assert not ids & {f["rule"] for f in edited["findings"]}


def test_profile_severities_and_the_official_floor_apply_to_model_findings(eager):
    ruleset, rules_copy = eager
    findings = _model_findings(ruleset.score(OPINION))
    assert findings and all(f["severity"] == "medium" for f in findings)  # eager thresholds: high only from 0.99999
    profiles = rules_copy / "profiles.yaml"
    body = profiles.read_text()
    marker = "  public-servant:\n"
    overrides = "".join(f"      {f['rule']}: high\n" for f in findings)
    try:
        profiles.write_text(body.replace(marker, marker + "    severity:\n" + overrides, 1))
        edited = load_rules(rules_copy).score(OPINION)
    finally:
        profiles.write_text(body)
    assert {f["rule"]: f["severity"] for f in _model_findings(edited)} == {f["rule"]: "high" for f in findings}
    official = _model_findings(ruleset.score(OPINION, context={"account": "official"}))
    assert official and all(f["severity"] in ("medium", "high") for f in official)


@pytest.fixture(scope="module")
def doubting(tmp_path_factory):
    """The bundled rules and model with the veto at the top: every paragraph the model judges is
    one it doubts, so the mechanics of the veto are tested whatever the shipped thresholds are."""
    return load_rules(_with_thresholds(tmp_path_factory, "doubting", veto=0.999, medium=0.999, high=0.9999))


SARCASM = "Honestly the Home Secretary could not organise a raffle."
ENDORSEMENT = "Proud to be out leafleting for Labour this weekend!"


def test_a_medium_rule_finding_the_model_doubts_counts_as_low(rules_only, doubting):
    alone = rules_only.score(SARCASM)
    assert alone["warn"] and {f["severity"] for f in alone["findings"]} == {"medium"}
    doubted = doubting.score(SARCASM)
    assert not doubted["warn"]
    assert [(f["rule"], f["start"], f["end"]) for f in doubted["findings"]] == \
        [(f["rule"], f["start"], f["end"]) for f in alone["findings"]]  # the finding stays, so the user sees it
    for finding in doubted["findings"]:
        assert finding["severity"] == "low" and finding["source"] == "rule"
        assert 0 <= finding["confidence"] < 0.999


def test_high_rule_findings_and_the_official_floor_stand_over_the_veto(doubting):
    endorsement = doubting.score(ENDORSEMENT)
    assert endorsement["warn"] and any(f["severity"] == "high" for f in endorsement["findings"])
    official = doubting.score(SARCASM, context={"account": "official"})
    assert official["warn"] and all(f["severity"] == "medium" for f in official["findings"])


def test_too_few_words_are_never_vetoed(rules_only, doubting):
    for text in ("Petition signed", "#ToriesOut"):
        assert [(f["rule"], f["severity"]) for f in doubting.score(text)["findings"]] == \
            [(f["rule"], f["severity"]) for f in rules_only.score(text)["findings"]] == [(f["rule"], "medium") for f in rules_only.score(text)["findings"]]


def test_the_same_text_gives_the_same_answer(ruleset):
    text = "Not announced yet but our whole unit is being merged with the regional office in spring 👀"
    assert ruleset.score(text) == ruleset.score(text)


def test_rules_endpoint_describes_the_model(client):
    body = client.get("/v1/rules").get_json()
    card = body["model"]["card"]
    assert card["version"] and card["training_data"]["posts"] > 1000
    assert set(card["cross_validation"]["recall_per_category"]) == set(body["categories"])
    assert body["model"]["thresholds"]["medium"] <= body["model"]["thresholds"]["high"]
    assert "vocabulary" not in body["model"]


def test_reload_with_a_corrupt_model_keeps_the_rules_in_force(tmp_path):
    from service import create_app

    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules, ignore=shutil.ignore_patterns("tests"))
    app = create_app({"TESTING": True, "ADMIN_TOKEN": ADMIN_TOKEN, "RULES_DIR": str(rules),
                      "RUNTIME_DIR": str(tmp_path / "runtime")})
    try:
        client = app.test_client()
        version = client.get("/healthz").get_json()["rules_version"]
        (rules / "model" / "model.json").write_text('{"format": "impartial-linear/1"}')
        response = client.post("/admin/rules/reload", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
        assert response.status_code == 422
        problems = response.get_json()["error"]["problems"]
        assert any(p["file"] == "model/model.json" for p in problems)
        assert client.get("/healthz").get_json()["rules_version"] == version
    finally:
        app.extensions["impartial.store"].close()


def test_a_gzip_compressed_model_reads_as_the_same_rules(rules_copy):
    import gzip

    version = load_documents(rules_copy)[0]
    plain = rules_copy / "model" / "model.json"
    packed = rules_copy / "model" / "model.json.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    assert any("keep one of them" in p["message"] for p in refusals(rules_copy))
    plain.unlink()
    assert load_documents(rules_copy)[0] == version
    packed.write_bytes(b"\x1f\x8b not really gzip")
    assert any(p["file"] == "model/model.json.gz" and "gzip" in p["message"] for p in refusals(rules_copy))
    packed.write_bytes(gzip.compress(b" " * (MAX_MODEL_BYTES + 10)))
    assert any("decompresses to more than" in p["message"] for p in refusals(rules_copy))
