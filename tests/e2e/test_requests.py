"""Typing sends at most one request per pause, none for unchanged text, and only from the
background to the configured service (counted on the wire by a proxy), on the real editor libraries."""
import pytest

from .proxy import CountingProxy

pytestmark = pytest.mark.browser


@pytest.fixture
def proxy(ext, test_service_url):
    with CountingProxy(test_service_url) as p:
        ext.configure(serviceUrl=p.url)
        yield p


def test_one_request_per_pause_and_none_for_unchanged_text(proxy, composer):
    c = composer("x.post")
    # Keys 40 ms apart: well inside the half-second pause, so a phrase is one request.
    c.type("Vote Labour", delay=40)
    c.type(" on Thursday!", delay=40, click=False)
    assert [r["text"] for r in proxy.scored()] == ["Vote Labour", "Vote Labour on Thursday!"]

    # A change undone before the pause ends: the debounce fires, nothing is sent.
    before = c.checks()
    c.page.keyboard.type("x")
    c.page.keyboard.press("Backspace")
    assert c.wait_checked(before)["level"] == "high"
    assert len(proxy.scored()) == 2
    assert c.model() == "Vote Labour on Thursday!"

    # The same text on the same site in another tab is answered from the background's cache.
    other = composer("x.post")
    assert other.type("Vote Labour on Thursday!")["level"] == "high"
    assert len(proxy.scored()) == 2


def test_request_carries_profile_and_context(ext, proxy, composer):
    ext.configure(profile="uk-civil-service", electionPeriod=True, officialAccount=True)
    c = composer("bluesky.post")
    c.type("Lovely walk by the river this morning.")
    assert proxy.scored() == [{
        "text": "Lovely walk by the river this morning.",
        "profile": "uk-civil-service",
        "context": {"election_period": True, "account": "official", "site": "bsky.app"},
    }]
