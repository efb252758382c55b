/** Small helpers for the page: elements, dates, announcements, notices, focus. */

import { gettext, interpolate } from "./i18n.js";
import { config, LANG, liveRegion, me, state } from "./state.js";

export const $ = (sel, root = document) => root.querySelector(sel);
export const $$ = (sel, root = document) => [...root.querySelectorAll(sel)];

/** Create an element with attributes (`text` sets textContent, `class` the className). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "text") node.textContent = value;
    else if (key === "class") node.className = value;
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  node.append(...children.filter(Boolean));
  return node;
}

// Times are shown in the person's own time zone (from the profile), as the server does.
function getDateFormat() {
  state.dateFormat ??= new Intl.DateTimeFormat(LANG, {
    day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23",
    ...(config?.timeZone ? { timeZone: config.timeZone } : {}),
  });
  return state.dateFormat;
}

/**
 * A date as the server writes it with Django's "j E Y H:i" (templates/groups/_message.html
 * and thread_list.html): day, the month's name as it stands in a date ("marca", "березня"),
 * year, 24-hour time. Only Intl's parts are taken, not its own order and words ("р. о",
 * "at"), so that a live message reads as it does after a reload.
 */
export function formatDate(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  const part = Object.fromEntries(getDateFormat().formatToParts(date).map(({ type, value }) => [type, value]));
  return `${part.day} ${part.month} ${part.year} ${part.hour}:${part.minute}`;
}

/** crypto.randomUUID needs a secure context; fall back to random bytes elsewhere. */
export function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  return [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** A sentence, then "Reason: …" in the page's language when a reason was given. */
export const withReason = (sentence, reason) =>
  (reason ? `${sentence} ${interpolate(gettext("Reason: %(reason)s"), { reason }, true)}` : sentence);

export function placeholder(text) { return el("p", { class: "placeholder", text }); }

/** Add or remove one id in an element's aria-describedby list. */
export function describe(node, id, add) {
  if (!node) return;
  const ids = (node.getAttribute("aria-describedby") || "").split(/\s+/).filter((x) => x && x !== id);
  if (add) ids.push(id);
  if (ids.length) node.setAttribute("aria-describedby", ids.join(" "));
  else node.removeAttribute("aria-describedby");
}

// --- Announcements and notices ---------------------------------------------------------

/** Say something politely through #live-region (cleared first so repeats are read again). */
export function announce(text) {
  if (!liveRegion || !text) return;
  liveRegion.textContent = "";
  setTimeout(() => { liveRegion.textContent = text; }, 50);
}

export function noticeArea() {
  let area = $("#discussion-notices");
  if (!area) {
    area = el("div", { id: "discussion-notices", class: "discussion-notices" });
    const anchor = $("#connection") || $(".threads-layout") || $("main")?.firstElementChild;
    if (anchor?.id === "connection") anchor.after(area); else if (anchor) anchor.before(area);
    else document.body.prepend(area);
  }
  return area;
}

/** A dismissable notice; `key` replaces an earlier notice with the same key. */
export function showNotice(key, ...content) {
  const area = noticeArea();
  $(`[data-notice="${key}"]`, area)?.remove();
  const dismiss = el("button", { type: "button", class: "notice__dismiss", text: gettext("Dismiss") });
  const notice = el("div", { class: "notice discussion-notice", "data-notice": key },
    el("p", {}, ...content), dismiss);
  dismiss.addEventListener("click", () => notice.remove());
  area.append(notice);
  return notice;
}

export const clearNotice = (key) => $(`#discussion-notices [data-notice="${key}"]`)?.remove();

/** A "Reload the page" button. */
export function reloadButton() {
  const button = el("button", { type: "button", class: "button", text: gettext("Reload the page") });
  button.addEventListener("click", () => location.reload());
  return button;
}

/** The texts of the protocol's error codes, for an error frame without a `detail`. */
const ERRORS = new Map([
  ["rate_limited", gettext("You are sending messages too quickly.")],
  ["slow_mode", gettext("This thread is in slow mode: wait a moment.")],
  ["forbidden", gettext("Your role does not allow this.")],
  ["not_found", gettext("Not found.")],
  ["locked", gettext("The thread is locked.")],
  ["muted", gettext("You are muted in this group.")],
  ["empty", gettext("Write a message first.")],
  ["too_long", gettext("The message is too long.")],
  ["deleted", gettext("The message was deleted.")],
  ["hidden", gettext("The message was hidden by a facilitator.")],
  ["flood", gettext("Too many actions at once. Slow down.")],
]);

/** What an error frame says: the server's sentence, else the code's text, else `fallback`. */
export const errorText = (frame, fallback = gettext("Something went wrong.")) =>
  frame.detail || ERRORS.get(frame.code) || fallback;

export function showError(frame) {
  const text = errorText(frame);
  showNotice("error", text).classList.add("notice--error");
  announce(text);
}

// --- Articles ---------------------------------------------------------------------------

export const isOwn = (article) => Number(article.dataset.author) === me && me !== 0;
export const isGone = (article) => article.classList.contains("message--gone");
export const isHeld = (article) => article.classList.contains("message--held");

/** Run `change`; if it removed or hid the focused control, focus its twin, a sibling
 * control, or the article itself, so keyboard users do not land on <body>. */
export function keepFocus(article, change) {
  const active = document.activeElement;
  if (!active || active === article || !article.contains(active)) { change(); return; }
  const { action, emoji } = active.dataset;
  const wasEditing = Boolean(active.closest(".message__edit"));
  const wasInMenu = Boolean(active.closest(".message__more"));
  change();
  if (active.isConnected && !active.closest("[hidden]")) return;
  const twin = action && $(`[data-action="${action}"]${emoji ? `[data-emoji="${CSS.escape(emoji)}"]` : ""}`, article);
  const menu = $(":scope > .message__more > summary", article);
  const candidates = wasEditing ? [$('[data-action="edit"]', article)]
    : wasInMenu ? [menu, $('[data-action="add-reaction"]', article)]
    : [twin, $('[data-action="add-reaction"]', article), $('[data-action="edit"]', article), menu];
  const target = candidates.find((node) => node && !node.closest("[hidden]"));
  if (target) target.focus();
  else { article.tabIndex = -1; article.focus(); }
}
