"""The pre-send check: a risky post is stopped once, and "Post anyway" lets it through."""
import pytest

pytestmark = pytest.mark.browser

RISKY = "Vote Labour on Thursday!"
BENIGN = "Lovely walk by the river this morning."
POST_BUTTONS = {
    "x": '[data-testid="tweetButtonInline"]',
    "facebook": '[aria-label="Post"][role="button"]',
    "linkedin": ".share-actions__primary-action",
    "bluesky": '[data-testid="composerPublishBtn"]',
    "threads": '.bar [role="button"]',
    "mastodon": "form.compose-form button[type=submit]",
    "reddit": "#inner-post-submit-button",
}


def posted(site):
    return site.replica()["posted"]


def wait_posted(site, count):
    site.page.wait_for_function("(n) => Replica.check().posted.length === n", arg=count)
    return posted(site)


def wait_question(site):
    site.page.wait_for_selector('impartial-warning[data-impartial-confirm="open"]', state="attached")
    return site.host.locator(".confirm")


@pytest.mark.parametrize("name", list(POST_BUTTONS))
def test_post_button_is_stopped_once_then_post_anyway_sends(open_site, expected, name):
    site = open_site(name)
    site.type(RISKY)
    site.settled()
    site.page.click(POST_BUTTONS[name])
    question = wait_question(site)
    assert posted(site) == []
    findings = expected(RISKY, name)["findings"]
    assert question.locator("li .match").all_text_contents() == [f["match"] for f in findings]
    question.locator("button.post").click()
    assert wait_posted(site, 1) == [RISKY]
    assert site.replica()["foreign"] == []


def test_ctrl_enter_is_stopped_and_keep_editing_keeps_the_draft(open_site):
    site = open_site("mastodon")
    site.type(RISKY)
    site.settled()
    site.page.keyboard.press("Control+Enter")
    question = wait_question(site)
    question.locator("button.keep").click()
    site.page.wait_for_selector("impartial-warning:not([data-impartial-confirm])", state="attached")
    assert site.replica()["editors"][0]["text"] == RISKY
    assert posted(site) == []
    # Still unacknowledged: asked again, and this time sent.
    site.editor.focus()
    site.page.keyboard.press("Control+Enter")
    wait_question(site).locator("button.post").click()
    assert wait_posted(site, 1) == [RISKY]


def test_ctrl_enter_in_a_rich_editor_posts_anyway_through_the_sites_button(open_site):
    site = open_site("x")
    site.type(RISKY)
    site.settled()
    site.page.keyboard.press("Control+Enter")
    wait_question(site).locator("button.post").click()
    assert wait_posted(site, 1) == [RISKY]
    assert site.replica()["foreign"] == []


def test_sending_before_the_pause_ends_still_asks(open_site):
    site = open_site("bluesky")
    site.type(RISKY)
    site.page.click(POST_BUTTONS["bluesky"])
    wait_question(site).locator("button.post").click()
    assert wait_posted(site, 1) == [RISKY]


def test_benign_post_goes_straight_through(open_site):
    site = open_site("x")
    site.type(BENIGN)
    site.settled()
    site.page.click(POST_BUTTONS["x"])
    assert wait_posted(site, 1) == [BENIGN]
    assert site.host.get_attribute("data-impartial-confirm") is None


def test_the_option_turns_the_check_off(ext, open_site):
    ext.configure(preSendCheck=False)
    site = open_site("facebook")
    site.type(RISKY)
    assert site.settled()["level"] == "high"
    site.page.click(POST_BUTTONS["facebook"])
    assert wait_posted(site, 1) == [RISKY]
