"""The popup: paste a draft, check it, see score, level, findings and the service's state."""
import pytest
import requests

from .helpers import save_doc_screenshot

pytestmark = pytest.mark.browser


@pytest.fixture
def popup(ext):
    page = ext.context.new_page()
    page.set_viewport_size({"width": 400, "height": 560})
    page.goto(ext.url("popup/popup.html"))
    page.wait_for_selector("html[data-ready]", state="attached")
    yield page
    page.close()


def check(page, text):
    page.fill("#draft", text)
    page.click("#check")
    page.wait_for_selector('html[data-state="done"]', state="attached")
    result = page.locator("#result")
    return {"level": result.get_attribute("data-impartial-level"),
            "findings": int(result.get_attribute("data-impartial-findings"))}


def test_popup_checks_pasted_text_and_highlights_the_spans(popup, test_service_url, expected):
    rules_version = requests.get(test_service_url + "/healthz", timeout=5).json()["rules_version"]
    assert popup.locator("#service").get_attribute("data-state") == "reachable"
    assert popup.locator("#service-text").text_content() == f"Service reachable \u00b7 rules {rules_version}"

    text = "Big day tomorrow.\nVote Labour on Thursday!"
    answer = expected(text)
    assert check(popup, text) == {"level": answer["level"], "findings": len(answer["findings"])}
    assert answer["level"] == "high"
    assert popup.locator("#level").text_content() == "High risk"
    assert popup.locator("#score").text_content() == f"Score {answer['score']} / 100"
    assert popup.locator("#highlighted mark").all_text_contents() == [f["match"] for f in answer["findings"]]
    assert popup.locator("#highlighted").text_content() == text
    finding = popup.locator("#findings li").first
    assert finding.get_attribute("data-rule") == answer["findings"][0]["rule"]
    assert finding.locator("a").get_attribute("href") == answer["findings"][0]["guidance"]["url"]
    save_doc_screenshot(popup, "popup.png")


def test_popup_benign_text_has_no_findings(popup):
    assert check(popup, "Lovely walk by the river this morning.") == {"level": "none", "findings": 0}
    assert popup.locator("#highlighted mark").count() == 0
    assert popup.locator("#level").text_content() == "No issues"


def test_popup_checks_with_ctrl_enter(popup):
    popup.fill("#draft", "Vote Labour on Thursday!")
    popup.press("#draft", "Control+Enter")
    popup.wait_for_selector('#result[data-impartial-level="high"]', state="attached")


def test_popup_offsets_stay_right_after_emoji(popup, expected):
    text = "\U0001F5F3\ufe0f\U0001F1EC\U0001F1E7 Big day.\nVote Labour on Thursday!"
    answer = expected(text)
    assert check(popup, text) == {"level": "high", "findings": len(answer["findings"])}
    assert popup.locator("#highlighted mark").all_text_contents() == [f["match"] for f in answer["findings"]]
    assert popup.locator("#highlighted").text_content() == text
