/**
 * GWD discussions, the entry module of the thread list and thread pages. It wires the
 * modules together: which frames and events go where, and the page's event listeners.
 * The delivery rules are in socket.js; all mutable state is in state.js. The page must
 * stay within its Content-Security-Policy: no inline styles, no innerHTML except the
 * server-sanitised `message.html`.
 */

import { setupAttachments } from "./attachments.js";
import { cancelEdit, deleteMessage, onDocumentClick, onDocumentKeydown, openEditor, react, releaseEditors,
  togglePopover } from "./actions.js";
import { discardPending, markFailed, onAck, onReplyInput, onReplyKeydown, onSubmit, resendPending,
  retryPending } from "./composer.js";
import { $, showError } from "./dom.js";
import { onMention, setupAutocomplete } from "./mentions.js";
import { MESSAGE_EVENTS, seedFromPage } from "./messages.js";
import { applyMute, onMessagesSubmit, onModeration, onModerationBarSubmit, onModerationError, onThreadUpdated,
  releaseRequests, setSlowModeHint } from "./moderation.js";
import { POLL_EVENTS, setupPolls } from "./polls.js";
import { clearTypists, onPresence, onTyping, sendRead } from "./presence.js";
import { onReplyPress, setupReplies, startReply } from "./replies.js";
import { connect, setConnection, setHooks } from "./socket.js";
import { config, form, messagesEl, state, textarea, threadId, threadListPage } from "./state.js";
import { LIST_EVENTS } from "./threads.js";

/** The bell in the header (static/js/bell.js) shows the count this socket hears. */
function onNotification(frame) {
  document.dispatchEvent(new CustomEvent("gwd:notification", { detail: frame }));
}

function onError(frame) {
  if (frame.code === "muted" && frame.retry_after > 0) {
    applyMute(Date.now() + frame.retry_after * 1000, state.mute.reason, false);
  }
  if (frame.client_id && markFailed(frame.client_id, frame)) return;
  if (onModerationError(frame)) return;
  if (frame.code === "flood") releaseRequests();
  releaseEditors();
  showError(frame);
}

/** Frames without a number, by type (the numbered events are below). */
const FRAMES = new Map([
  ["notification", onNotification],
  ["message.ack", onAck],
  ["error", onError],
  ["presence", onPresence],
  ["typing", onTyping],
  ["mention", onMention],
  ["moderation", onModeration],
]);

const THREAD_EVENTS = new Map([...MESSAGE_EVENTS, ["thread.updated", onThreadUpdated], ...POLL_EVENTS]);

/** The buttons inside messages, by their data-action. */
const MESSAGE_CONTROLS = new Map([
  ["edit", openEditor],
  ["cancel", cancelEdit],
  ["delete", deleteMessage],
  ["add-reaction", (article, button) => togglePopover(button)],
  ["react", react],
  ["retry", retryPending],
  ["discard", discardPending],
  ["reply", startReply],
]);

/** One click handler for every message control (event delegation). */
function onMessagesClick(event) {
  const button = event.target.closest("button[data-action], a[data-action]");
  const article = button?.closest("article");
  if (!article) return;
  if (button.tagName === "A") event.preventDefault(); // Reply: the plain form's link
  MESSAGE_CONTROLS.get(button.dataset.action)?.(article, button);
}

function start() {
  setHooks({
    frames: FRAMES,
    events: messagesEl ? THREAD_EVENTS : threadListPage ? LIST_EVENTS : new Map(),
    opened: resendPending,
    closed() {
      releaseRequests(); // the replay after reconnecting shows what happened
      clearTypists();
    },
  });
  if (messagesEl) {
    setupReplies();
    setupPolls();
    seedFromPage();
    messagesEl.addEventListener("click", onMessagesClick);
    messagesEl.addEventListener("pointerdown", onReplyPress);
    messagesEl.addEventListener("submit", onMessagesSubmit);
    $(".moderation-bar")?.addEventListener("submit", onModerationBarSubmit);
    if (Number(config.slowMode) > 0) setSlowModeHint(Number(config.slowMode));
    document.addEventListener("keydown", onDocumentKeydown);
    document.addEventListener("click", onDocumentClick);
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") sendRead();
    });
    if (form && textarea && threadId) {
      form.addEventListener("submit", onSubmit);
      textarea.addEventListener("keydown", onReplyKeydown);
      textarea.addEventListener("input", onReplyInput);
      setupAutocomplete();
      setupAttachments();
      if (!textarea.hasAttribute("aria-describedby") && $("#format-help")) {
        textarea.setAttribute("aria-describedby", "format-help");
      }
    }
  }
  if (config.mutedUntil) applyMute(Date.parse(config.mutedUntil), config.muteReason || "", false);
  window.addEventListener("online", () => { if (!state.socket && state.connection !== "gone") connect(); });
  setConnection("connecting");
  connect();
}

if (config && "WebSocket" in window) start();
