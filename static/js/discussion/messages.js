/** The messages of the thread page: rendering them, and the events that change them. */

import { closeEditor } from "./actions.js";
import { setAttachments } from "./attachments.js";
import { $, $$, announce, el, formatDate, isGone, isHeld, isOwn, keepFocus, placeholder, withReason } from "./dom.js";
import { gettext, interpolate, ngettext } from "./i18n.js";
import { adoptServerMenu, refreshMenu } from "./menu.js";
import { scheduleRead, typingDone } from "./presence.js";
import { canReply, originalGone, renderReplyLink, setReplyQuote } from "./replies.js";
import { config, me, messagesEl, state, threadId, urlFor, urls } from "./state.js";

/** "visible" | "hidden" | "deleted" | "held" (waiting for review) of a message payload. */
const stateOf = (m) => (m.deleted ? "deleted" : m.hidden ? "hidden" : m.held ? "held" : "visible");

/** The state of a server-rendered article; a gone one is hidden if it shows a facilitator's
 * control or text for hidden messages, deleted otherwise (only facilitators can tell). */
function inferState(article) {
  if (isHeld(article)) return "held";
  if (!isGone(article)) return "visible";
  const hiddenSigns = $(".hidden-original", article) || unhideForm(article) ||
    $(".placeholder", article)?.textContent.trim().startsWith(gettext("This message was hidden by a facilitator."));
  return hiddenSigns ? "hidden" : "deleted";
}

const unhideForm = (root) => $$("form", root).find((f) => f.elements.namedItem("action")?.value === "unhide");

/** An <article> shaped like templates/groups/_message.html for a `message` payload. */
function renderMessage(m) {
  const gone = m.deleted || m.hidden;
  const article = el("article", {
    class: `message${gone ? " message--gone" : ""}${m.author?.id === me ? " message--own" : ""}`,
    id: `m${m.id}`, "data-id": m.id, "data-seq": m.seq, "data-author": m.author?.id ?? "",
    "aria-labelledby": `m${m.id}-meta`,
  });
  const time = el("time", { datetime: m.created, text: formatDate(m.created) });
  const institution = m.author?.institution ? el("span", { class: "message__institution", text: m.author.institution }) : "";
  const header = el("header", { class: "message__meta", id: `m${m.id}-meta` },
    el("span", { class: "message__author", text: m.author?.name ?? gettext("Former member") }), " ", institution, " ", time);
  article.append(header, el("div", { class: "message__body" }));
  setReplyQuote(article, m.reply_to);
  fillMessage(article, m);
  return article;
}

/** Body, edited marker, reactions, own controls and menu of an article from a payload. */
function fillMessage(article, m) {
  if (m.author) state.names.set(m.author.id, m.author.name);
  state.bodies.set(m.id, m.body);
  const gone = m.deleted || m.hidden;
  article.classList.toggle("message--gone", gone);
  article.dataset.seq = m.seq;
  if (gone) setGoneBody(article, stateOf(m));
  else {
    article.dataset.state = stateOf(m);
    $(".message__body", article).innerHTML = m.html; // sanitised on the server (nh3 allow-list)
  }
  setAttachments(article, m);
  const header = $(".message__meta", article);
  if (m.edited && !$(".message__edited", header)) {
    header.append(" ", el("span", { class: "message__edited", text: gettext("(edited)") }));
    if (config.canModerate) {
      header.append(" ", el("a", { href: urlFor(urls.messageHistory, m.id), text: gettext("history") }));
    }
  }
  setReactions(m);
  decorate(article);
  refreshMenu(article);
}

/**
 * Show the placeholder of a hidden or deleted message and record the state. On the author's
 * own message the facilitator's reason is added when known; a placeholder already showing
 * this state (perhaps with the server's reason) is kept.
 * @param {HTMLElement} article
 * @param {"hidden" | "deleted"} gone
 */
export function setGoneBody(article, gone) {
  const id = Number(article.dataset.id);
  const body = $(".message__body", article);
  const known = state.modReasons.get(id);
  const reason = isOwn(article) && known?.action === gone ? known.reason : "";
  const unchanged = article.dataset.state === gone && $(".placeholder", body);
  article.dataset.state = gone;
  article.classList.add("message--gone");
  if (unchanged && !reason) return;
  const text = gone === "deleted" ? gettext("This message was deleted.") : gettext("This message was hidden by a facilitator.");
  body.replaceChildren(placeholder(withReason(text, reason)));
}

