/** Moderation: facilitators' requests over the socket, the thread page after
 * thread.updated, and what the person concerned is told (hidden, rejected, muted). */

import { $, $$, announce, clearNotice, describe, el, errorText, keepFocus, noticeArea, placeholder,
  reloadButton, showError, showNotice, uuid, withReason } from "./dom.js";
import { gettext, interpolate } from "./i18n.js";
import { closeAutocomplete } from "./mentions.js";
import { HIDE_REASON_MAX } from "./menu.js";
import { setGoneBody } from "./messages.js";
import { isOpen, send } from "./socket.js";
import { config, form, idIn, LANG, state, textarea, threadId, urls } from "./state.js";

const MESSAGE_ACTIONS = new Set(["hide", "unhide"]);
const THREAD_ACTIONS = new Set(["lock", "unlock", "pin", "unpin"]);

// --- Requests over the socket ---------------------------------------------------------------

/**
 * Send a facilitator's frame tagged with a `client_id` (the server echoes it in an error),
 * and mark `control` — a form or a button — as waiting until the resulting event arrives.
 * @param {HTMLElement} control
 * @param {object} frame
 * @returns {boolean} whether the frame went out
 */
function requestModeration(control, frame) {
  const clientId = uuid();
  if (!send({ ...frame, client_id: clientId })) return false;
  control.dataset.request = clientId;
  const buttons = control.matches("button") ? [control] : $$("button", control);
  buttons.forEach((button) => button.setAttribute("aria-disabled", "true"));
  return true;
}

/** The control is no longer waiting for an answer. */
export function releaseRequest(control) {
  delete control.dataset.request;
  const buttons = control.matches("button") ? [control] : $$("button", control);
  buttons.forEach((button) => button.removeAttribute("aria-disabled"));
}

/** Every control still waiting: the socket was lost, or the server refused the flood. */
export const releaseRequests = () => $$("[data-request]").forEach(releaseRequest);

/** An error for a moderation request of ours: shown next to its form, or as a notice. */
export function onModerationError(frame) {
  const id = typeof frame.client_id === "string" && /^[\w-]+$/.test(frame.client_id) ? frame.client_id : "";
  const control = id && $(`[data-request="${id}"]`);
  if (!control) return false;
  releaseRequest(control);
  const text = errorText(frame);
  if (control.matches("form")) { showFormError(control, text); announce(text); }
  else showError(frame);
  return true;
}

/** An error message inside a (hide) form, tied to its reason field. */
function showFormError(formEl, text) {
  const input = formEl.elements.namedItem("reason");
  let note = $(".moderate-form__error", formEl);
  if (!note) {
    note = el("p", { class: "moderate-form__error" });
    if (input?.id) note.id = `${input.id}-error`;
    formEl.append(note);
  }
  note.textContent = text;
  if (input) {
    input.setAttribute("aria-invalid", "true");
    if (note.id) input.setAttribute("aria-describedby", note.id);
  }
}

function clearFormError(formEl) {
  $(".moderate-form__error", formEl)?.remove();
  const input = formEl.elements.namedItem("reason");
  input?.removeAttribute("aria-invalid");
  input?.removeAttribute("aria-describedby");
}

/**
 * Hide / "Show again" forms inside the messages (server-rendered or built here): send the
 * socket frame when connected; otherwise the form posts to its moderate URL as it would
 * without JS.
 * @param {SubmitEvent} event
 */
export function onMessagesSubmit(event) {
  const formEl = event.target;
  const action = formEl.elements?.namedItem("action")?.value;
  const article = formEl.closest("article.message");
  const moderates = idIn(urls.messageModerate, formEl.getAttribute("action")) !== null || formEl.closest(".message__more");
  if (!article || !moderates || !MESSAGE_ACTIONS.has(action)) return;
  const reasonInput = formEl.elements.namedItem("reason");
  const reason = reasonInput?.value.trim() ?? "";
  clearFormError(formEl);
  if (action === "hide" && !reason) {
    event.preventDefault();
    const text = gettext("Give a reason.");
    showFormError(formEl, text);
    announce(text);
    reasonInput?.focus();
    return;
  }
  if (!isOpen()) return;  // the plain POST still works
  event.preventDefault();
  if (formEl.dataset.request) return;  // already sent, waiting for the result
  const id = Number(article.dataset.id);
  const frame = action === "hide" ? { type: "message.hide", id, reason: reason.slice(0, HIDE_REASON_MAX) }
    : { type: "message.unhide", id };
  requestModeration(formEl, frame);
}

/**
 * Lock/unlock and pin/unpin buttons of the thread's moderation bar: socket frames when
 * connected, the plain POST otherwise. Slow mode has no frame and always posts.
 * @param {SubmitEvent} event
 */
