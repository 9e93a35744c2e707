/* Bluesky: the ProseMirror (tiptap) composer and its Post button. */
(function (root) {
  "use strict";
  const adapters = ((root.Impartial = root.Impartial || {}).adapters = root.Impartial.adapters || {});
  adapters.bluesky = {
    id: "bluesky",
    testPage: "tests/e2e/sites/bluesky.html",
    editors: '.ProseMirror[contenteditable="true"]',
    submit: '[data-testid="composerPublishBtn"]',
    container: (editor) => editor.closest('[data-testid="composePostView"], [role="dialog"]'),
  };
})(globalThis);