function setReactions(m) {
  state.reactionState.set(m.id, Object.fromEntries(Object.entries(m.reactions || {})
    .map(([emoji, users]) => [emoji, { count: users.length, mine: users.includes(me) }])));
}

/** Add the reaction bar and Edit/Delete buttons (also to server-rendered articles). */
function decorate(article) {
  const id = Number(article.dataset.id);
  if (!state.reactionState.has(id)) state.reactionState.set(id, readServerReactions(article));
  keepFocus(article, () => {
    $$(".reactions, .message__actions, .message__reply", article).forEach((node) => node.remove());
    if (isGone(article) || isHeld(article)) return;
    const menu = $(":scope > .message__more", article);  // the menu stays last
    const add = (node) => (menu ? menu.before(node) : article.append(node));
    const bar = renderReactions(id);
    if (bar) add(bar);
    // Reply, then Edit and Delete on one's own: one row of the message's own actions.
    const reply = canReply() && !article.classList.contains("message--pending") ? renderReplyLink(article) : null;
    if (!reply && !isOwn(article)) return;
    const actions = isOwn(article) ? renderOwnActions() : el("div", { class: "message__actions" });
    if (reply) actions.prepend(reply);
    actions.hidden = Boolean($(".message__edit", article)); // an open editor keeps them hidden
    add(actions);
  });
}

/** Reactions of a server-rendered article: counts from the list; `data-users` if present. */
function readServerReactions(article) {
  const reactions = {};
  for (const item of $$(".reactions li", article)) {
    const emoji = $("[aria-hidden]", item)?.textContent.trim();
    if (!emoji) continue;
    const users = (item.dataset.users || "").split(",").filter(Boolean).map(Number);
    const count = users.length || parseInt(item.textContent.replace(emoji, ""), 10) || 0;
    reactions[emoji] = { count, mine: users.includes(me) };
  }
  return reactions;
}

const reactWith = (emoji) => interpolate(gettext("React with %(emoji)s"), { emoji }, true);

function renderReactions(id) {
  const reactions = Object.entries(state.reactionState.get(id) || {}).filter(([, r]) => r.count > 0);
  if (!config.canPost) {
    if (!reactions.length) return null;
    return el("ul", { class: "reactions", "aria-label": gettext("Reactions") }, ...reactions.map(([emoji, r]) =>
      el("li", {}, el("span", { "aria-hidden": "true", text: emoji }), ` ${r.count}`)));
  }
  const bar = el("div", { class: "reactions", role: "group", "aria-label": gettext("Reactions") });
  for (const [emoji, r] of reactions) {
    // The name begins with what the button shows (WCAG 2.5.3), then says what it does.
    bar.append(el("button", { type: "button", class: "reaction", "data-action": "react", "data-emoji": emoji,
      "aria-pressed": String(r.mine) }, `${emoji} ${r.count}`,
    el("span", { class: "visually-hidden", text: ` — ${reactWith(emoji)}` })));
  }
  const popoverId = `m${id}-emoji`;
  const addReaction = gettext("Add reaction");
  bar.append(el("button", { type: "button", class: "reaction reaction--add", "data-action": "add-reaction",
    "aria-expanded": "false", "aria-controls": popoverId, "aria-label": addReaction, text: "+" }));
  const popover = el("div", { class: "emoji-popover", id: popoverId, role: "group", "aria-label": addReaction, hidden: true });
  for (const emoji of config.reactions) {
    popover.append(el("button", { type: "button", class: "reaction", "data-action": "react", "data-emoji": emoji,
      "aria-label": reactWith(emoji), text: emoji }));
  }
  bar.append(popover);
  return bar;
}

function renderOwnActions() {
  const actions = el("div", { class: "message__actions" });
  if (config.canPost) actions.append(el("button", { type: "button", class: "button--small", "data-action": "edit", text: gettext("Edit") }));
  actions.append(el("button", { type: "button", class: "button--small", "data-action": "delete", text: gettext("Delete") }));
  return actions;
}

