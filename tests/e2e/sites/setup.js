/* Wires each replica page's composer to the Replica editors. */
(function () {
  "use strict";
  const R = window.Replica;
  const site = document.body.dataset.site;
  const $ = (s, root = document) => root.querySelector(s);

  function rich(editorSel, kind, buttonSel, opts) {
    const editor = $(editorSel);
    const button = buttonSel ? $(buttonSel) : null;
    let submit = () => {};
    const api = R.richEditor(editor, kind, () => submit(), opts);
    submit = R.compose(editor, api, button);
  }

  switch (site) {
    case "x": {
      rich('[data-testid="tweetTextarea_0"]', "draft", '[data-testid="tweetButtonInline"]', { placeholder: $(".public-DraftEditorPlaceholder-root") });
      // The compose dialog X adds to the page later (a quote or the side-nav Post button).
      window.openComposeDialog = (draft) => R.write(() => {
        const editor = R.h("div", {
          class: "notranslate public-DraftEditor-content", contenteditable: "true", role: "textbox", spellcheck: "true",
          tabindex: "0", "aria-multiline": "true", "aria-label": "Post text", "data-testid": "tweetTextarea_0",
        });
        const button = R.h("button", { type: "button", role: "button", class: "post-button", "data-testid": "tweetButton" }, "Post");
        const dialog = R.h("div", { role: "dialog", "aria-modal": "true", "aria-labelledby": "modal-header", class: "page composer" },
          R.h("div", { class: "DraftEditor-root" }, R.h("div", { class: "DraftEditor-editorContainer" }, editor)),
          R.h("div", { class: "bar" }, button));
        $("#layers").append(dialog);
        let submit = () => {};
        const api = R.richEditor(editor, "draft", () => submit());
        submit = R.compose(editor, api, button);
        if (draft) api.setText(draft);
      });
      break;
    }
    case "facebook":
      rich("[data-lexical-editor]", "lexical", '[aria-label="Post"][role="button"]');
      break;
    case "linkedin":
      rich(".ql-editor", "quill", ".share-actions__primary-action", { emptyClass: "ql-blank" });
      break;
    case "bluesky":
      rich(".ProseMirror", "prosemirror", '[data-testid="composerPublishBtn"]');
      break;
    case "threads":
      rich("[data-lexical-editor]", "lexical", '.bar [role="button"]');
      break;
    case "mastodon": {
      const form = $("form.compose-form");
      const field = $("textarea", form);
      let submit = () => {};
      const api = R.plainField(field, () => submit(), $(".character-counter"));
      submit = R.compose(field, api, null);
      form.addEventListener("submit", (e) => {
        e.preventDefault();
        submit();
      });
      break;
    }
    case "reddit": {
      // Reddit's composer parts are web components with open shadow roots.
      const attach = (host, ...children) => R.write(() => {
        const shadow = host.attachShadow({ mode: "open" });
        shadow.append(...children);
        R.observe(shadow);
        return shadow;
      });
      const titleHost = $("faceplate-textarea-input");
      const title = R.h("textarea", { name: "title", id: "innerTextArea", rows: "1", "aria-label": "Title", maxlength: "300" });
      attach(titleHost, title);
      const bodyHost = $("shreddit-composer");
      const body = R.h("div", { contenteditable: "true", role: "textbox", name: "body", "aria-label": "Post body", class: "block w-full", "data-lexical-editor": "true" });
      attach(bodyHost, R.h("style", {}), body);
      const button = R.h("button", { id: "inner-post-submit-button", type: "button", class: "post-button" }, "Post");
      attach($("r-post-form-submit-button"), button);
      R.write(() => {
        body.style.cssText = "min-height: 80px; outline: none; white-space: pre-wrap; font-size: 16px; line-height: 22px; border: 1px solid #ccc; padding: 6px;";
        title.style.cssText = "width: 100%; font: 16px/22px system-ui; box-sizing: border-box;";
      });
      let submit = () => {};
      const api = R.richEditor(body, "lexical", () => submit());
      submit = R.compose(body, api, button);
      R.compose(title, R.plainField(title, () => submit(), null), null);
      break;
    }
    case "generic": {
      const form = $("#dm-form");
      const field = $("#note");
      let submit = () => {};
      const api = R.plainField(field, () => submit(), null);
      submit = R.compose(field, api, null);
      form.addEventListener("submit", (e) => {
        e.preventDefault();
        submit();
      });
      break;
    }
    default:
      throw new Error(`unknown replica ${site}`);
  }
  document.addEventListener("DOMContentLoaded", () => {
    document.documentElement.dataset.replicaReady = "1";
  }, { once: true });
})();
