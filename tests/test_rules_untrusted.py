"""The rules folder is untrusted input: links, odd files, deep YAML, huge lexicons and hostile patterns."""
import os
import subprocess
import sys

import pytest

from service import create_app
from service.rules import MAX_LEXICON_ENTRIES
from tests import minirules
from tests.conftest import ADMIN_TOKEN, ROOT, load_rules, refusals

SECRET = "Zq7secretFileContent"


@pytest.fixture
def rules(tmp_path):
    return minirules.write(tmp_path / "rules")


@pytest.fixture
def outside(tmp_path):
    path = tmp_path / "outside.yaml"
    path.write_text(f"root:x:0:0:{SECRET}:/root:/bin/bash\n")
    return path


def test_a_link_out_of_the_folder_is_refused_and_its_content_never_echoed(rules, outside):
    os.symlink(outside, rules / "packs" / "passwd.yaml")
    problems = refusals(rules)
    assert {"file": "packs/passwd.yaml", "rule": None,
            "message": "symbolic link to a place outside the rules directory"} in problems
    assert SECRET not in repr(problems)


def test_a_linked_folder_out_of_the_tree_is_refused(rules, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "x.yaml").write_text(f"lexicon: x\n# {SECRET}\n")
    os.rename(rules / "lexicons", rules / "real-lexicons")
    os.symlink(elsewhere, rules / "lexicons")
    problems = refusals(rules)
    assert any(p["file"] == "lexicons/" and "outside" in p["message"] for p in problems)
    assert SECRET not in repr(problems)


def test_links_inside_the_folder_are_followed_as_configmaps_use_them(rules):
    # A Kubernetes ConfigMap volume: every entry is a link into a hidden, versioned folder.
    data = rules / "..2026_01_01"
    data.mkdir()
    os.rename(rules / "packs" / "main.yaml", data / "main.yaml")
    os.symlink(data / "main.yaml", rules / "packs" / "main.yaml")
    assert "main.vote" in load_rules(rules).rules


ODD_FILES = [
    pytest.param(lambda path: path.mkdir(), "not a regular file", id="directory"),
    pytest.param(lambda path: os.mkfifo(path), "not a regular file", id="fifo"),
]


@pytest.mark.parametrize(("make", "reason"), ODD_FILES)
def test_entries_named_like_rule_files_must_be_regular_files(rules, make, reason):
    make(rules / "packs" / "odd.yaml")
    assert {"file": "packs/odd.yaml", "rule": None, "message": reason} in refusals(rules)


def test_an_unreadable_file_is_reported(rules, monkeypatch):
    real_open = os.open

    def refusing(path, flags, *args):
        if str(path).endswith("main.yaml"):
            raise PermissionError(13, "Permission denied")
        return real_open(path, flags, *args)

    monkeypatch.setattr(os, "open", refusing)  # root reads any file, so the refusal is simulated
    assert {"file": "packs/main.yaml", "rule": None, "message": "file cannot be read: permission denied"} \
        in refusals(rules)


def test_an_unreadable_folder_is_reported(rules, monkeypatch):
    real_listdir = os.listdir

    def refusing(path):
        if str(path).endswith("lexicons"):
            raise PermissionError(13, "Permission denied")
        return real_listdir(path)

    monkeypatch.setattr(os, "listdir", refusing)
    assert any(p["file"] == "lexicons/" and "permission denied" in p["message"] for p in refusals(rules))


def _lexicon(count):
    entries = "".join(f"  - Zqx{i:06d}\n" for i in range(count))
    return (f'lexicon: huge\ndescription: "big"\nsource: "made up"\nupdated: "2026-01-01"\nentries:\n{entries}')


