/** The "More" menu of a message: report it, and a facilitator's hide, show and delete. */

import { $, $$, el, isOwn } from "./dom.js";
import { gettext } from "./i18n.js";
import { config, urlFor, urls } from "./state.js";

export const HIDE_REASON_MAX = 500;

/** The page's CSRF token as a hidden field, so a built form can still post without the socket. */
function csrfField() {
  const token = $('input[name="csrfmiddlewaretoken"]')?.value;
  return token ? el("input", { type: "hidden", name: "csrfmiddlewaretoken", value: token }) : null;
}

/**
 * The `<details class="message__more">` menu, as templates/groups/_message.html renders it,
 * for the article's current state; null when there is nothing to offer.
 * @param {HTMLElement} article
 * @returns {HTMLDetailsElement | null}
 */
function renderMoreMenu(article) {
  const id = Number(article.dataset.id);
  const state = article.dataset.state || "visible";
  if (!id || !["visible", "hidden"].includes(state)) return null;
  const items = [];
  if (!isOwn(article) && state === "visible") {
    items.push(el("a", { href: urlFor(urls.messageReport, id), text: gettext("Report to the facilitators") }));
  }
  if (config.canModerate) {
    items.push(state === "hidden" ? renderUnhideForm(id) : renderHideForm(id),
      el("a", { href: urlFor(urls.messageRemove, id), text: gettext("Delete permanently") }));
  }
  if (!items.length) return null;
  return el("details", { class: "message__more", "data-state": state },
    el("summary", {}, gettext("More"), el("span", { class: "visually-hidden", text: ` — ${gettext("message actions")}` })),
    el("div", { class: "message__more-body" }, ...items));
}

/** A facilitator's "hide" form: a labelled reason and a Hide button (sent over the socket). */
function renderHideForm(id) {
  const inputId = `hide-reason-${id}`;
  return el("form", { method: "post", action: urlFor(urls.messageModerate, id), class: "moderate-form", novalidate: true },
    csrfField(), el("input", { type: "hidden", name: "action", value: "hide" }),
    el("label", { for: inputId, text: gettext("Reason for hiding") }),
    el("input", { id: inputId, name: "reason", required: true, maxlength: HIDE_REASON_MAX, autocomplete: "off" }),
    el("button", { type: "submit", text: gettext("Hide") }));
}

/** A facilitator's "Show again" form for a hidden message. */
function renderUnhideForm(id) {
  return el("form", { method: "post", action: urlFor(urls.messageModerate, id), class: "inline-form" },
    csrfField(), el("input", { type: "hidden", name: "action", value: "unhide" }),
    el("button", { type: "submit", text: gettext("Show again") }));
}

/**
 * Make the menu match the article's state. A menu already built for this state is left
 * alone, so a reaction or an edit does not wipe a reason being typed; an open menu stays open.
 * @param {HTMLElement} article
 */
export function refreshMenu(article) {
  const old = $(":scope > .message__more", article);
  if (old && old.dataset.state === article.dataset.state) return;
  const menu = renderMoreMenu(article);
  if (menu && old?.open) menu.open = true;
  if (old && menu) old.replaceWith(menu);
  else if (old) old.remove();
  else if (menu) article.append(menu);
}

/** Take over a server-rendered menu: note its state, validate the reason ourselves, and drop
 * a menu with nothing in it (a hidden message of someone else, for a non-facilitator). */
export function adoptServerMenu(article) {
  const menu = $(":scope > .message__more", article);
  if (!menu) return;
  if (!$(".message__more-body > *", menu)) { menu.remove(); return; }
  menu.dataset.state = article.dataset.state;
  for (const hideForm of $$("form.moderate-form", menu)) hideForm.noValidate = true;
}
