"""Typing sends at most one request per pause, none for unchanged text, and only from the
background to the configured service (counted on the wire by a proxy)."""
import pytest

from .proxy import CountingProxy

pytestmark = pytest.mark.browser


def checks(site):
    return int(site.host.get_attribute("data-impartial-checks") or 0)


def wait_checks(site, n):
    site.page.wait_for_selector(f'impartial-warning[data-impartial-checks="{n}"]', state="attached")


@pytest.fixture
def proxy(ext, test_service_url):
    with CountingProxy(test_service_url) as p:
        ext.configure(serviceUrl=p.url)
        yield p


def test_one_request_per_pause_and_none_for_unchanged_text(proxy, open_site):
    site = open_site("x")
    # Keys 40 ms apart: well inside the half-second pause, so a phrase is one request.
    site.type("Vote Labour", delay=40)
    site.settled()
    site.type(" on Thursday!", delay=40)
    wait_checks(site, 2)
    site.settled()
    assert [r["text"] for r in proxy.scored()] == ["Vote Labour", "Vote Labour on Thursday!"]

    # A change undone before the pause ends: the debounce fires, nothing is sent.
    site.page.keyboard.type("x")
    site.page.keyboard.press("Backspace")
    wait_checks(site, 3)
    assert site.settled()["level"] == "high"
    assert len(proxy.scored()) == 2

    # The same text on the same site in another tab is answered from the background's cache.
    other = open_site("x")
    other.type("Vote Labour on Thursday!")
    assert other.settled()["level"] == "high"
    assert len(proxy.scored()) == 2


def test_request_carries_profile_and_context(ext, proxy, open_site):
    ext.configure(profile="uk-civil-service", electionPeriod=True, officialAccount=True)
    site = open_site("bluesky")
    site.type("Lovely walk by the river this morning.")
    site.settled()
    assert proxy.scored() == [{
        "text": "Lovely walk by the river this morning.",
        "profile": "uk-civil-service",
        "context": {"election_period": True, "account": "official", "site": "bsky.app"},
    }]
