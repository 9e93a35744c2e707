"""Data lint of every rule file: schema, dialect, duplicates, sorting, endings, own examples."""
import json
import subprocess
from pathlib import Path

import jsonschema
import pytest
import yaml

from service import engine
from service.compiler import dialect_problems
from service.rules import load_documents

RULES = Path(__file__).resolve().parent.parent / "shared-rules"
SCHEMA = json.loads((RULES / "schema.json").read_text(encoding="utf-8"))
FILES = sorted(p for p in RULES.rglob("*.yaml"))


def _kind(path):
    rel = path.relative_to(RULES).as_posix()
    if rel in ("guidance.yaml", "profiles.yaml"):
        return rel[:-5]
    return {"packs": "pack", "lexicons": "lexicon", "tests": "golden", "model": "model_findings"}[rel.split("/")[0]]


def _doc(path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _term_sets(rule):
    for key in ("terms", "entity", "cue", "exceptions"):
        if key in rule:
            yield key, rule[key]
    if "unless_near" in rule:
        yield "unless_near", rule["unless_near"]["terms"]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.relative_to(RULES).as_posix())
def test_file_matches_schema(path):
    validator = jsonschema.Draft202012Validator({"$defs": SCHEMA["$defs"], "$ref": f"#/$defs/{_kind(path)}"})
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(_doc(path))]
    assert errors == []


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.relative_to(RULES).as_posix())
def test_file_is_utf8_with_lf_endings(path):
    raw = path.read_bytes()
    raw.decode("utf-8")
    assert b"\r" not in raw
    assert raw.endswith(b"\n")


def test_bundled_rules_load_and_pass_their_own_examples():
    version, _, docs = load_documents(RULES)
    ruleset = engine.build(version, docs)  # raises on any rule failing its examples
    assert ruleset.rules


@pytest.mark.parametrize("path", sorted((RULES / "lexicons").glob("*.yaml")), ids=lambda p: p.name)
def test_lexicon_is_sorted_without_duplicates(path):
    entries = _doc(path)["entries"]
    folded = [e.casefold() for e in entries]
    assert len(set(folded)) == len(folded), "duplicate entries"
    assert folded == sorted(folded), "entries must be sorted (case-insensitively)"


def _packs():
    return sorted((RULES / "packs").glob("*.yaml"))


@pytest.mark.parametrize("path", _packs(), ids=lambda p: p.name)
def test_rule_phrases_have_no_duplicates(path):
    for rule in _doc(path)["rules"]:
        for where, terms in _term_sets(rule):
            phrases = [p.casefold() for p in terms.get("phrases", [])]
            duplicates = sorted({p for p in phrases if phrases.count(p) > 1})
            assert duplicates == [], f"{rule['id']} {where}"


def _all_patterns():
    for path in _packs():
        for rule in _doc(path)["rules"]:
            for where, terms in _term_sets(rule):
                for pattern in terms.get("patterns", []):
                    yield rule["id"], where, pattern


def test_patterns_stay_in_the_shared_dialect():
    problems = [(rule, where, pattern, dialect_problems(pattern)) for rule, where, pattern in _all_patterns()
                if dialect_problems(pattern)]
    assert problems == []


def test_patterns_compile_in_javascript():
    patterns = [pattern for _, _, pattern in _all_patterns()]
    script = ("const bad = JSON.parse(require('fs').readFileSync(0, 'utf8')).filter(p => "
              "{ try { new RegExp(p, 'iu'); return false; } catch (e) { return true; } });"
              "process.stdout.write(JSON.stringify(bad));")
    out = subprocess.run(["node", "-e", script], input=json.dumps(patterns), capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []


def test_rule_ids_are_unique_across_packs():
    ids = [rule["id"] for path in _packs() for rule in _doc(path)["rules"]]
    assert len(ids) == len(set(ids))


def test_every_rule_has_kind_specific_guidance():
    guidance = _doc(RULES / "guidance.yaml")["guidance"]
    for path in _packs():
        for rule in _doc(path)["rules"]:
            assert rule["guidance"] in guidance
            assert guidance[rule["guidance"]]["url"].startswith("https://")
