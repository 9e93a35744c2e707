"""Inline warnings on replicas of each site's composer, typed by keyboard."""
import pytest

pytestmark = pytest.mark.browser

RISKY = "Vote Labour on Thursday!"
BENIGN = "Lovely walk by the river this morning."
SITES = ["x", "facebook", "linkedin", "bluesky", "threads", "mastodon", "reddit"]


@pytest.mark.parametrize("name", SITES)
def test_risky_draft_gets_an_inline_warning_and_the_editor_is_untouched(open_site, name):
    site = open_site(name)
    site.type(RISKY)
    attrs = site.settled()
    marks = site.host.locator(".mark").count()
    replica = site.replica()
    assert attrs["level"] in ("medium", "high")
    assert attrs["findings"] >= 1
    assert marks >= 1
    assert replica["foreign"] == []
    assert replica["editors"][0] == {"matches": True, "text": RISKY}
