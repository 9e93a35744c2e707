"""The options page: settings save, persist, reach the background, and bad input is refused."""
import pytest

pytestmark = pytest.mark.browser


@pytest.fixture
def options(ext):
    page = ext.context.new_page()
    page.goto(ext.url("options/options.html"))
    page.wait_for_selector("html[data-ready]", state="attached")
    yield page
    page.close()


def save(page, count):
    page.click("#save")
    page.wait_for_selector(f'html[data-saved="{count}"]', state="attached")


def test_options_save_and_persist(ext, options, test_service_url):
    assert options.input_value("#serviceUrl") == test_service_url
    options.wait_for_selector("html[data-profiles]", state="attached")
    assert sorted(options.locator("#profile option").all_text_contents()) == [
        "official-account", "public-servant", "uk-civil-service", "us-federal"]
    options.select_option("#profile", "us-federal")
    options.check("#electionPeriod")
    options.check("#officialAccount")
    options.uncheck("#preSendCheck")
    options.uncheck("#site-reddit")
    options.fill("#mastodonInstances", "")
    save(options, 1)
    assert options.locator("#status").text_content() == "Saved."

    options.reload()
    options.wait_for_selector("html[data-ready]", state="attached")
    assert options.input_value("#profile") == "us-federal"
    assert [options.is_checked(s) for s in ("#electionPeriod", "#officialAccount", "#preSendCheck", "#site-reddit", "#site-x")] == [
        True, True, False, False, True]
    stored = ext.route({"type": "get-settings"})
    assert stored["locked"] == []
    assert {k: stored["settings"][k] for k in ("profile", "electionPeriod", "officialAccount", "preSendCheck")} == {
        "profile": "us-federal", "electionPeriod": True, "officialAccount": True, "preSendCheck": False}
    assert stored["settings"]["sites"]["reddit"] is False

    # A switched-off site gets no checks: the background sends nothing for it.
    page_state = ext.context.service_workers[0].evaluate(
        "() => Impartial.background.route({type: 'get-page-state'}, {tab: {id: 1}, url: 'https://www.reddit.com/r/x/submit'})")
    assert page_state["enabled"] is False


def test_options_refuse_a_plain_http_remote_service(options):
    options.fill("#serviceUrl", "http://impartial.example.org")
    options.click("#save")
    options.wait_for_selector("#serviceUrl-error:not([hidden])")
    assert options.locator("#serviceUrl-error").text_content() == (
        "service URL must use https unless it is on this computer (127.0.0.1 or localhost)")
    assert options.get_attribute("html", "data-saved") is None


POLICY = {"serviceUrl": "https://impartial.dept.example", "profile": "uk-civil-service", "sites": {"x": True}}

# Stands in for chrome.storage.managed (a real policy needs files under /etc): the background's
# own merge runs over this policy instead of an empty one.
WITH_POLICY = """(policy) => {
  const b = Impartial.background;
  b.unmanagedLoad = b.unmanagedLoad || b.store.load;
  b.store.load = async () => {
    const { settings } = await chrome.storage.local.get("settings");
    return Impartial.settings.mergeSettings(settings || {}, policy);
  };
}"""
WITHOUT_POLICY = "() => { const b = Impartial.background; if (b.unmanagedLoad) b.store.load = b.unmanagedLoad; }"


def test_policy_settings_show_as_locked_and_cannot_be_changed(ext):
    worker = ext.context.service_workers[0]
    worker.evaluate(WITH_POLICY, POLICY)
    page = ext.context.new_page()
    try:
        page.goto(ext.url("options/options.html"))
        page.wait_for_selector("html[data-ready]", state="attached")
        assert page.input_value("#serviceUrl") == POLICY["serviceUrl"]
        assert [page.is_disabled(s) for s in ("#serviceUrl", "#profile", "#site-x", "#site-reddit", "#electionPeriod")] == [
            True, True, True, False, False]
        assert page.locator('[data-setting="serviceUrl"] .lock').text_content() == "Locked by your organisation"
        assert page.locator("#managed-note").is_visible()
        page.check("#electionPeriod")
        save(page, 1)
        settings = ext.route({"type": "get-settings"})["settings"]
        assert (settings["serviceUrl"], settings["profile"], settings["electionPeriod"]) == (
            POLICY["serviceUrl"], "uk-civil-service", True)
        # A change to a locked key sent anyway is dropped by the background.
        ext.route({"type": "save-settings", "settings": {"profile": "us-federal"}})
        assert ext.route({"type": "get-settings"})["settings"]["profile"] == "uk-civil-service"
    finally:
        page.close()
        worker.evaluate(WITHOUT_POLICY)
