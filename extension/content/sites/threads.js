/*
 * Threads (threads.com, formerly threads.net): Lexical editors in the new-thread and reply dialogs.
 * Evidence, checked 2026-12-01: public automation code (official5ETa/ThreadsAutoComment
 * src/share/threadsQs.ts: 'div[role="textbox"][contenteditable="true"]' in a dialog; other posting
 * scripts: the Post control is a div[role=button] labelled only by its text). Threads' web app has
 * no direct messages.
 */
(function (root) {
  "use strict";
  const adapters = ((root.Impartial = root.Impartial || {}).adapters = root.Impartial.adapters || {});
  adapters.threads = {
    id: "threads",
    checked: "2026-12-01",
    testPage: "tests/e2e/sites/threads.html",
    composers: ["threads.post", "threads.reply"],
    editors: 'div[contenteditable="true"][data-lexical-editor="true"], div[contenteditable="true"][role="textbox"]',
    // The Post control is a div[role=button] whose only label is its text.
    submit: 'div[role="button"], button',
    isSubmit: (el) => /^(post|reply)$/i.test((el.textContent || "").trim()),
    container: (editor) => editor.closest('[role="dialog"], form'),
  };
})(globalThis);
