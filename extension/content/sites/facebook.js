/* Facebook: Lexical editors in the post composer and comment boxes. */
(function (root) {
  "use strict";
  const adapters = ((root.Impartial = root.Impartial || {}).adapters = root.Impartial.adapters || {});
  adapters.facebook = {
    id: "facebook",
    testPage: "tests/e2e/sites/facebook.html",
    editors: 'div[contenteditable="true"][data-lexical-editor="true"]',
    submit: 'div[role="button"][aria-label="Post"], div[role="button"][aria-label="Next"], div[role="button"][aria-label="Comment"], button[type="submit"]',
    container: (editor) => editor.closest('[role="dialog"], form, [role="article"]'),
  };
})(globalThis);
