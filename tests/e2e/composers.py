"""Drives one composer variant of fixtures/composers.json on its real editor library."""

# The editor's visible text of one finding's match, and the extension's mark for it, as viewport boxes.
MARK_AND_TEXT = """(editor, [needle, rule]) => {
  const host = [...document.querySelectorAll("impartial-warning")].pop();
  const mark = host && host.shadowRoot.querySelector(`.mark[data-rule="${rule}"]`);
  if (!mark) return null;
  const m = mark.getBoundingClientRect();
  const out = {mark: [m.left, m.top, m.width, m.height].map(Math.round), text: null};
  if (editor instanceof HTMLTextAreaElement || editor instanceof HTMLInputElement) {
    const b = editor.getBoundingClientRect();
    out.box = [b.left, b.top, b.width, b.height].map(Math.round);
    return out;
  }
  const walker = document.createTreeWalker(editor, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const i = n.data.indexOf(needle);
    if (i < 0) continue;
    const range = document.createRange();
    range.setStart(n, i);
    range.setEnd(n, i + needle.length);
    const t = range.getClientRects()[0];
    out.text = [t.left, t.top, t.width, t.height].map(Math.round);
    break;
  }
  return out;
}"""

PASTE = """(editor, text) => {
  const data = new DataTransfer();
  data.setData("text/plain", text);
  editor.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true, composed: true}));
}"""


class Composer:
    """One composer variant open in its own page."""

    def __init__(self, page, variant):
        self.page = page
        self.v = variant
        self.editor = page.locator(variant["editor"]).first
        self.host = page.locator("impartial-warning").last

    def open(self):
        self.page.goto(self.v["url"])
        self.page.wait_for_selector("html[data-fixture-ready]", state="attached")
        if self.v.get("open"):
            self.page.locator(self.v["open"]).first.click()
        prefill = self.v.get("prefill")
        if prefill:
            self.page.locator(prefill["editor"]).first.click()
            self.page.keyboard.type(prefill["text"])
            self.wait_checked([0, 0])
        return self

    def model(self):
        """The editor library's own model text (Draft's ContentState, Lexical's EditorState, Quill's getText, TipTap's getText)."""
        return self.page.evaluate("id => Fixture.text(id)", self.v["fixture"])

    def library(self):
        return self.page.evaluate("id => Fixture.library(id)", self.v["fixture"])

    def posted(self):
        return [p["text"] for p in self.page.evaluate("() => Fixture.posted") if p["id"] == self.v["fixture"]]

    def checks(self):
        """How many warning hosts the page has, and the pauses handled by the last one (the editor typed into last)."""
        return self.page.evaluate("""() => { const hosts = [...document.querySelectorAll("impartial-warning")];
            const h = hosts[hosts.length - 1]; return [hosts.length, h ? Number(h.dataset.impartialChecks || 0) : 0]; }""")

    def wait_checked(self, before):
        """Waits until the last warning host (a new one, or the same one past `before`) has handled a pause and is done."""
        self.page.wait_for_function("""([count, checks]) => { const hosts = [...document.querySelectorAll("impartial-warning")];
            const h = hosts[hosts.length - 1]; if (!h) return false;
            const handled = Number(h.dataset.impartialChecks || 0) > (hosts.length > count ? 0 : checks);
            return handled && h.dataset.impartialState === "done"; }""", arg=before)
        return self.attributes()

    def attributes(self):
        return self.host.evaluate(
            "h => ({level: h.dataset.impartialLevel, findings: Number(h.dataset.impartialFindings)})")

    def type(self, text, delay=0, click=True):
        """Types at the caret (after a click into the editor, unless click=False) and waits for the check."""
        before = self.checks()
        if click:
            self.editor.click()
        self.page.keyboard.type(text, delay=delay)
        return self.wait_checked(before)

    def press(self, key, times=1):
        before = self.checks()
        for _ in range(times):
            self.page.keyboard.press(key)
        return self.wait_checked(before)

    def paste(self, text):
        before = self.checks()
        self.page.evaluate("id => Fixture.cutoff(id)", self.v["fixture"])
        if self.library() in ("textarea", "contenteditable"):
            # A synthetic paste event inserts nothing where the browser itself edits (a native field, a bare
            # contenteditable): only trusted events have default actions. insertText is what a paste does there.
            self.page.keyboard.insert_text(text)
        else:
            self.editor.evaluate(PASTE, text)
        return self.wait_checked(before)

    def mark_and_text(self, finding):
        return self.editor.evaluate(MARK_AND_TEXT, [finding["match"], finding["rule"]])

    def gesture(self, send):
        if "click" in send:
            self.page.locator(send["click"]).first.click()
        else:
            self.editor.focus()
            self.page.keyboard.press(send["key"])

    def wait_question(self):
        self.page.wait_for_selector('impartial-warning[data-impartial-confirm="open"]', state="attached")
        return self.page.locator('impartial-warning[data-impartial-confirm="open"] .confirm')

    def wait_no_question(self):
        self.page.wait_for_function("() => !document.querySelector('impartial-warning[data-impartial-confirm]')")

    def wait_posted(self, count):
        self.page.wait_for_function(
            "([id, n]) => Fixture.posted.filter((p) => p.id === id).length === n", arg=[self.v["fixture"], count])
        return self.posted()