/** Put a new article after the last confirmed message, before any pending or held ones. */
function insertArticle(article) {
  $("#no-messages")?.remove();
  const firstPending = $(".message--pending, .message--held", messagesEl);
  if (firstPending) firstPending.before(article); else messagesEl.append(article);
}

/** Mark my pending article as held for review (the ack said `held`). */
export function markHeld(article, id) {
  article.id = `m${id}`;
  article.dataset.id = id;
  article.dataset.state = "held";
  article.classList.remove("message--pending", "message--failed");
  article.classList.add("message--held");
  $$(".message__status, .message__retry", article).forEach((node) => node.remove());
  $(".message__meta", article).append(" ", el("span", { class: "tag", text: gettext("waiting for a facilitator's review") }));
}

/** Take over the server-rendered messages: names, read position, controls and menus. */
export function seedFromPage() {
  for (const article of $$("#messages article.message")) {
    const author = Number(article.dataset.author);
    const name = $(".message__author", article)?.textContent.trim();
    if (author && name) state.names.set(author, name);
    state.latestThreadSeq = Math.max(state.latestThreadSeq, Number(article.dataset.seq) || 0);
    article.dataset.state = inferState(article);
    decorate(article);
    adoptServerMenu(article);
  }
  state.lastReadSent = state.latestThreadSeq; // the server marked the page read when it rendered it
}

// --- Thread page events -------------------------------------------------------------------

export const MESSAGE_EVENTS = new Map([
  ["message.new", ({ message: m }) => {
    if (m.thread !== threadId) return;
    if (m.author) typingDone(m.author.id);
    const existing = document.getElementById(`m${m.id}`) || claimPending(m);
    if (existing && !existing.classList.contains("message--pending") && !isHeld(existing)) return;
    const article = renderMessage(m);
    if (existing && isHeld(existing)) existing.remove(); // released now: it goes where new messages go
    if (existing && existing.isConnected) existing.replaceWith(article); else insertArticle(article);
    state.latestThreadSeq = Math.max(state.latestThreadSeq, m.seq);
    scheduleRead();
    if (m.author?.id !== me) queueAnnouncement(m.author?.name ?? gettext("Former member"));
  }],
  ["message.updated", ({ message: m }) => {
    if (m.deleted || m.hidden) originalGone(m.id, stateOf(m));
    const article = document.getElementById(`m${m.id}`);
    if (!article || article.classList.contains("message--pending")) { state.bodies.set(m.id, m.body); return; }
    const editor = $(".message__edit", article);
    if (editor && !editor.dataset.saving && !m.deleted && !m.hidden) {
      state.bodies.set(m.id, m.body);  // keep the user's unsaved edit; refresh only the reactions
      setReactions(m);
      return decorate(article);
    }
    keepFocus(article, () => { closeEditor(article); fillMessage(article, m); });
  }],
  ["message.hidden", ({ id }) => {
    state.bodies.delete(id);
    originalGone(id, "hidden"); // the replies to it, wherever the original is
    const article = document.getElementById(`m${id}`);
    if (!article || article.classList.contains("message--pending")) return;
    keepFocus(article, () => {
      closeEditor(article);
      setGoneBody(article, "hidden");
      decorate(article);
      refreshMenu(article);
    });
  }],
]);

/** A message.new of ours that overtook its ack: match it to a pending send by body. */
function claimPending(m) {
  if (m.author?.id !== me) return null;
  for (const entry of state.pending.values()) {
    if (entry.state === "sent" && entry.body.trim() === (m.body || "").trim()) {
      entry.state = "claimed";
      return entry.article;
    }
  }
  return null;
}

function queueAnnouncement(name) {
  state.burst.push(name);
  clearTimeout(state.burstTimer);
  state.burstTimer = setTimeout(() => {
    const { burst } = state;
    announce(burst.length === 1
      ? interpolate(gettext("New message from %(name)s"), { name: burst[0] }, true)
      : interpolate(ngettext("%(count)s new message", "%(count)s new messages", burst.length), { count: burst.length }, true));
    state.burst = [];
  }, 600);
}