LIMITS = [
    pytest.param({"packs/deep.yaml": "pack: deep\nrules: " + "[" * 2000 + "]" * 2000 + "\n"}, "packs/deep.yaml",
                 "nested deeper than", id="yaml-nested-2000-flow"),
    pytest.param({"packs/deep.yaml": "".join(" " * i + "a:\n" for i in range(1200))}, "packs/deep.yaml",
                 "nested deeper than", id="yaml-nested-1200-block"),
    pytest.param({"lexicons/huge.yaml": _lexicon(45000)}, "lexicons/huge.yaml",
                 f"the limit is {MAX_LEXICON_ENTRIES}", id="lexicon-45000-entries"),
]


@pytest.mark.parametrize(("files", "file", "reason"), LIMITS)
def test_limits_answer_with_file_and_reason(rules, files, file, reason):
    minirules.write(rules, files)
    assert any(p["file"] == file and reason in p["message"] for p in refusals(rules))


BACKTRACKING = ["(a|a)+$", "((a+))+$", "(a|aa)+b", "a*a*a*a*a*a*b", "(a?){25}a{25}"]
JS_INVALID = [r"\p{Greek}", "[^[:space:]]", "a{,3}b", r"\0123", r"[\d-z]"]


def _with_pattern(pattern):
    return minirules.MAIN.replace('"TOP SECRET"', '"' + pattern.replace("\\", "\\\\") + '"', 1)


@pytest.mark.parametrize("pattern", BACKTRACKING + JS_INVALID)
def test_hostile_patterns_are_refused_on_reload_with_422_naming_file_and_rule(tmp_path, pattern):
    root = minirules.write(tmp_path / "rules")
    app = create_app({"TESTING": True, "RULES_DIR": str(root), "ADMIN_TOKEN": ADMIN_TOKEN,
                      "RUNTIME_DIR": str(tmp_path / "runtime")})
    minirules.write(root, {"packs/main.yaml": _with_pattern(pattern)})
    response = app.test_client().post("/admin/rules/reload", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
    assert response.status_code == 422
    problems = response.get_json()["error"]["problems"]
    assert any(p["file"] == "packs/main.yaml" and p["rule"] == "main.marking" and "terms pattern 2: " in p["message"]
               for p in problems), problems
    assert pattern not in response.get_data(as_text=True)  # named by position, never quoted
    app.extensions["impartial.store"].close()


def test_the_symlink_is_refused_on_reload_and_nothing_of_it_reaches_the_body(tmp_path, outside):
    root = minirules.write(tmp_path / "rules")
    app = create_app({"TESTING": True, "RULES_DIR": str(root), "ADMIN_TOKEN": ADMIN_TOKEN,
                      "RUNTIME_DIR": str(tmp_path / "runtime")})
    os.symlink(outside, root / "packs" / "passwd.yaml")
    response = app.test_client().post("/admin/rules/reload", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
    assert response.status_code == 422
    assert SECRET not in response.get_data(as_text=True)
    assert response.get_json()["error"]["problems"][0]["file"] == "packs/passwd.yaml"
    app.extensions["impartial.store"].close()


def test_schema_errors_never_quote_the_file(rules):
    minirules.write(rules, {"packs/main.yaml": minirules.MAIN.replace("category: party_political",
                                                                      f"category: {SECRET}", 1)})
    problems = refusals(rules)
    assert any(p["rule"] == "main.vote" and "category: must be one of" in p["message"] for p in problems)
    assert SECRET not in repr(problems)


def test_a_server_that_cannot_start_names_every_problem(tmp_path):
    root = minirules.write(tmp_path / "rules", {
        "packs/main.yaml": minirules.MAIN.replace("category: party_political", "category: gossip", 1),
        "packs/broken.yaml": "pack: broken\nrules: [\n",
    })
    env = dict(os.environ, IMPARTIAL_RULES_DIR=str(root), PORT="0", WORKERS="1")
    env.pop("IMPARTIAL_RUNTIME_DIR", None)
    result = subprocess.run([sys.executable, "-m", "gunicorn", "-c", str(ROOT / "service" / "gunicorn_conf.py"),
                             "service:create_app()"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    for named in ("packs/main.yaml (main.vote): rules/0/category: must be one of", "packs/broken.yaml: line"):
        assert named in result.stderr, result.stderr[-3000:]
