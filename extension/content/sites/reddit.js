/* Reddit: composers inside open shadow roots (shreddit-composer, faceplate-textarea-input). */
(function (root) {
  "use strict";
  const adapters = ((root.Impartial = root.Impartial || {}).adapters = root.Impartial.adapters || {});
  adapters.reddit = {
    id: "reddit",
    testPage: "tests/e2e/sites/reddit.html",
    editors: 'div[contenteditable="true"][role="textbox"], textarea[name="title"], textarea[name="body"], textarea#innerTextArea',
    submit: '#inner-post-submit-button, button[type="submit"], button[slot="submit-button"]',
    container: (editor) => {
      // Climb out of shadow roots to the post form or comment composer that hosts the editor.
      let node = editor;
      while (node) {
        const found = node.closest && node.closest("shreddit-post-composer, comment-composer-host, form, faceplate-form");
        if (found) return found;
        const rootNode = node.getRootNode();
        node = rootNode && rootNode.host ? rootNode.host : null;
      }
      return null;
    },
  };
})(globalThis);
