"""Inline warnings on replicas of each site's composer, typed by keyboard."""
import pytest

from .helpers import save_doc_screenshot

pytestmark = pytest.mark.browser

RISKY = "Vote Labour on Thursday!"
BENIGN = "Lovely walk by the river this morning."
SITES = ["x", "facebook", "linkedin", "bluesky", "threads", "mastodon", "reddit"]


@pytest.mark.parametrize("name", SITES)
def test_risky_draft_gets_an_inline_warning_and_the_editor_is_untouched(open_site, name):
    site = open_site(name)
    site.type(RISKY)
    attrs = site.settled()
    marks = [m.bounding_box() for m in site.host.locator(".mark").all()]
    box = site.editor.bounding_box()
    replica = site.replica()
    assert attrs["level"] in ("medium", "high")
    assert attrs["findings"] >= 1
    assert len(marks) >= 1
    # Underlines sit on the editor's first line of text, inside its box.
    for m in marks:
        assert box["x"] <= m["x"] and m["x"] + m["width"] <= box["x"] + box["width"] + 1
        assert box["y"] <= m["y"] and m["y"] + m["height"] <= box["y"] + 60
    assert replica["foreign"] == []
    assert replica["editors"][0] == {"matches": True, "text": RISKY}


@pytest.mark.parametrize("name", SITES)
def test_benign_draft_gets_no_warning(open_site, name):
    site = open_site(name)
    site.type(BENIGN)
    assert site.settled() == {"level": "none", "findings": 0, "state": "done"}
    assert site.host.locator(".mark").count() == 0
    assert site.replica()["foreign"] == []


MARK_VS_TEXT = """([editorSel, needle, rule]) => {
  const editor = document.querySelector(editorSel);
  const walker = document.createTreeWalker(editor, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const i = n.data.indexOf(needle);
    if (i < 0) continue;
    const range = document.createRange();
    range.setStart(n, i);
    range.setEnd(n, i + needle.length);
    const text = range.getBoundingClientRect();
    const markEl = document.querySelector("impartial-warning").shadowRoot.querySelector(`.mark[data-rule="${rule}"]`);
    if (!markEl) return null;
    const mark = markEl.getBoundingClientRect();
    return {text: [text.left, text.top, text.width, text.height].map(Math.round),
            mark: [mark.left, mark.top, mark.width, mark.height].map(Math.round)};
  }
  return null;
}"""


def test_underline_sits_on_the_text_after_emoji_and_lines_and_follows_scrolling(open_site, expected):
    site = open_site("x")
    site.type("\U0001F5F3\ufe0f Big day for #democracy\n")
    site.type("Please Vote Labour on Thursday")
    assert site.settled()["level"] == "high"
    text = site.replica()["editors"][0]["text"]
    finding = expected(text, "x")["findings"][0]
    args = ['[data-testid="tweetTextarea_0"]', finding["match"], finding["rule"]]
    at_rest = site.page.evaluate(MARK_VS_TEXT, args)
    assert all(abs(m - t) <= 1 for m, t in zip(at_rest["mark"], at_rest["text"])), at_rest
    site.page.mouse.wheel(0, 40)
    site.page.wait_for_function(
        "(args) => { const r = (%s)(args); return r !== null && r.text[1] < %d && Math.abs(r.mark[1] - r.text[1]) <= 1; }" % (MARK_VS_TEXT, at_rest["text"][1]),
        arg=args)
    # Narrowing the window moves the text; the underline follows.
    site.page.set_viewport_size({"width": 420, "height": 800})
    site.page.wait_for_function(
        "(args) => { const r = (%s)(args); return r !== null && r.text[0] < %d && Math.abs(r.mark[0] - r.text[0]) <= 1"
        " && Math.abs(r.mark[1] - r.text[1]) <= 1; }" % (MARK_VS_TEXT, at_rest["text"][0]),
        arg=args)
    site.page.set_viewport_size({"width": 1100, "height": 800})
    assert site.replica()["foreign"] == []


