"""Loading rule directories: good ones compile; bad or hostile ones are refused whole, with reasons."""
import pytest

from service.rules import MAX_FILE_BYTES, RulesError, directory_version, load_documents
from tests import minirules
from tests.conftest import load_rules, refusals


def problems_for(tmp_path, files):
    return refusals(minirules.write(tmp_path / "rules", files))


def test_minirules_load(tmp_path):
    ruleset = load_rules(minirules.write(tmp_path))
    assert sorted(ruleset.rules) == ["election.predict", "main.employer", "main.marking", "main.mention",
                                     "main.pro-life", "main.scorn", "main.vote"]


def test_version_is_a_content_hash(tmp_path):
    root = minirules.write(tmp_path)
    first = directory_version(root)
    assert directory_version(root) == first
    (root / "packs" / "main.yaml").write_text(minirules.MAIN.replace("Keep your vote private.", "Keep it private."))
    assert directory_version(root) != first


def _rule(**changes):
    """The main pack with its first rule changed."""
    text = minirules.MAIN
    for old, new in changes.items():
        text = text.replace(old, new, 1)
    return text


ALIAS_BOMB = """\
pack: main
description: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
rules: [*a, *a, *a, *a, *a, *a, *a, *a, *a]
"""

HOSTILE = [
    pytest.param({"packs/main.yaml": "pack: main\nrules: [\n"}, "packs/main.yaml", None, "invalid YAML", id="bad-yaml"),
    pytest.param({"packs/main.yaml": ALIAS_BOMB}, "packs/main.yaml", None, "aliases are not allowed", id="alias-bomb"),
    pytest.param({"packs/main.yaml": b"pack: main\ndescription: \xff\xfe\n"}, "packs/main.yaml", None, "not valid UTF-8",
                 id="non-utf8"),
    pytest.param({"packs/main.yaml": minirules.MAIN.replace("\n", "\r\n")}, "packs/main.yaml", None, "LF", id="crlf"),
    pytest.param({"packs/huge.yaml": "# " + "x" * (MAX_FILE_BYTES + 10) + "\n"}, "packs/huge.yaml", None, "limit",
                 id="ten-megabyte-file"),
    pytest.param({"packs/main.yaml": _rule(**{"category: party_political": "category: gossip"})}, "packs/main.yaml",
                 "main.vote", "category", id="unknown-category"),
    pytest.param({"packs/main.yaml": _rule(**{"type: proximity": "type: fuzzy"})}, "packs/main.yaml", "main.vote",
                 "type", id="unknown-type"),
    pytest.param({"packs/main.yaml": _rule(**{"id: main.mention": "id: main.vote"})}, "packs/main.yaml", "main.vote",
                 "duplicate rule id", id="duplicate-id"),
    pytest.param({"packs/main.yaml": _rule(**{'"TOP SECRET"': '"(a+)+$"'})}, "packs/main.yaml", "main.marking",
                 "nested quantifier", id="catastrophic-backtracking"),
    pytest.param({"packs/main.yaml": _rule(**{'"TOP SECRET"': '"SECRET(?=ARY)"'})}, "packs/main.yaml", "main.marking",
                 "look-around", id="lookahead"),
    pytest.param({"packs/main.yaml": _rule(**{'"TOP SECRET"': '"(a)\\\\1"'})}, "packs/main.yaml", "main.marking",
                 "back-references", id="backreference"),
    pytest.param({"packs/main.yaml": _rule(**{'"TOP SECRET"': '"[unclosed"'})}, "packs/main.yaml", "main.marking",
                 "missing ]", id="invalid-regex"),
    pytest.param({"packs/main.yaml": _rule(**{"lexicons: [parties]}": "lexicons: [nowhere]}"})}, "packs/main.yaml",
                 "main.vote", "unknown lexicon", id="unknown-lexicon"),
    pytest.param({"packs/main.yaml": _rule(**{"guidance: code": "guidance: elsewhere"})}, "packs/main.yaml",
                 "main.vote", "guidance", id="unknown-guidance"),
    pytest.param({"packs/main.yaml": _rule(**{'match: ["vote Labour"]': 'match: ["vote Green"]'})}, "packs/main.yaml",
                 "main.vote", "does not match its example", id="fails-own-example"),
    pytest.param({"packs/main.yaml": _rule(**{'no_match: ["Labour voted"]': 'no_match: ["voting Labour"]'})},
                 "packs/main.yaml", "main.vote", "matches its no_match example", id="matches-own-no-match"),
    pytest.param({"packs/main.yaml": _rule(**{"    examples: {match: [\"vote Labour\"], no_match: [\"Labour voted\"]}\n": ""})},
                 "packs/main.yaml", "main.vote", "examples", id="missing-examples"),
    pytest.param({"profiles.yaml": minirules.PROFILES.replace("packs: [main]", "packs: [ghost]", 1)}, "profiles.yaml",
                 None, "unknown pack", id="profile-unknown-pack"),
    pytest.param({"guidance.yaml": None}, "guidance.yaml", None, "missing", id="no-guidance"),
    pytest.param({"packs/notes.txt.yml": "x: 1\n"}, "packs/notes.txt.yml", None, "unexpected file", id="stray-file"),
]