export function onModerationBarSubmit(event) {
  const button = event.submitter;
  const action = button?.name === "action" ? button.value : "";
  if (!THREAD_ACTIONS.has(action) || !isOpen()) return;
  const thread = idIn(urls.threadModerate, event.target.getAttribute("action")) ?? threadId;
  if (!thread) return;
  event.preventDefault();
  if (button.dataset.request) return;
  requestModeration(button, { type: `thread.${action}`, thread });
}

// --- The thread page after thread.updated ----------------------------------------------------

const TAG_ORDER = ["pinned", "locked", "slow"];
const TAG_TEXT = { pinned: gettext("pinned"), locked: gettext("locked") };
const TAG_MATCHES = {
  pinned: (text) => [TAG_TEXT.pinned, "pinned"].includes(text),
  locked: (text) => [TAG_TEXT.locked, "locked"].includes(text),
  slow: (text) => /\d/.test(text),
};
const BUTTON_TEXT = { lock: gettext("Lock"), unlock: gettext("Unlock"), pin: gettext("Pin"), unpin: gettext("Unpin") };

export function onThreadUpdated({ thread }) {
  if (thread.id !== threadId) return;
  const title = $("#thread-title");
  if (title) title.textContent = thread.title;
  showLocked(thread.locked);
  syncThreadTags(thread);
  syncThreadButtons(thread);
  setSlowModeHint(thread.slow_mode);
}

/** The header tag of one kind: ours carry data-tag; the server's are recognised by text. */
function findTag(meta, kind) {
  const tags = $$(":scope > .tag", meta);
  return tags.find((tag) => tag.dataset.tag === kind) ||
    tags.find((tag) => !tag.dataset.tag && TAG_MATCHES[kind](tag.textContent.trim().toLowerCase()));
}

/** Show (with `text`) or remove (`text` falsy) the header tag of one kind, in a stable order. */
function setTag(meta, kind, text) {
  let tag = findTag(meta, kind);
  if (!text) { tag?.remove(); return; }
  if (!tag) {
    tag = el("span", { class: "tag", "data-tag": kind });
    const later = TAG_ORDER.slice(TAG_ORDER.indexOf(kind) + 1).map((k) => findTag(meta, k)).find(Boolean);
    const before = later || $("#presence", meta);
    if (before) before.before(tag, " "); else meta.append(" ", tag);
  }
  tag.textContent = text;
}

function syncThreadTags(thread) {
  const meta = $(".thread__head .meta");
  if (!meta) return;
  setTag(meta, "pinned", thread.pinned && TAG_TEXT.pinned);
  setTag(meta, "locked", thread.locked && TAG_TEXT.locked);
  setTag(meta, "slow", thread.slow_mode > 0 &&
    interpolate(gettext("slow mode: %(seconds)s s"), { seconds: thread.slow_mode }, true));
}

/** Lock ↔ Unlock, Pin ↔ Unpin; a button waiting for this very change is released. */
function syncThreadButtons(thread) {
  for (const button of $$('.moderation-bar button[name="action"]')) {
    const pair = ["lock", "unlock"].includes(button.value) ? [thread.locked, "unlock", "lock"]
      : ["pin", "unpin"].includes(button.value) ? [thread.pinned, "unpin", "pin"] : null;
    if (!pair) continue;
    const [on, undo, doIt] = pair;
    const value = on ? undo : doIt;
    if (button.value === value) continue;
    button.value = value;
    button.textContent = BUTTON_TEXT[value];
    releaseRequest(button);
  }
}

/** Locked: hide the reply form and show the locked notice; unlocked: the reverse. A page
 * rendered locked has no reply form: then a reload is offered to those who may post. */
function showLocked(locked) {
  if (form) form.hidden = locked;
  const staticNotice = $(".thread > p.notice");  // rendered by the server on a locked thread
  if (staticNotice) staticNotice.hidden = !locked;
  if (locked && !staticNotice) showNotice("locked", gettext("This thread is locked: no new messages."));
  else clearNotice("locked");
  if (!locked && !form && config.canPost && staticNotice) {
    showNotice("unlocked", gettext("Reload the page to see everything."), " ", reloadButton());
  } else if (locked) clearNotice("unlocked");
}

/** "Slow mode: N s between messages" inside the reply form, read with the textarea. */
export function setSlowModeHint(seconds) {
  let hint = $("#slow-mode-hint");
  if (!(seconds > 0) || !form) { if (hint) { describe(textarea, hint.id, false); hint.remove(); } return; }
  if (!hint) {
    hint = el("p", { id: "slow-mode-hint", class: "slow-mode-hint" });
    const submit = $('button[type="submit"]', form);
    if (submit) submit.before(hint); else form.append(hint);
    describe(textarea, hint.id, true);
  }
  hint.textContent = interpolate(gettext("Slow mode: %(seconds)s s between messages"), { seconds }, true);
}

// --- Frames about me -----------------------------------------------------------------------

