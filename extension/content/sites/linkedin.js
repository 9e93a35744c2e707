/* LinkedIn: the Quill editor of the share box and comments. */
(function (root) {
  "use strict";
  const adapters = ((root.Impartial = root.Impartial || {}).adapters = root.Impartial.adapters || {});
  adapters.linkedin = {
    id: "linkedin",
    testPage: "tests/e2e/sites/linkedin.html",
    editors: '.ql-editor[contenteditable="true"]',
    submit: "button.share-actions__primary-action, button.comments-comment-box__submit-button",
    container: (editor) => editor.closest('[role="dialog"], form, .share-box'),
  };
})(globalThis);
