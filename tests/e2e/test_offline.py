"""A stopped or failing service: the badge says so in grey, typing goes on, checks retry."""
import pytest

pytestmark = pytest.mark.browser

RISKY = "Vote Labour on Thursday!"


def test_stopped_service_shows_offline_then_recovers(ext, open_site, start_test_service):
    service = start_test_service(workers=1)
    ext.configure(serviceUrl=service.url)
    site = open_site("x")
    site.type(RISKY)
    assert site.settled()["level"] == "high"

    service.stop()
    site.type(" And again.")
    site.settled("offline")
    badge = site.host.locator(".badge")
    assert badge.get_attribute("data-level") == "unknown"
    assert badge.locator("[aria-live=polite]").text_content() == "Offline"
    assert "unavailable" in badge.get_attribute("aria-label")
    # Typing was never blocked and nothing was thrown into the page.
    replica = site.replica()
    assert replica["editors"][0]["text"] == RISKY + " And again."
    assert replica["foreign"] == []
    # Pressing Post while offline is never blocked by our failure.
    site.page.click('[data-testid="tweetButtonInline"]')
    site.page.wait_for_function("() => Replica.check().posted.length === 1")

    # A service comes back (here: a new one, set in the options): the pending retry finds it.
    again = start_test_service(workers=1)
    ext.configure(serviceUrl=again.url)
    site.type(RISKY)
    assert site.settled()["level"] == "high"


def test_options_and_popup_report_an_unreachable_service(ext, start_test_service):
    service = start_test_service(workers=1)
    url = service.url
    service.stop()
    ext.configure(serviceUrl=url)
    page = ext.context.new_page()
    try:
        page.goto(ext.url("popup/popup.html"))
        page.wait_for_selector("html[data-ready]", state="attached")
        assert page.locator("#service").get_attribute("data-state") == "unreachable"
        assert page.locator("#service-text").text_content() == f"Service not reachable at {url}"
        page.fill("#draft", RISKY)
        page.click("#check")
        page.wait_for_selector('html[data-state="offline"]', state="attached")
        assert page.locator("#error").is_visible()
        assert page.locator("#result").is_hidden()
    finally:
        page.close()
