/** The reply form: optimistic sending with a client_id, acks, failures and retries. */

import { attachmentFields, renderPendingAttachments, takeAttachments } from "./attachments.js";
import { $, announce, el, errorText, formatDate, uuid } from "./dom.js";
import { gettext } from "./i18n.js";
import { closeAutocomplete, pickMention, setActive, updateAutocomplete } from "./mentions.js";
import { markHeld } from "./messages.js";
import { sendTyping } from "./presence.js";
import { cancelReply, pendingQuote, replyFields } from "./replies.js";
import { config, form, me, messagesEl, state, textarea, threadId } from "./state.js";
import { send } from "./socket.js";

const AUTO_RETRY = new Set(["rate_limited", "slow_mode", "flood"]);

export function onSubmit(event) {
  if (state.connection === "refused" || state.connection === "gone") {   // the plain form still works
    const hidden = form.elements.namedItem("client_id");
    if (hidden && !hidden.value) hidden.value = uuid();
    return;
  }
  event.preventDefault();
  const body = textarea.value;
  if (!body.trim()) { textarea.focus(); return; }
  const carried = attachmentFields();
  if (carried === null) {  // a file is still on its way, or was refused
    announce(gettext("Wait until the files are uploaded, or remove those that failed."));
    return;
  }
  const clientId = uuid();
  const reply = { ...replyFields(), ...carried };
  const article = renderPending(clientId, body, pendingQuote(reply, state.reply || {}), takeAttachments());
  const entry = { clientId, body, reply, state: "queued", article, timer: 0 };
  state.pending.set(clientId, entry);
  messagesEl.append(article);
  $("#no-messages")?.remove();
  article.scrollIntoView({ block: "nearest" });
  textarea.value = "";
  cancelReply();
  closeAutocomplete();
  transmit(entry);
}

function renderPending(clientId, body, quote, carried) {
  const article = el("article", { class: "message message--own message--pending", id: `p-${clientId}`,
    "data-client-id": clientId, "data-author": me, "aria-labelledby": `p-${clientId}-meta` });
  const now = new Date();
  article.append(
    el("header", { class: "message__meta", id: `p-${clientId}-meta` },
      el("span", { class: "message__author", text: config.user.name }), " ",
      el("time", { datetime: now.toISOString(), text: formatDate(now.toISOString()) }), " ",
      el("span", { class: "message__status", text: gettext("Sending…") })),
    quote,
    el("div", { class: "message__body message__body--plain" }, el("p", { text: body })),
    renderPendingAttachments(carried));
  return article;
}

/** Send (or re-send, same client_id) a pending message; queued until the socket opens. */
function transmit(entry) {
  clearTimeout(entry.timer);
  setPendingStatus(entry, gettext("Sending…"), false);
  entry.state = send({ type: "message.send", thread: threadId, body: entry.body, client_id: entry.clientId,
    ...entry.reply })
    ? "sent" : "queued";
}

/** The socket (re)opened: send again what has not been acknowledged, with the same ids. */
export function resendPending() {
  for (const entry of state.pending.values()) if (entry.state !== "failed") transmit(entry);
}

function setPendingStatus(entry, text, failed) {
  const { article } = entry;
  article.classList.toggle("message--failed", failed);
  $(".message__status", article).textContent = text;
  $(".message__retry", article)?.remove();
}

export function onAck({ client_id: clientId, id, held }) {
  const entry = state.pending.get(clientId);
  if (!entry) return;
  state.pending.delete(clientId);
  clearTimeout(entry.timer);
  if (held) {          // kept for a facilitator's review: no message.new will follow
    markHeld(entry.article, id);
    announce(gettext("waiting for a facilitator's review"));
    return;
  }
  const real = document.getElementById(`m${id}`);
  if (real && real !== entry.article) { entry.article.remove(); }
  else if (entry.article.isConnected && entry.article.classList.contains("message--pending")) {
    entry.article.id = `m${id}`;          // message.new will fill it in
    entry.article.dataset.id = id;
    setPendingStatus(entry, gettext("Reply sent"), false);
  }
  announce(gettext("Reply sent"));
}

/** The error frame about one of my sends: retry by itself after a pause, or offer Retry. */
export function markFailed(clientId, frame) {
  const entry = state.pending.get(clientId);
  if (!entry) return false;
  const detail = errorText(frame, gettext("Not sent."));
  entry.state = "failed";
  if (AUTO_RETRY.has(frame.code) && frame.retry_after) {
    setPendingStatus(entry, `${gettext("Send failed, retrying…")} ${detail}`, false);
    entry.timer = setTimeout(() => transmit(entry), frame.retry_after * 1000);
    return true;
  }
  setPendingStatus(entry, detail, true);
  entry.article.append(el("div", { class: "message__actions message__retry" },
    el("button", { type: "button", class: "button--small", "data-action": "retry", text: gettext("Retry") }),
    el("button", { type: "button", class: "button--small", "data-action": "discard", text: gettext("Discard") })));
  announce(detail);
  return true;
}

export function retryPending(article) {
  const entry = state.pending.get(article.dataset.clientId);
  if (entry) transmit(entry);
}

/** Drop a failed send, or the notice of a rejected message, and go back to the form. */
export function discardPending(article) {
  clearTimeout(state.pending.get(article.dataset.clientId)?.timer);
  state.pending.delete(article.dataset.clientId);
  article.remove();
  textarea?.focus();
}

export function onReplyInput() {
  sendTyping();
  updateAutocomplete();
}

export function onReplyKeydown(event) {
  if (event.isComposing) return;  // an IME is composing: Enter belongs to it
  const { ac } = state;
  const open = ac.list && !ac.list.hidden && ac.items.length;
  if (open) {
    const keys = { ArrowDown: () => setActive(ac.active + 1), ArrowUp: () => setActive(ac.active - 1),
      Enter: () => pickMention(ac.active), Tab: () => pickMention(ac.active), Escape: closeAutocomplete };
    if (keys[event.key] && !(event.key === "Enter" && event.shiftKey)) {
      event.preventDefault();
      keys[event.key]();
      return;
    }
  }
  if (event.key === "Enter" && !event.shiftKey && !event.ctrlKey && !event.altKey && !event.metaKey && !event.isComposing) {
    event.preventDefault();
    form.requestSubmit();
  }
}