/** `moderation` frames are sent only to the person concerned (on every socket they have open). */
export function onModeration(frame) {
  if (frame.group !== undefined && frame.group !== null && Number.isInteger(config.groupId) &&
      frame.group !== config.groupId) return;
  switch (frame.action) {
    case "hidden":
      return onMyMessageModerated(frame, "hidden", withReason(gettext("Your message was hidden by a facilitator."), frame.reason));
    case "deleted":
      return onMyMessageModerated(frame, "deleted", withReason(gettext("Your message was deleted by a facilitator."), frame.reason));
    case "rejected": return onMyMessageRejected(frame);
    case "muted": return applyMute(Date.parse(frame.until), frame.reason || "", true);
    case "unmuted": return endMute(true);
  }
}

/**
 * My message was hidden or deleted: remember the reason for its placeholder (the public
 * event may come before or after this frame) and say so; a visible notice as well when the
 * message is not on this page.
 */
function onMyMessageModerated({ message: id, reason }, action, text) {
  state.modReasons.set(id, { action, reason: reason || "" });
  const article = document.getElementById(`m${id}`);
  if (article?.dataset.state === action) setGoneBody(article, action);
  if (!article) showNotice(`moderation-${id}`, text);
  announce(text);
}

/** My held message was rejected: its article says why and can be dismissed. */
function onMyMessageRejected({ message: id, reason }) {
  const text = withReason(gettext("Your message was not published."), reason);
  const article = document.getElementById(`m${id}`);
  if (article) {
    keepFocus(article, () => {
      article.dataset.state = "rejected";
      article.classList.remove("message--held", "message--pending");
      article.classList.add("message--gone", "message--rejected");
      $$(".message__meta .tag, .message__actions, .message__more, .reactions", article).forEach((n) => n.remove());
      $(".message__body", article).replaceChildren(placeholder(text));
      article.append(el("div", { class: "message__actions" },
        el("button", { type: "button", class: "button--small", "data-action": "discard", text: gettext("Dismiss") })));
    });
  } else showNotice(`moderation-${id}`, text);
  announce(text);
}

// --- Being muted ---------------------------------------------------------------------------

/** The form I write in: the reply form, or the new-discussion form of the thread list. */
const composer = () => form || $("#new-thread-heading")?.closest("section")?.querySelector("form") || null;

function formatUntil(ms) {
  const options = { hour: "numeric", minute: "2-digit", ...(config.timeZone ? { timeZone: config.timeZone } : {}) };
  const day = (d) => new Intl.DateTimeFormat("en", { dateStyle: "short", timeZone: options.timeZone }).format(d);
  if (day(new Date(ms)) !== day(new Date())) Object.assign(options, { day: "numeric", month: "long" });
  return new Intl.DateTimeFormat(document.documentElement.lang || LANG, options).format(new Date(ms));
}

/**
 * Muted until `until` (ms): a persistent notice above the form, counting down each minute,
 * and the form's fields disabled until then.
 * @param {number} until
 * @param {string} reason
 * @param {boolean} say announce it (not when an error frame already said so)
 */
export function applyMute(until, reason, say) {
  const { mute } = state;
  if (!Number.isFinite(until) || until <= Date.now()) return;
  const changed = Math.abs(until - mute.until) > 1000 || reason !== mute.reason;
  Object.assign(mute, { until, reason });
  setComposerDisabled(true);
  renderMute();
  if (say && changed) announce($("#mute-notice")?.textContent);
}

function renderMute() {
  const { mute } = state;
  clearTimeout(mute.timer);
  const left = mute.until - Date.now();
  if (left <= 0) { endMute(true); return; }
  const minutes = Math.ceil(left / 60_000);
  let notice = $("#mute-notice");
  if (!notice) {
    notice = el("p", { id: "mute-notice", class: "mute-notice" });
    const target = composer();
    if (target) target.before(notice); else noticeArea().append(notice);
  }
  const until = interpolate(gettext("You are muted in this group until %(time)s (%(minutes)s min left)."),
    { time: formatUntil(mute.until), minutes }, true);
  notice.textContent = withReason(until, mute.reason);
  mute.timer = setTimeout(renderMute, left - (minutes - 1) * 60_000); // when the minute count drops
}

/** The mute is over (time passed, or a facilitator lifted it). */
function endMute(say) {
  const { mute } = state;
  const wasMuted = mute.until > 0;
  clearTimeout(mute.timer);
  Object.assign(mute, { until: 0, reason: "", timer: 0 });
  $("#mute-notice")?.remove();
  setComposerDisabled(false);
  if (say && wasMuted) announce(gettext("You can write again."));
}

/** Disable (or re-enable) the fields and buttons of the composer; only those we disabled
 * are enabled again. */
function setComposerDisabled(disabled) {
  const target = composer();
  if (!target) return;
  for (const control of $$("textarea, input:not([type=hidden]), button", target)) {
    if (disabled && !control.disabled) { control.disabled = true; control.dataset.muted = ""; }
    else if (!disabled && "muted" in control.dataset) { control.disabled = false; delete control.dataset.muted; }
  }
  if (disabled && target === form) closeAutocomplete();
}
