/* Mastodon (mastodon.social and instances the user enables): the compose form's textarea. */
(function (root) {
  "use strict";
  const adapters = ((root.Impartial = root.Impartial || {}).adapters = root.Impartial.adapters || {});
  adapters.mastodon = {
    id: "mastodon",
    testPage: "tests/e2e/sites/mastodon.html",
    editors: "form.compose-form textarea.autosuggest-textarea__textarea, form.compose-form .spoiler-input input",
    submit: 'form.compose-form button[type="submit"]',
    container: (editor) => editor.closest("form.compose-form"),
  };
})(globalThis);
