/*
 * Reddit: the submit page's title (a textarea in faceplate-textarea-input's open shadow root) and
 * body (shreddit-composer's Lexical div[slot=rte] in the light DOM) inside r-post-composer-form,
 * posted by r-post-form-submit-button#submit-post-button (its shadow root holds the real button);
 * comments and their replies (comment-composer-host > faceplate-form > shreddit-composer, sent by
 * button[slot=submit-button]).
 * Evidence, checked 2026-12-01: the observation of the live submit page; public automation
 * code naming 'r-post-form-submit-button#submit-post-button button', #inner-post-submit-button in
 * its shadow root, and 'comment-composer-host faceplate-form shreddit-composer' with
 * "button[slot='submit-button']" for replies. Reddit chat runs in its own app (chat.reddit.com,
 * closed shadow roots) and is not covered.
 */
(function (root) {
  "use strict";
  const adapters = ((root.Impartial = root.Impartial || {}).adapters = root.Impartial.adapters || {});
  adapters.reddit = {
    id: "reddit",
    checked: "2026-12-01",
    testPage: "tests/e2e/sites/reddit.html",
    composers: ["reddit.title", "reddit.body", "reddit.comment", "reddit.reply"],
    editors: 'div[contenteditable="true"][role="textbox"], textarea[name="title"], textarea[name="body"], textarea#innerTextArea',
    submit: '#inner-post-submit-button, r-post-form-submit-button, button[type="submit"], button[slot="submit-button"]',
    container: (editor) => {
      // Climb out of shadow roots to the post form or comment composer that hosts the editor.
      let node = editor;
      while (node) {
        const found = node.closest && node.closest("r-post-composer-form, shreddit-post-composer, comment-composer-host, form, faceplate-form");
        if (found) return found;
        const rootNode = node.getRootNode();
        node = rootNode && rootNode.host ? rootNode.host : null;
      }
      return null;
    },
  };
})(globalThis);
