/* Threads (threads.com, formerly threads.net): Lexical editors in the composer dialog. */
(function (root) {
  "use strict";
  const adapters = ((root.Impartial = root.Impartial || {}).adapters = root.Impartial.adapters || {});
  adapters.threads = {
    id: "threads",
    testPage: "tests/e2e/sites/threads.html",
    editors: 'div[contenteditable="true"][data-lexical-editor="true"]',
    // The Post control is a div[role=button] whose only label is its text.
    submit: 'div[role="button"], button',
    isSubmit: (el) => /^(post|reply)$/i.test((el.textContent || "").trim()),
    container: (editor) => editor.closest('[role="dialog"], form'),
  };
})(globalThis);
