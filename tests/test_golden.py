"""Golden cases in shared-rules/tests/: text in, exactly these rule ids and UTF-16 offsets out.

They pin the rules alone; the model carries its own golden cases in its file, checked at load."""
from pathlib import Path

import pytest
import yaml

GOLDEN = Path(__file__).resolve().parent.parent / "shared-rules" / "tests"


def _cases():
    for path in sorted(GOLDEN.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for index, case in enumerate(doc["cases"]):
            yield pytest.param(case, id=f"{path.stem}-{index}-{case.get('name', '')}")


@pytest.mark.parametrize("case", list(_cases()))
def test_golden_case(rules_only, case):
    result = rules_only.score(case["text"], case.get("profile"), case.get("context"))
    got = sorted((f["rule"], f["start"], f["end"]) for f in result["findings"])
    want = sorted((e["rule"], e["start"], e["end"]) for e in case["expect"])
    assert got == want
    for expected in case["expect"]:
        if "match" in expected:
            units = case["text"].encode("utf-16-le", "surrogatepass")
            assert units[2 * expected["start"]:2 * expected["end"]].decode("utf-16-le", "surrogatepass") == expected["match"]
    if "level" in case:
        assert result["level"] == case["level"]


def test_golden_files_exist():
    assert list(GOLDEN.glob("*.yaml")), "shared-rules/tests/ holds no golden cases"
