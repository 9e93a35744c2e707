/*
 * LinkedIn: the share box's Quill editor (inside the open shadow root of #interop-outlet), the
 * TipTap editors of feed comments and their replies, and messaging's contenteditable.
 * Evidence, checked 2026-12-01: a public capture of the live feed (2026-06-24/26) naming
 * [data-testid="ui-core-tiptap-text-editor-wrapper"] > .tiptap.ProseMirror[aria-label="Text editor
 * for creating comment"] for comments, and #interop-outlet's shadow root holding
 * [data-test-modal-id="sharebox"] with .ql-editor and button.share-actions__primary-action;
 * public automation code naming button.comments-comment-box__submit-button--cr, and
 * div.msg-form__contenteditable with button.msg-form__send-button for messaging. Messaging's
 * "Press Enter to send" is a per-user setting the page does not show, so only its button is checked.
 */
(function (root) {
  "use strict";
  const adapters = ((root.Impartial = root.Impartial || {}).adapters = root.Impartial.adapters || {});
  adapters.linkedin = {
    id: "linkedin",
    checked: "2026-12-01",
    testPage: "tests/e2e/sites/linkedin.html",
    composers: ["linkedin.post", "linkedin.comment", "linkedin.reply", "linkedin.message"],
    editors: '.ql-editor[contenteditable="true"], .tiptap.ProseMirror[contenteditable="true"], [contenteditable="true"][aria-label="Text editor for creating comment"], .msg-form__contenteditable[contenteditable="true"]',
    submit: "button.share-actions__primary-action, button.comments-comment-box__submit-button, button.comments-comment-box__submit-button--cr, button.msg-form__send-button",
    container: (editor) => editor.closest('[role="dialog"], [data-view-name="comment-box"], .comments-comment-box, form, .share-box'),
  };
})(globalThis);
