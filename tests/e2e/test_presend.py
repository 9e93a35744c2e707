"""The pre-send check's edges, on the real editor libraries: a send before the pause ends, a benign
post, Ctrl/Cmd+Enter answered through the site's button, Shift+Enter staying a new line, one question
for Reddit's title and body together, and the option that turns the check off. (Every composer's
gestures are stopped once in test_composers.py.)"""
import pytest

pytestmark = pytest.mark.browser

RISKY = "Vote Labour on Thursday!"
BENIGN = "Lovely walk by the river this morning."


def test_sending_before_the_pause_ends_still_asks(composer):
    c = composer("bluesky.post")
    c.editor.click()
    c.page.keyboard.type(RISKY)
    c.page.click("[data-testid=composerPublishBtn]")
    c.wait_question().locator("button.post").click()
    assert c.wait_posted(1) == [RISKY]


def test_benign_post_goes_straight_through(composer):
    c = composer("x.post")
    assert c.type(BENIGN)["level"] == "none"
    c.page.click("[data-testid=tweetButtonInline]")
    assert c.wait_posted(1) == [BENIGN]
    assert c.page.locator("impartial-warning[data-impartial-confirm]").count() == 0


def test_ctrl_enter_in_a_rich_editor_posts_anyway_through_the_sites_button(composer):
    c = composer("x.post")
    c.type(RISKY)
    c.page.keyboard.press("Control+Enter")
    c.wait_question().locator("button.post").click()
    assert c.wait_posted(1) == [RISKY]
    assert [p["via"] for p in c.page.evaluate("() => Fixture.posted")] == ["click"]


def test_shift_enter_is_a_new_line_where_enter_sends(composer):
    c = composer("facebook.comment")
    c.type(RISKY)
    before = c.checks()
    c.page.keyboard.press("Shift+Enter")
    c.page.keyboard.type("Thanks")
    c.wait_checked(before)
    assert c.model().split() == [*RISKY.split(), "Thanks"] and "\n" in c.model()
    assert c.page.locator("impartial-warning[data-impartial-confirm]").count() == 0
    assert c.posted() == []


def test_reddit_title_and_body_are_asked_about_together(composer, expected):
    c = composer("reddit.title")  # the body holds a benign line already
    c.type(RISKY)
    body = c.page.locator("[aria-label='Post body text field']")
    body.click()
    c.page.keyboard.press("Control+a")
    c.page.keyboard.type("Please Vote Labour")
    c.page.wait_for_function("() => document.querySelectorAll('impartial-warning[data-impartial-level=high]').length === 2")
    c.page.click("#inner-post-submit-button")
    question = c.wait_question()
    matches = question.locator("li .match").all_text_contents()
    want = [f["match"] for f in expected(RISKY, "reddit")["findings"]] + [f["match"] for f in expected("Please Vote Labour", "reddit")["findings"]]
    assert sorted(matches) == sorted(want)
    question.locator("button.post").click()
    posted = c.page.wait_for_function("() => Fixture.posted.length === 2 && Fixture.posted").json_value()
    assert [(p["id"], p["text"]) for p in posted] == [("r-title", RISKY), ("r-body", "Please Vote Labour")]


def test_the_option_turns_the_check_off(ext, composer):
    ext.configure(preSendCheck=False)
    c = composer("facebook.comment")
    assert c.type(RISKY)["level"] == "high"
    c.page.keyboard.press("Enter")
    assert c.wait_posted(1) == [RISKY]
