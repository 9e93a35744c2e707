// A tiny stand-in for DOM nodes: just what common/textmap.js reads.
"use strict";

function text(data) {
  return { nodeType: 3, nodeName: "#text", data, childNodes: [] };
}

function el(name, attrs, ...children) {
  const node = {
    nodeType: 1,
    nodeName: name.toUpperCase(),
    attrs: attrs || {},
    childNodes: children.map((c) => (typeof c === "string" ? text(c) : c)),
    getAttribute(key) {
      return key in this.attrs ? this.attrs[key] : null;
    },
  };
  return node;
}

/** A fake Range that records the boundary points it was given. */
function recordingRange() {
  const calls = [];
  return {
    calls,
    setStart: (node, offset) => calls.push(["setStart", node, offset]),
    setEnd: (node, offset) => calls.push(["setEnd", node, offset]),
    setStartBefore: (node) => calls.push(["setStartBefore", node]),
    setEndAfter: (node) => calls.push(["setEndAfter", node]),
  };
}

module.exports = { text, el, recordingRange };
