/*
 * Facebook: Lexical editors (data-lexical-editor) in the Create post dialog, comment boxes
 * ("Write a comment…"), reply boxes ("Reply to …") and Messenger ("Message").
 * Evidence, checked 2026-12-01: the issue's own observation of the live markup; public automation
 * code naming '[contenteditable="true"][aria-label="Write a comment…"]' (a Facebook selector table)
 * and 'div[aria-label="Message"][contenteditable="true"][data-lexical-editor="true"]' (Messenger
 * bots and emote extensions); Post is div[role=button][aria-label=Post]. Comments, replies and
 * Messenger send on a bare Enter (Shift+Enter is a new line); the post dialog only on Post.
 */
(function (root) {
  "use strict";
  const adapters = ((root.Impartial = root.Impartial || {}).adapters = root.Impartial.adapters || {});
  adapters.facebook = {
    id: "facebook",
    checked: "2026-12-01",
    testPage: "tests/e2e/sites/facebook.html",
    composers: ["facebook.post", "facebook.comment", "facebook.reply", "facebook.messenger"],
    editors: 'div[contenteditable="true"][data-lexical-editor="true"], div[contenteditable="true"][role="textbox"][aria-label="Message"]',
    submit: 'div[role="button"][aria-label="Post"], div[role="button"][aria-label="Next"], div[role="button"][aria-label="Comment"], div[role="button"][aria-label="Press enter to send"], div[role="button"][aria-label="Send"], button[type="submit"]',
    // Only the post composer (a dialog with a Post button) needs the button; every other box sends
    // on Enter, comments in a photo's or post's dialog too.
    enterSends: (editor) => {
      const dialog = editor.closest('[role="dialog"]');
      return !(dialog && dialog.querySelector('div[role="button"][aria-label="Post"]'));
    },
    container: (editor) => editor.closest('[role="dialog"], form, [role="article"], [role="main"]'),
  };
})(globalThis);