def test_card_lists_findings_and_ignore_lasts_for_the_session(open_site, expected, tmp_path):
    site = open_site("x")
    site.type(RISKY)
    site.settled()
    findings = expected(RISKY, "x")["findings"]
    # Hovering the underlined words opens the card.
    mark = site.host.locator(".mark").first.bounding_box()
    site.page.mouse.move(mark["x"] + mark["width"] / 2, mark["y"] + mark["height"] / 2)
    card = site.host.locator(".card")
    card.wait_for(state="visible")
    assert card.locator("li.item").count() == len(findings)
    item = card.locator("li.item").first
    first = findings[0]
    assert item.get_attribute("data-rule") == first["rule"]
    assert item.locator(".match").text_content() == first["match"]
    assert item.locator(".msg").text_content() == first["message"]
    assert item.locator(".sugg").text_content() == f"Try: {first['suggestion']}"
    assert item.locator("a.guide").get_attribute("href") == first["guidance"]["url"]
    assert item.locator("a.guide").get_attribute("rel") == "noopener noreferrer"
    site.page.screenshot(path=str(tmp_path / "inline-card.png"))
    save_doc_screenshot(site.page, "inline-card.png", clip={"x": 230, "y": 20, "width": 640, "height": 330})
    # The badge has an accessible name and a live word, not colour alone.
    badge = site.host.locator(".badge")
    n = len(findings)
    assert badge.get_attribute("aria-label") == f"Impartial: high risk, {n} finding{'s' if n != 1 else ''}. Show details"
    assert badge.locator("[aria-live=polite]").text_content() == "High"

    for button in card.locator("button.ignore").all()[::-1]:
        button.click()
    site.page.wait_for_selector('impartial-warning[data-impartial-findings="0"]', state="attached")
    assert site.attributes() == {"level": "none", "findings": 0, "state": "done"}
    assert site.host.locator(".mark").count() == 0

    again = open_site("facebook")
    again.type(RISKY)
    assert again.settled() == {"level": "none", "findings": 0, "state": "done"}


def test_clicking_an_underline_or_the_badge_opens_the_card(open_site):
    site = open_site("linkedin")
    site.type(RISKY)
    findings = site.settled()["findings"]
    mark = site.host.locator(".mark").first.bounding_box()
    site.page.mouse.click(mark["x"] + 3, mark["y"] + mark["height"] / 2)
    site.page.wait_for_selector('impartial-warning[data-impartial-card="open"]', state="attached")
    assert site.host.locator(".card li.item").count() == findings
    site.host.locator(".card .close").click()
    site.page.wait_for_selector("impartial-warning:not([data-impartial-card])", state="attached")

    site.host.locator(".badge").click()
    site.page.wait_for_selector('impartial-warning[data-impartial-card="open"]', state="attached")
    assert site.host.locator(".card li.item").count() == findings
    assert site.host.locator(".badge").get_attribute("aria-expanded") == "true"
    site.page.keyboard.press("Escape")
    site.page.wait_for_selector("impartial-warning:not([data-impartial-card])", state="attached")
    assert site.replica()["foreign"] == []


def test_generic_fallback_watches_an_editor_no_adapter_knows_and_says_so(open_site):
    site = open_site("generic")
    lines = []
    site.page.on("console", lambda m: lines.append(m.text) if "selector miss" in m.text else None)
    site.type(RISKY)
    attrs = site.settled()
    assert attrs["level"] in ("medium", "high")
    assert site.replica()["foreign"] == []
    assert site.host.get_attribute("data-impartial-site") == "x"
    # The miss is visible: one console line naming the adapter and the editor's shape, never its text.
    assert len(lines) == 1, lines
    assert lines[0].startswith("Impartial: selector miss 1 on x.com: the x adapter (selectors checked ")
    assert "textarea#note" in lines[0] and RISKY not in lines[0]


def test_editor_the_page_adds_later_is_found_without_focus(open_site):
    site = open_site("x")
    site.page.evaluate("() => openComposeDialog('Quoting: Vote Labour on Thursday!')")
    dialog_host = site.page.locator('impartial-warning[data-impartial-state="done"]')
    dialog_host.wait_for(state="attached")
    assert dialog_host.get_attribute("data-impartial-level") == "high"
    replica = site.replica()
    assert replica["foreign"] == []
    assert [e["matches"] for e in replica["editors"]] == [True, True]
    # Its own send button is guarded too.
    site.page.click('[data-testid="tweetButton"]')
    site.page.wait_for_selector('impartial-warning[data-impartial-confirm="open"]', state="attached")
    assert site.replica()["posted"] == []
