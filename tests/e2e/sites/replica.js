/*
 * Minimal stand-ins for each site's composer, for the browser tests. Like Draft.js,
 * Lexical, Quill and ProseMirror, the editor keeps its own model and renders the DOM
 * from it (native edits are cancelled in beforeinput). Every DOM write the replica makes
 * goes through write(); any other mutation of the page is logged as foreign, so a test
 * can prove the extension never touched the editor or the page.
 */
(function () {
  "use strict";
  const foreign = [];
  const posted = [];
  const observed = [];
  const observer = new MutationObserver((records) => foreign.push(...records.map(describe)));

  function describe(r) {
    const where = r.target.nodeType === 1 ? r.target.nodeName.toLowerCase() : r.target.nodeName;
    const added = [...r.addedNodes].map((n) => n.nodeName.toLowerCase());
    const removed = [...r.removedNodes].map((n) => n.nodeName.toLowerCase());
    const parent = r.target.parentNode ? ` in ${r.target.parentNode.nodeName.toLowerCase()}` : "";
    const value = r.type === "characterData" ? ` ${JSON.stringify(r.oldValue)} -> ${JSON.stringify(r.target.data)}` : "";
    return `${r.type} on ${where}${parent}${r.attributeName ? `@${r.attributeName}` : ""}${added.length ? ` +${added}` : ""}${removed.length ? ` -${removed}` : ""}${value}`;
  }

  function observe(rootNode) {
    observed.push(rootNode);
    observer.observe(rootNode, { childList: true, subtree: true, attributes: true, characterData: true, characterDataOldValue: true });
  }

  /** Runs one of the replica's own DOM writes without logging it. */
  let depth = 0;
  function write(fn) {
    if (depth === 0) foreign.push(...observer.takeRecords().map(describe));
    depth += 1;
    try {
      return fn();
    } finally {
      depth -= 1;
      if (depth === 0) observer.takeRecords();
    }
  }

  function h(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    for (const c of children) node.append(c);
    return node;
  }

  // Splits a paragraph into plain runs and #hashtag/@mention runs, as the sites decorate them.
  function runs(text) {
    return text.split(/([#@][A-Za-z0-9_]+)/).filter((s) => s !== "");
  }

  const RENDER = {
    // X: Draft.js blocks with offset keys, decorated entities in extra spans.
    draft(paras) {
      const blocks = paras.map((text, i) => {
        const key = `e${i}k`;
        const inner = text
          ? runs(text).map((run, j) => {
            const leaf = h("span", { "data-offset-key": `${key}-${j}-0` }, h("span", { "data-text": "true" }, run));
            return /^[#@]/.test(run) ? h("span", { class: "r-18u37iz" }, leaf) : leaf;
          })
          : [h("span", { "data-offset-key": `${key}-0-0` }, h("br", { "data-text": "true" }))];
        return h("div", { class: "", "data-block": "true", "data-editor": "e7q1", "data-offset-key": `${key}-0-0` },
          h("div", { "data-offset-key": `${key}-0-0`, class: "public-DraftStyleDefault-block public-DraftStyleDefault-ltr" }, ...inner));
      });
      return [h("div", { "data-contents": "true" }, ...blocks)];
    },
    // Facebook, Threads, Reddit: Lexical paragraphs of text spans; <br> in an empty one.
    lexical(paras) {
      return paras.map((text) => h("p", { class: "xdj266r x11i5rnm xat24cr x1mh8g0r", dir: "auto" },
        ...(text ? runs(text).map((run) => h("span", /^#/.test(run) ? { class: "x1lliihq", "data-lexical-text": "true" } : { "data-lexical-text": "true" }, run)) : [h("br")])));
    },
    // LinkedIn: Quill paragraphs.
    quill(paras) {
      return paras.map((text) => h("p", {}, text || h("br")));
    },
    // Bluesky: ProseMirror (tiptap) paragraphs with trailing breaks.
    prosemirror(paras) {
      const empty = paras.length === 1 && !paras[0];
      return paras.map((text) => (text
        ? h("p", {}, text)
        : h("p", empty ? { "data-placeholder": "What's up?", class: "is-empty is-editor-empty" } : {}, h("br", { class: "ProseMirror-trailingBreak" }))));
    },
  };

  /** A model-driven rich editor over `editor` using RENDER[kind]; onSubmit runs on Ctrl/Cmd+Enter. */
  function richEditor(editor, kind, onSubmit, { emptyClass = null, placeholder = null } = {}) {
    const model = { paras: [""] };
    const render = () => write(() => {
      editor.replaceChildren(...RENDER[kind](model.paras));
      if (emptyClass) editor.classList.toggle(emptyClass, model.paras.join("") === "");
      if (placeholder) placeholder.hidden = model.paras.join("") !== "";
      placeCaret();
    });
    function placeCaret() {
      if (editor.getRootNode().activeElement !== editor && document.activeElement !== editor) return;
      const walker = document.createTreeWalker(editor, NodeFilter.SHOW_TEXT);
      let last = null;
      for (let n = walker.nextNode(); n; n = walker.nextNode()) last = n;
      const blocks = editor.querySelectorAll("p, [data-block] > div");
      const lastBlock = blocks[blocks.length - 1] || editor;
      const sel = document.getSelection();
      if (model.paras[model.paras.length - 1] === "" || !last) sel.collapse(lastBlock, 0);
      else sel.collapse(last, last.data.length);
    }
    editor.addEventListener("beforeinput", (e) => {
      e.preventDefault();
      const p = model.paras;
      switch (e.inputType) {
        case "insertText":
        case "insertReplacementText":
          p[p.length - 1] += e.data || (e.dataTransfer && e.dataTransfer.getData("text/plain")) || "";
          break;
        case "insertFromPaste":
          for (const [i, line] of e.dataTransfer.getData("text/plain").split("\n").entries()) {
            if (i) p.push("");
            p[p.length - 1] += line;
          }
          break;
        case "insertParagraph":
        case "insertLineBreak":
          p.push("");
          break;
        case "deleteContentBackward":
          if (p[p.length - 1]) p[p.length - 1] = [...p[p.length - 1]].slice(0, -1).join("");
          else if (p.length > 1) p.pop();
          break;
        default:
          return;
      }
      render();
    });
    editor.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        onSubmit();
      }
    });
    editor.addEventListener("focus", () => write(placeCaret));
    render();
    return {
      text: () => model.paras.join("\n"),
      setText(text) {
        model.paras = text.split("\n");
        render();
      },
      clear() {
        model.paras = [""];
        render();
      },
      expectedHTML: () => {
        const copy = editor.cloneNode(false);
        copy.append(...RENDER[kind](model.paras));
        if (emptyClass) copy.classList.toggle(emptyClass, model.paras.join("") === "");
        return copy.outerHTML;
      },
    };
  }

  /** A site's plain textarea (Mastodon, Reddit's title): native editing, React-like counter. */
  function plainField(field, onSubmit, counter) {
    const update = () => counter && write(() => { counter.textContent = String(500 - field.value.length); });
    field.addEventListener("input", update);
    field.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        onSubmit();
      }
    });
    const initial = field.outerHTML;
    return {
      text: () => field.value,
      clear() {
        field.value = "";
        update();
      },
      expectedHTML: () => initial,
    };
  }

  window.Replica = {
    RENDER, h, write, observe, richEditor, plainField, posted,
    editors: [],
    foreign: () => foreign.slice(),
    /** What the tests assert: no foreign mutation, and each editor exactly as the site rendered it. */
    check() {
      foreign.push(...observer.takeRecords().map(describe));
      return {
        foreign: foreign.slice(),
        editors: this.editors.map(({ el, api }) => ({ matches: el.outerHTML === api.expectedHTML(), text: api.text() })),
        posted: posted.slice(),
      };
    },
    /** Registers an editor and its send control: a click or Ctrl/Cmd+Enter posts and clears. */
    compose(el, api, button) {
      this.editors.push({ el, api });
      const submit = () => {
        const text = api.text();
        if (!text.trim()) return;
        posted.push(text);
        api.clear();
      };
      if (button) button.addEventListener("click", submit);
      return submit;
    },
  };

  // The parser is still adding the page's last nodes while this script runs.
  document.addEventListener("DOMContentLoaded", () => observe(document.body), { once: true });
})();
