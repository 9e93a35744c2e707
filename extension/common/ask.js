/* For extension pages (popup, options): send a message to the background and unwrap its answer. */
(function (root) {
  "use strict";
  async function ask(message) {
    const reply = await chrome.runtime.sendMessage(message);
    if (!reply || !reply.ok) throw new Error((reply && reply.error) || "no answer from the background");
    return reply.value;
  }
  root.Impartial = Object.assign(root.Impartial || {}, { ask });
})(globalThis);