@pytest.mark.parametrize(("files", "file", "rule", "reason"), HOSTILE)
def test_bad_rule_files_are_refused_with_file_rule_and_reason(tmp_path, files, file, rule, reason):
    problems = problems_for(tmp_path, files)
    assert any(p["file"] == file and p["rule"] == rule and reason in p["message"] for p in problems), problems


def test_every_problem_is_listed_not_just_the_first(tmp_path):
    pack = _rule(**{"category: party_political": "category: gossip", "guidance: code": "guidance: nowhere"})
    problems = problems_for(tmp_path, {"packs/main.yaml": pack, "packs/other.yaml": "pack: [\n"})
    assert {p["file"] for p in problems} == {"packs/main.yaml", "packs/other.yaml"}


def test_a_missing_directory_is_a_problem_not_a_crash(tmp_path):
    with pytest.raises(RulesError) as caught:
        load_documents(tmp_path / "nowhere")
    assert "does not exist" in caught.value.problems[0].message


@pytest.mark.parametrize(("files", "file", "rule", "reason"), HOSTILE)
def test_reload_refuses_hostile_files_and_keeps_the_rules_in_force(tmp_path, files, file, rule, reason):
    from service import create_app
    from tests.conftest import ADMIN_TOKEN

    root = minirules.write(tmp_path / "rules")
    app = create_app({"TESTING": True, "RULES_DIR": str(root), "ADMIN_TOKEN": ADMIN_TOKEN,
                      "RUNTIME_DIR": str(tmp_path / "runtime")})
    client = app.test_client()
    before = client.post("/v1/score", json={"text": "I will vote Labour"}).get_json()
    minirules.write(root, files)
    response = client.post("/admin/rules/reload", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid_rules" and error["rules_version"] == before["rules_version"]
    assert any(p["file"] == file and reason in p["message"] for p in error["problems"])
    assert client.post("/v1/score", json={"text": "I will vote Labour"}).get_json() == before
    app.extensions["impartial.store"].close()


def test_a_lexicons_exceptions_are_phrases_or_patterns_in_the_dialect(tmp_path):
    lexicon = minirules.LEXICON.replace("exceptions: {phrases: [labour of love], patterns:",
                                        "exceptions: {lexicons: [parties], patterns: ['(?=x)'], phrases:")
    assert lexicon != minirules.LEXICON
    messages = [p["message"] for p in problems_for(tmp_path / "a", {"lexicons/parties.yaml": lexicon})]
    assert any("exceptions" in m for m in messages), messages
    lookaround = minirules.LEXICON.replace("exceptions: {phrases: [labour of love], patterns:",
                                           "exceptions: {patterns: ['(?=x)'], phrases:")
    messages = [p["message"] for p in problems_for(tmp_path / "b", {"lexicons/parties.yaml": lookaround})]
    assert any("look-around" in m for m in messages), messages
