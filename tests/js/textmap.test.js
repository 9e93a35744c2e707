"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { extract, boundary, applyRange, relocateFindings, highlightRuns } = require("../../extension/common/textmap.js");
const { el, text, recordingRange } = require("./fakedom.js");

// The text and, for each text piece, the node and offset a boundary lands on.
function slice(map, start, end) {
  const range = recordingRange();
  const ok = applyRange(range, map, start, end);
  return ok ? range.calls.map(([op, node, offset]) => [op, node.data !== undefined ? node.data : node.nodeName, offset]) : null;
}

// Draft.js as X renders it: blocks of nested spans, hashtags in their own spans, <br> in empty blocks.
function draftEditor(...blocks) {
  return el("div", { contenteditable: "true" },
    el("div", { "data-contents": "true" },
      ...blocks.map((spans) => el("div", { "data-block": "true" },
        el("div", { class: "public-DraftStyleDefault-block" },
          ...(spans.length ? spans.map((s) => el("span", {}, el("span", { "data-text": "true" }, s))) : [el("span", {}, el("br", {}))]))))));
}

test("should read Draft.js blocks as lines, empty blocks as empty lines", () => {
  const map = extract(draftEditor(["Vote ", "#Labour"], [], ["on Thursday!"]));
  assert.equal(map.text, "Vote #Labour\n\non Thursday!");
});

test("should read Lexical paragraphs and their placeholder <br>", () => {
  const editor = el("div", { "data-lexical-editor": "true" },
    el("p", {}, el("span", { "data-lexical-text": "true" }, "Proud Tory member")),
    el("p", {}, el("br", {})),
    el("p", {}, el("span", { "data-lexical-text": "true" }, "since 2010")));
  assert.equal(extract(editor).text, "Proud Tory member\n\nsince 2010");
});

test("should read ProseMirror hard breaks and ignore its trailing break", () => {
  const editor = el("div", { class: "ProseMirror" },
    el("p", {}, "Sign the petition", el("br", {}), "to stop the cuts", el("br", { class: "ProseMirror-trailingBreak" })));
  assert.equal(extract(editor).text, "Sign the petition\nto stop the cuts");
});

test("should read Quill paragraphs and skip source whitespace between blocks", () => {
  const editor = el("div", { class: "ql-editor" }, "\n  ", el("p", {}, "One"), "\n  ", el("p", {}, el("br", {})), "\n", el("p", {}, "Two"), "\n");
  assert.equal(extract(editor).text, "One\n\nTwo");
});

test("should read plain text with <br> lines in a bare contenteditable", () => {
  assert.equal(extract(el("div", {}, "a", el("br", {}), "b", el("br", {}), el("br", {}))).text, "a\nb\n");
});

test("should turn non-breaking spaces into spaces without moving offsets", () => {
  const map = extract(el("p", {}, "Vote\u00a0Labour"));
  assert.deepEqual({ text: map.text, length: map.text.length }, { text: "Vote Labour", length: 11 });
});

test("should use an emoji image's alt text and skip scripts and styles", () => {
  const editor = el("p", {}, "Hi ", el("img", { alt: "\u{1F600}" }), " there", el("style", {}, "p{}"), el("script", {}, "x()"));
  assert.equal(extract(editor).text, "Hi \u{1F600} there");
});

test("should map a finding after emoji to the right text node and offsets", () => {
  const t1 = text("\u{1F5F3}\uFE0F Great day! ");
  const t2 = text("Vote Labour on Thursday");
  const map = extract(el("p", {}, el("span", {}, t1), el("span", {}, el("span", {}, t2))));
  const start = map.text.indexOf("Vote Labour");
  assert.equal(map.text.slice(start, start + 11), "Vote Labour");
  assert.deepEqual(slice(map, start, start + 11), [["setStart", t2.data, 0], ["setEnd", t2.data, 11]]);
});

test("should map a span that crosses nested spans of a rich editor", () => {
  const map = extract(draftEditor(["Proud ", "#Tory", " member today"]));
  const start = map.text.indexOf("Proud");
  const end = map.text.indexOf(" today");
  assert.deepEqual(slice(map, start, end), [["setStart", "Proud ", 0], ["setEnd", " member today", 7]]);
});

test("should map a span that crosses a line break onto text on both sides", () => {
  const map = extract(draftEditor(["stop the"], ["cuts now"]));
  assert.equal(map.text, "stop the\ncuts now");
  assert.deepEqual(slice(map, 5, 13), [["setStart", "stop the", 5], ["setEnd", "cuts now", 4]]);
});

test("should never start or end a range on a synthetic newline", () => {
  const map = extract(draftEditor(["ab"], ["cd"]));
  assert.equal(map.text, "ab\ncd");
  assert.deepEqual(boundary(map, 2, "start"), { node: map.segments[2].node, offset: 0, at: 3 });
  assert.deepEqual(boundary(map, 3, "end"), { node: map.segments[0].node, offset: 2, at: 2 });
  assert.equal(slice(map, 2, 3), null);
});

test("should place boundaries before and after an emoji image", () => {
  const img = el("img", { alt: "\u{1F600}" });
  const map = extract(el("p", {}, "a ", img, " b"));
  assert.deepEqual(slice(map, 2, 4), [["setStartBefore", "IMG", undefined], ["setEndAfter", "IMG", undefined]]);
});

test("should refuse empty and out-of-text ranges", () => {
  const map = extract(el("p", {}, "abc"));
  assert.deepEqual([slice(map, 2, 2), slice(map, 5, 9), slice(map, 0, 3) !== null], [null, null, true]);
});

test("should keep findings before an edit, shift those after it and drop those it touched", () => {
  const oldText = "Vote Labour now. Proud Tory member.";
  const findings = [
    { rule: "a", start: 0, end: 11, match: "Vote Labour" },
    { rule: "b", start: 17, end: 34, match: "Proud Tory member" },
  ];
  const inserted = "Vote Labour now!! Proud Tory member.";
  assert.deepEqual(relocateFindings(findings, oldText, inserted), [
    { rule: "a", start: 0, end: 11, match: "Vote Labour" },
    { rule: "b", start: 18, end: 35, match: "Proud Tory member" },
  ]);
  const touched = "Vote Lab now. Proud Tory member.";
  assert.deepEqual(relocateFindings(findings, oldText, touched), [{ rule: "b", start: 14, end: 31, match: "Proud Tory member" }]);
});

test("should split text into highlight runs covering overlapping findings", () => {
  const runs = highlightRuns("Vote Labour now", [
    { start: 0, end: 11 },
    { start: 5, end: 15 },
  ]);
  assert.deepEqual(runs, [
    { start: 0, end: 5, findings: [0] },
    { start: 5, end: 11, findings: [0, 1] },
    { start: 11, end: 15, findings: [1] },
  ]);
});
