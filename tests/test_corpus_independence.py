"""Rules, examples and golden cases must not copy the labelled corpus: fix the rule, not the sentence.

Any string in shared-rules/ that shares a run of RUN consecutive words with a post of
../shared/corpus/dev.jsonl fails, so tuning stays honest for posts no one has seen.
"""
import json
import os
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "dev.jsonl"
RUN = 5
# Lexicons of names and established slogans list things that exist in the world (a
# department's name, a party's slogan), so a corpus post may quote them too.
NAME_LEXICONS = ("public-bodies-", "parties-", "politicians-", "party-")


def _corpus():
    """The corpus path; without ../shared beside the clone, a skip that says so (a failure under CI, where it is there)."""
    if not CORPUS.exists():
        message = f"the labelled corpus is not at {CORPUS} (it lives in ../shared beside the clone)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return CORPUS


def _is_name_list(path):
    return path.parent.name == "lexicons" and (path.stem.startswith(NAME_LEXICONS) or path.stem.endswith("slogans"))


def _words(text):
    return re.findall(r"[a-z0-9]+", text.lower().replace("\u2019", "'").replace("'", ""))


def _runs(words):
    return {" ".join(words[i:i + RUN]) for i in range(len(words) - RUN + 1)}


def _strings(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


def test_no_rule_file_copies_a_run_of_words_from_the_corpus():
    corpus_runs = {}
    for line in _corpus().read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        for run in _runs(_words(item["text"])):
            corpus_runs.setdefault(run, item["id"])
    copied = []
    for path in sorted((ROOT / "shared-rules").rglob("*.yaml")):
        if _is_name_list(path):
            continue
        for string in _strings(yaml.safe_load(path.read_text(encoding="utf-8"))):
            for run in _runs(_words(string)):
                if run in corpus_runs:
                    copied.append(f"{path.relative_to(ROOT)}: {run!r} ({corpus_runs[run]})")
    assert copied == []


@pytest.mark.parametrize(("text", "copies"), [
    ("a brand new sentence about nothing in particular", False),
    ("Green Day were incredible last night", True),
])
def test_the_check_itself_detects_copies(text, copies):
    corpus_runs = set()
    for line in _corpus().read_text(encoding="utf-8").splitlines():
        corpus_runs |= _runs(_words(json.loads(line)["text"]))
    assert bool(_runs(_words(text)) & corpus_runs) is copies
