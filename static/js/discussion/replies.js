/**
 * Answering a message: the Reply link of each message, the quote taken from a selection
 * inside it, the box above the reply form that says what is answered, and the block a
 * reply shows of its original (templates/groups/_reply_quote.html renders the same).
 */

import { $, $$, el } from "./dom.js";
import { gettext, interpolate } from "./i18n.js";
import { config, form, state, textarea, urlFor, urls } from "./state.js";

const EXCERPT_WORDS = 30; // as groups/payloads.py EXCERPT_WORDS
const QUOTE_MAX = 500; // as groups/services/discussions.py QUOTE_MAX

const nameOf = (name) => name || gettext("Former member");
const oneLine = (text) => text.split(/\s+/).filter(Boolean).join(" ");

/** The block a reply shows of the message it answers (`reply` of a message payload). */
export function renderReplyQuote(reply) {
  const box = el("div", { class: `reply-quote reply-quote--${reply.state}`, "data-reply-to": reply.id ?? "" });
  if (reply.state === "visible") {
    box.append(el("a", { class: "reply-quote__link", href: urlFor(urls.messageLink, reply.id) },
      el("span", { class: "visually-hidden", text: `${gettext("In reply to")} ` }),
      el("span", { class: "reply-quote__author", text: nameOf(reply.author) }), " ",
      el("span", { class: "reply-quote__excerpt", text: reply.excerpt })));
  } else {
    box.append(goneText(reply.state));
  }
  return box;
}

const goneText = (gone) => el("p", { class: "reply-quote__gone", text: gone === "hidden"
  ? gettext("The message answered was hidden by a facilitator.") : gettext("The message answered was deleted.") });

/** Put the reply's block of its original into `article`, or take it away. */
export function setReplyQuote(article, reply) {
  const existing = $(":scope > .reply-quote", article);
  if (!reply) { existing?.remove(); return; }
  const box = renderReplyQuote(reply);
  if (existing) existing.replaceWith(box); else $(".message__meta", article).after(box);
}

/** The original `id` was deleted or hidden: the replies to it no longer show its text. */
export function originalGone(id, gone) {
  for (const box of $$(`.reply-quote[data-reply-to="${id}"]`)) {
    box.className = `reply-quote reply-quote--${gone}`;
    box.replaceChildren(goneText(gone));
  }
}

/** The Reply link of a message, as templates/groups/_message.html renders it. */
export function renderReplyLink(article) {
  const id = article.dataset.id;
  const author = $(".message__author", article)?.textContent.trim() || gettext("Former member");
  return el("a", { class: "message__reply", "data-action": "reply", href: `?reply_to=${id}#reply-form` },
    gettext("Reply"), el("span", { class: "visually-hidden", text: ` — ${author}` }));
}

export const canReply = () => Boolean(config.canPost && form && !form.hidden && textarea);

// A press on Reply can clear the selection before the click lands (a tap, a mouse
// press): the text selected inside the message is taken when the press begins.
let pressed = { id: 0, text: "" };

function selectionIn(article) {
  const selection = window.getSelection();
  const body = $(".message__body", article);
  if (!selection || selection.isCollapsed || !body || !selection.rangeCount) return "";
  const range = selection.getRangeAt(0);
  if (!body.contains(range.commonAncestorContainer)) return "";
  return oneLine(selection.toString()).slice(0, QUOTE_MAX);
}

export function onReplyPress(event) {
  const link = event.target.closest('[data-action="reply"]');
  const article = link?.closest("article");
  if (article) pressed = { id: Number(article.dataset.id), text: selectionIn(article) };
}

/** Answer `article`: quote what is selected in it, say so above the form, focus the text. */
export function startReply(article) {
  if (!canReply()) return;
  const id = Number(article.dataset.id);
  const quote = selectionIn(article) || (pressed.id === id ? pressed.text : "");
  pressed = { id: 0, text: "" };
  const author = $(".message__author", article)?.textContent.trim() || "";
  const words = oneLine($(".message__body", article)?.innerText || "").split(" ");
  const excerpt = quote || words.slice(0, EXCERPT_WORDS).join(" ") + (words.length > EXCERPT_WORDS ? "…" : "");
  state.reply = { id, quote, author, excerpt };
  setField("reply_to", id);
  setField("quote", quote);
  const preview = $("#reply-preview");
  $("#reply-preview-label", preview).textContent = interpolate(gettext("Replying to %(name)s"), { name: nameOf(author) }, true);
  $("#reply-preview-excerpt", preview).textContent = excerpt;
  preview.classList.toggle("reply-preview--quote", Boolean(quote));
  preview.hidden = false;
  textarea.focus();
}

export function cancelReply() {
  state.reply = null;
  setField("reply_to", "");
  setField("quote", "");
  const preview = $("#reply-preview");
  if (preview) preview.hidden = true;
}

/** The reply the form is answering now, for the frame it sends ({} when none). */
export function replyFields() {
  const reply = state.reply;
  if (!reply) return {};
  return reply.quote ? { reply_to: reply.id, quote: reply.quote } : { reply_to: reply.id };
}

/** The box of a pending reply, from what the form knew when it was sent. */
export function pendingQuote(fields, reply) {
  if (!fields.reply_to) return null;
  return renderReplyQuote({ id: fields.reply_to, state: "visible", author: reply.author || null, excerpt: reply.excerpt });
}

function setField(name, value) {
  const input = form?.elements.namedItem(name);
  if (input) input.value = String(value);
}

/** Take over a reply chosen without the script (?reply_to=), and the Cancel link. */
export function setupReplies() {
  const preview = $("#reply-preview");
  if (!preview) return;
  // Without the script Cancel is a link back to the plain form; here it is a button.
  const cancel = el("button", { type: "button", class: "button--small reply-preview__cancel", id: "reply-cancel",
    text: $("#reply-cancel", preview)?.textContent.trim() || gettext("Cancel the reply") });
  cancel.addEventListener("click", () => { cancelReply(); textarea?.focus(); });
  const link = $("#reply-cancel", preview);
  if (link) link.replaceWith(cancel); else preview.append(cancel);
  const chosen = Number(form?.elements.namedItem("reply_to")?.value);
  if (chosen && !preview.hidden) {
    const article = document.getElementById(`m${chosen}`);
    state.reply = { id: chosen, quote: "", author: article ? $(".message__author", article)?.textContent.trim() : "",
      excerpt: $("#reply-preview-excerpt", preview).textContent };
  }
}
