"""Even-handedness over a real gunicorn: the same sentence gets the same level whichever side it is about."""
import pytest

from scripts import mirrored as mirrored_script

LIMIT = 0.02
mirrored = mirrored_script.mirrored


def test_every_jurisdiction_has_parties_and_politicians_of_more_than_one_side():
    for jurisdiction in ("uk", "us", "ca", "au", "ie", "nz"):
        assert len(mirrored.PARTIES[jurisdiction]) >= 4, jurisdiction
        assert len(mirrored.POLITICIANS[jurisdiction]) >= 5, jurisdiction


def test_variants_fill_every_template_with_every_entity():
    variants = mirrored.variants()
    parties = sum(len(names) for names in mirrored.PARTIES.values())
    assert sum(v["kind"] == "party" for v in variants) == parties * len(mirrored.PARTY_TEMPLATES)
    assert all("{" not in v["text"] for v in variants)
    assert "Proud to vote for the Greens on Thursday." in {v["text"] for v in variants}
    assert "The Democrats are a total shambles." in {v["text"] for v in variants}


def test_disagreement_counts_pairs_that_differ():
    scored = [{"template": "t", "entity": e, "jurisdiction": "uk", "level": level, "warn": level != "low"}
              for e, level in (("a", "low"), ("b", "low"), ("c", "medium"))]
    summary = mirrored.disagreement(scored)
    assert summary["pairs"] == 3
    assert summary["level_disagreement"] == pytest.approx(2 / 3)
    assert summary["split_templates"][0]["odd"] == [("c", "uk", "medium")]


@pytest.mark.slow
def test_mirrored_variants_disagree_under_two_percent(service_url):
    scored = mirrored_script.score_variants(service_url, mirrored.variants())
    summary = mirrored.disagreement(scored)
    splits = [(s["template"], s["odd"][:5]) for s in summary["split_templates"]]
    assert summary["level_disagreement"] < LIMIT, splits
    assert summary["warn_disagreement"] < LIMIT, splits
    # The set must test something: it holds warnings and quiet mentions alike.
    assert {item["warn"] for item in scored} == {True, False}
    assert {item["level"] for item in scored} & {"medium", "high"} and "low" in {item["level"] for item in scored}
