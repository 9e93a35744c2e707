"""make train: reproducible, honest about what it held back, and its output serves."""
import json
import shutil
import subprocess
import sys

import pytest

from service import engine
from service.rules import load_documents
from tests.conftest import ROOT, RULES

@pytest.fixture(scope="module")
def small_run(tmp_path_factory):
    """A small training run (300 posts, 2 folds) done twice from the same config."""
    work = tmp_path_factory.mktemp("train")
    rows = (ROOT / "training" / "data" / "train.jsonl").read_text(encoding="utf-8").splitlines()[:300]
    (work / "data").mkdir()
    (work / "data" / "small.jsonl").write_text("\n".join(rows) + "\n", encoding="utf-8")
    config = json.loads((ROOT / "training" / "config.json").read_text(encoding="utf-8"))
    config["data"] = [str(work / "data" / "small.jsonl")]
    config["held_back"]["file"] = str(work / "data" / "small.jsonl")
    config["cross_validation"]["folds"] = 2
    config["cross_validation"]["scored"] = [str(work / "data" / "small.jsonl")]
    (work / "config.json").write_text(json.dumps(config), encoding="utf-8")
    outputs = []
    for run in ("first", "second"):
        out = work / f"{run}.json"
        subprocess.run([sys.executable, str(ROOT / "training" / "train.py"), "--config", str(work / "config.json"),
                        "--out", str(out)], check=True, cwd=ROOT, capture_output=True, timeout=900)
        outputs.append(out)
    return work, config, outputs


def test_the_same_config_and_data_give_the_same_bytes(small_run):
    _, _, (first, second) = small_run
    assert first.read_bytes() == second.read_bytes()


def test_the_held_back_slice_is_not_trained_on(small_run):
    work, config, (first, _) = small_run
    card = json.loads(first.read_text(encoding="utf-8"))["card"]
    from training.train import held_back, load_rows

    rows = load_rows(config, root=work)
    kept = [r for r in rows if not held_back(r, config)]
    assert 0 < card["training_data"]["held_back"] == len(rows) - len(kept)
    assert card["training_data"]["posts"] == len(kept)


def test_a_trained_model_is_served_by_the_engine(small_run, tmp_path):
    _, _, (first, _) = small_run
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules, ignore=shutil.ignore_patterns("tests"))
    shutil.copy(first, rules / "model" / "model.json")
    version, _, docs = load_documents(rules)
    ruleset = engine.build(version, docs)  # checks the model against its own golden cases
    assert ruleset.model.card["training_data"]["posts"] < 300
    assert ruleset.score("Bin collections move to Tuesday next week.")["level"] in ("none", "low")
