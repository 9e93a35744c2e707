"""Rules, examples and golden cases must not copy the labelled corpora: fix the rule, not the sentence.

Any string in shared-rules/ that shares a run of RUN consecutive words with a post of
../shared/corpus/dev.jsonl or train.jsonl fails, so tuning stays honest for posts no one
has seen. A clone without ../shared skips these tests, except under CI where they must run.
"""
import json
import os
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
CORPUS_DIR = ROOT.parent / "shared" / "corpus"
CORPORA = ("dev.jsonl", "train.jsonl")
RUN = 5
# Lexicons of names and established slogans list things that exist in the world (a
# department's name, a party's slogan), so a corpus post may quote them too.
NAME_LEXICONS = ("public-bodies-", "parties-", "politicians-", "party-")
# Stock phrases of the language (idioms, a campaign slogan) that rule authors and corpus
# writers reach for alike; a run of words inside one of these is not a copied sentence.
SET_PHRASES = ("you didn't hear it from me", "you heard it here first", "the adult in the room",
               "trans rights are human rights", "my vote is going to")


def _corpus(name):
    path = CORPUS_DIR / name
    if not path.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"the labelled corpus is expected at {path}")
        pytest.skip(f"no labelled corpus at {path} (a clone without ../shared)")
    return path


def _is_name_list(path):
    return path.parent.name == "lexicons" and (path.stem.startswith(NAME_LEXICONS) or path.stem.endswith("slogans"))


def _words(text):
    return re.findall(r"[a-z0-9]+", text.lower().replace("\u2019", "'").replace("'", ""))


def _runs(words):
    return {" ".join(words[i:i + RUN]) for i in range(len(words) - RUN + 1)}


STOCK_RUNS = frozenset(run for phrase in SET_PHRASES for run in _runs(_words(phrase)))


def _strings(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


def _corpus_runs(path):
    runs = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            item = json.loads(line)
            for run in _runs(_words(item["text"])):
                runs.setdefault(run, item["id"])
    return runs


@pytest.mark.parametrize("name", CORPORA)
def test_no_rule_file_copies_a_run_of_words_from_the_corpus(name):
    corpus_runs = _corpus_runs(_corpus(name))
    copied = []
    for path in sorted((ROOT / "shared-rules").rglob("*.yaml")):
        if _is_name_list(path):
            continue
        for string in _strings(yaml.safe_load(path.read_text(encoding="utf-8"))):
            for run in _runs(_words(string)):
                if run in corpus_runs and run not in STOCK_RUNS:
                    copied.append(f"{path.relative_to(ROOT)}: {run!r} ({corpus_runs[run]})")
    assert copied == []


@pytest.mark.parametrize(("text", "copies"), [
    ("a brand new sentence about nothing in particular", False),
    ("Green Day were incredible last night", True),
])
def test_the_check_itself_detects_copies(text, copies):
    corpus_runs = _corpus_runs(_corpus("dev.jsonl"))
    assert bool(_runs(_words(text)) & set(corpus_runs)) is copies
