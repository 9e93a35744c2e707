"""Every composer variant of fixtures/composers.json, on pages built from the editor library the
site really uses, at the site's real address: the warning level, highlights on the risky words,
the library's own model after typing, Backspace, paste and undo, and every send gesture stopped
once for a risky draft."""
import pytest

from .conftest import COMPOSERS

pytestmark = pytest.mark.browser

RISKY = "Vote Labour on Thursday!"
TAIL = "Thursday!"
VARIANTS = COMPOSERS["composers"]


def assert_outside(badge, box):
    apart = (badge["x"] >= box["x"] + box["width"] or badge["x"] + badge["width"] <= box["x"]
             or badge["y"] >= box["y"] + box["height"] or badge["y"] + badge["height"] <= box["y"])
    assert apart, (badge, box)


def level_of(expected, text, variant):
    answer = expected(text, variant["site"])
    return {"level": answer["level"], "findings": len(answer["findings"])}, answer["findings"]


@pytest.mark.parametrize("variant", VARIANTS, ids=[v["id"] for v in VARIANTS])
def test_composer_warns_on_its_own_model_and_stops_the_first_send(composer, expected, variant):
    c = composer(variant)
    assert c.library() == variant["library"]

    # Typing: the warning follows the library's model text, and the model is exactly what was typed.
    attrs = c.type(RISKY)
    assert c.model() == RISKY
    want, findings = level_of(expected, RISKY, variant)
    assert want["level"] in ("medium", "high")
    assert attrs == want

    # The badge sits outside the text box: it never covers text.
    assert_outside(c.host.locator(".badge").bounding_box(), c.editor.bounding_box())

    # Highlights sit over the risky words (rich editors: on the words' own Range; fields: inside the field).
    for finding in findings:
        got = c.mark_and_text(finding)
        assert got is not None, f"no mark for {finding['rule']}"
        if got["text"] is not None:
            assert all(abs(m - t) <= 2 for m, t in zip(got["mark"], got["text"])), got
        else:
            mx, my, mw, mh = got["mark"]
            bx, by, bw, bh = got["box"]
            assert bx <= mx and mx + mw <= bx + bw + 1 and by <= my and my + mh <= by + bh + 1, got

    # Backspace, paste and undo go through the library untouched, and the warning follows each.
    attrs = c.press("Backspace", times=len(TAIL))
    assert c.model() == RISKY[: -len(TAIL)]
    assert attrs == level_of(expected, c.model(), variant)[0]
    attrs = c.paste(TAIL)
    assert c.model() == RISKY
    assert attrs == want
    attrs = c.press("Control+z")
    assert c.model() == RISKY[: -len(TAIL)]
    assert attrs == level_of(expected, c.model(), variant)[0]
    # Redo brings the risky draft back for the send checks.
    c.press("Control+Shift+z")
    assert c.model() == RISKY

    # Every send gesture of this composer is stopped while the warning stands; "Keep editing" keeps the draft.
    for send in variant["sends"]:
        c.gesture(send)
        question = c.wait_question()
        assert question.locator("li .match").all_text_contents() == [f["match"] for f in findings]
        assert c.posted() == [], c.page.evaluate("() => Fixture.posted")
        question.locator("button.keep").click()
        c.wait_no_question()
        assert c.model() == RISKY
    # Asked again, and "Post anyway" sends it through the site's own path.
    c.gesture(variant["sends"][0])
    c.wait_question().locator("button.post").click()
    assert c.wait_posted(1) == [RISKY]


def test_badge_stays_beside_a_short_composer_and_in_view_while_the_page_scrolls(composer):
    c = composer("x.reply-inline")
    c.type(RISKY)
    badge = c.host.locator(".badge")
    viewport = c.page.viewport_size

    def placed():
        b, e = badge.bounding_box(), c.editor.bounding_box()
        assert_outside(b, e)
        assert 0 <= b["x"] and b["x"] + b["width"] <= viewport["width"], b
        assert 0 <= b["y"] and b["y"] + b["height"] <= viewport["height"], b
        return b, e

    before, editor = placed()
    # Scrolled until the composer is near the top of the window: the badge moves with it and stays on screen.
    c.page.mouse.wheel(0, editor["y"] - 10)
    c.page.wait_for_function("y => { const h = [...document.querySelectorAll('impartial-warning')].pop();"
                             " return h.shadowRoot.querySelector('.badge').getBoundingClientRect().top < y; }",
                             arg=before["y"] - 5)
    after, moved = placed()
    assert abs((before["y"] - after["y"]) - (editor["y"] - moved["y"])) <= 2, (before, after, editor, moved)
