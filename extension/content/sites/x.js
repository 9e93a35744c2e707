/*
 * X / Twitter: Draft.js editors. Posts (home composer), replies (inline under a post and in the
 * dialog), quote posts (the same dialog) and direct messages.
 * Evidence, checked 2026-12-01: X's Draft.js editors carry data-testid tweetTextarea_N (Draft's
 * webDriverTestID); Post/Reply are tweetButtonInline (inline) and tweetButton (dialog); DMs are
 * dmComposerTextInput with dmComposerSendButton, sent on a bare Enter. Public automation code names
 * the same selectors: nirholas/XActions src/postThread.js, tang-vu/social-posting-skills
 * DOM_SELECTORS.md (captured 2026-02-27), and several DM bots' selector tables
 * ([data-testid="dmComposerTextInput"] / [data-testid="dmComposerSendButton"]). XChat's newer
 * textarea (data-testid dm-composer-textarea) is matched too, unverified by a fixture.
 */
(function (root) {
  "use strict";
  const adapters = ((root.Impartial = root.Impartial || {}).adapters = root.Impartial.adapters || {});
  const DM = '[data-testid="dmComposerTextInput"], textarea[data-testid="dm-composer-textarea"]';
  adapters.x = {
    id: "x",
    checked: "2026-12-01",
    testPage: "tests/e2e/sites/x.html",
    composers: ["x.post", "x.reply-dialog", "x.quote", "x.reply-inline", "x.dm"],
    editors: `div[contenteditable="true"][data-testid^="tweetTextarea_"], div[contenteditable="true"][data-testid="dmComposerTextInput"], ${DM}`,
    submit: '[data-testid="tweetButton"], [data-testid="tweetButtonInline"], [data-testid="dmComposerSendButton"], [data-testid="dm-composer-send-button"]',
    // DMs go on a bare Enter (Shift+Enter is a new line); posts only on the button or Ctrl/Cmd+Enter.
    enterSends: (editor) => editor.matches(DM),
    container: (editor) => editor.closest('[role="dialog"], aside, [data-testid="primaryColumn"], main'),
  };
})(globalThis);
