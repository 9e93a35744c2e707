/*
 * Mastodon (mastodon.social and instances the user enables): the compose form's textarea and its
 * content-warning input. Replies and private mentions (Mastodon's direct messages) use the same form.
 * Evidence, checked 2026-12-01 against mastodon/mastodon's source:
 * app/javascript/mastodon/features/compose/components/compose_form.jsx (form.compose-form,
 * .spoiler-input with AutosuggestInput, AutosuggestTextarea's textarea.autosuggest-textarea__textarea,
 * Ctrl/Cmd+Enter in either calls handleSubmit, the button is type=submit).
 */
(function (root) {
  "use strict";
  const adapters = ((root.Impartial = root.Impartial || {}).adapters = root.Impartial.adapters || {});
  adapters.mastodon = {
    id: "mastodon",
    checked: "2026-12-01",
    testPage: "tests/e2e/sites/mastodon.html",
    composers: ["mastodon.post", "mastodon.content-warning", "mastodon.reply"],
    editors: "form.compose-form textarea.autosuggest-textarea__textarea, form.compose-form .spoiler-input input",
    submit: 'form.compose-form button[type="submit"]',
    container: (editor) => editor.closest("form.compose-form"),
  };
})(globalThis);
