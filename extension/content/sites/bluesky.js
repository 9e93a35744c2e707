/*
 * Bluesky (bluesky-social/social-app, open source): the composer's TipTap editor, used alike for
 * posts, replies and quote posts, and the chat's textarea.
 * Evidence, checked 2026-12-01 against social-app's source: src/view/com/composer/text-input/
 * TextInput.web.tsx (TipTap with Document, Paragraph, Text, History, HardBreak; Ctrl/Cmd+Enter
 * publishes), the composer's testIDs composePostView and composerPublishBtn, and
 * src/screens/Messages/components/MessageInput.web.tsx (a TextareaAutosize, placeholder
 * "Write a message", a bare Enter sends, the button's label is "Send message").
 */
(function (root) {
  "use strict";
  const adapters = ((root.Impartial = root.Impartial || {}).adapters = root.Impartial.adapters || {});
  const CHAT = 'textarea[placeholder="Write a message"]';
  adapters.bluesky = {
    id: "bluesky",
    checked: "2026-12-01",
    testPage: "tests/e2e/sites/bluesky.html",
    composers: ["bluesky.post", "bluesky.reply", "bluesky.quote", "bluesky.dm"],
    editors: `.ProseMirror[contenteditable="true"], ${CHAT}`,
    submit: '[data-testid="composerPublishBtn"], [role="button"][aria-label="Send message"]',
    enterSends: (editor) => editor.matches(CHAT),
    container: (editor) => editor.closest('[data-testid="composePostView"], [role="dialog"], [role="main"]'),
  };
})(globalThis);
