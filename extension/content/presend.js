/*
 * The pre-send check: when the user sends a post (the site's send button, Ctrl/Cmd+Enter
 * or a form submit) while it still carries an unacknowledged medium or high warning, the
 * event is stopped once and the user is asked; "Post anyway" sends it. Only the user's own
 * (trusted) events are stopped, so our replay and the site's own scripts pass through.
 */
(function (root) {
  "use strict";
  const I = root.Impartial;

  function installPresend(ctx, signal) {
    async function guard(watcher, need, proceed, anchor) {
      if (need === "stale") need = await watcher.confirmationNow();
      if (!need) {
        proceed();
        return;
      }
      const rect = anchor || watcher.editor.getBoundingClientRect();
      if (await watcher.ui.ask(need, rect)) {
        watcher.acknowledge();
        proceed();
      } else {
        watcher.editor.focus({ preventScroll: true });
      }
    }

    function stop(event) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }

    function onClick(event) {
      if (!event.isTrusted || !ctx.preSendCheck) return;
      const path = event.composedPath();
      // A form may hold several watched editors (Reddit's title and body): ask about any of them.
      for (const watcher of ctx.watchers.values()) {
        const button = watcher.submitIn(path);
        if (!button) continue;
        const need = watcher.needsConfirmation();
        if (!need) continue;
        stop(event);
        guard(watcher, need, () => button.click(), button.getBoundingClientRect());
        return;
      }
    }

    function onKeydown(event) {
      if (!event.isTrusted || !ctx.preSendCheck || event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) return;
      const target = I.dom.eventTarget(event);
      const watcher = [...ctx.watchers.values()].find((w) => w.editor === target || w.editor.contains(target));
      if (!watcher) return;
      const need = watcher.needsConfirmation();
      if (!need) return;
      stop(event);
      const init = { key: "Enter", code: "Enter", keyCode: 13, which: 13, ctrlKey: event.ctrlKey, metaKey: event.metaKey, bubbles: true, cancelable: true, composed: true };
      guard(watcher, need, () => {
        const button = watcher.findSubmit();
        if (button) button.click();
        else watcher.editor.dispatchEvent(new KeyboardEvent("keydown", init));
      });
    }

    function onSubmit(event) {
      if (!event.isTrusted || !ctx.preSendCheck) return;
      const form = I.dom.eventTarget(event);
      const watcher = [...ctx.watchers.values()].find((w) => form instanceof Element && form.contains(w.editor));
      if (!watcher) return;
      const need = watcher.needsConfirmation();
      if (!need) return;
      stop(event);
      const submitter = event.submitter || null;
      guard(watcher, need, () => form.requestSubmit(submitter));
    }

    const opts = { capture: true, signal };
    addEventListener("click", onClick, opts);
    addEventListener("keydown", onKeydown, opts);
    addEventListener("submit", onSubmit, opts);
  }

  I.installPresend = installPresend;
})(globalThis);
