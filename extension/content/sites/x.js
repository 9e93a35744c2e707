/* X / Twitter: Draft.js editors (post, reply, quote) and the Post/Reply buttons. */
(function (root) {
  "use strict";
  const adapters = ((root.Impartial = root.Impartial || {}).adapters = root.Impartial.adapters || {});
  adapters.x = {
    id: "x",
    testPage: "tests/e2e/sites/x.html",
    editors: 'div[contenteditable="true"][data-testid^="tweetTextarea_"]',
    submit: '[data-testid="tweetButton"], [data-testid="tweetButtonInline"]',
    container: (editor) => editor.closest('[role="dialog"], [data-testid="primaryColumn"], main'),
  };
})(globalThis);
