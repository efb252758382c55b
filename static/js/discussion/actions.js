/** What a member does to a message in place: edit, delete, react. */

import { $, $$, el } from "./dom.js";
import { gettext } from "./i18n.js";
import { state } from "./state.js";
import { send } from "./socket.js";

// --- Editing --------------------------------------------------------------------------

export function openEditor(article) {
  if ($(".message__edit", article)) return;
  const id = Number(article.dataset.id);
  const body = $(".message__body", article);
  const area = el("textarea", { class: "message__edit-text", rows: 4, "aria-label": gettext("Edit your message") });
  area.value = state.bodies.get(id) ?? body.innerText.trim();
  const editor = el("form", { class: "message__edit" }, area, el("div", { class: "button-row" },
    el("button", { type: "submit", class: "button--small", "data-action": "save", text: gettext("Save") }),
    el("button", { type: "button", class: "button--small", "data-action": "cancel", text: gettext("Cancel") })));
  editor.addEventListener("submit", (event) => { event.preventDefault(); saveEdit(article, editor, area); });
  area.addEventListener("keydown", (event) => {
    if (event.key === "Escape") { event.preventDefault(); cancelEdit(article); }
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); editor.requestSubmit(); }
  });
  body.hidden = true;
  $(".message__actions", article).hidden = true;
  body.after(editor);
  area.focus();
}

function saveEdit(article, editor, area) {
  if (!area.value.trim()) { area.focus(); return; }
  if (!send({ type: "message.edit", id: Number(article.dataset.id), body: area.value })) return;
  editor.dataset.saving = "1";
  area.readOnly = true;  // not disabled: focus stays in the editor until the update lands
  $$("button", editor).forEach((control) => { control.disabled = true; });
  area.focus();
}

export function closeEditor(article) {
  $(".message__edit", article)?.remove();
  $(".message__body", article).hidden = false;
  const actions = $(".message__actions", article);
  if (actions) actions.hidden = false;
}

export function cancelEdit(article) {
  closeEditor(article);
  $('[data-action="edit"]', article)?.focus();
}

/** An edit was refused: its editor can be used again. */
export function releaseEditors() {
  for (const editor of $$(".message__edit[data-saving]")) {
    delete editor.dataset.saving;
    $$("button", editor).forEach((control) => { control.disabled = false; });
    $("textarea", editor).readOnly = false;
  }
}

export function deleteMessage(article) {
  if (window.confirm(gettext("Delete this message?"))) send({ type: "message.delete", id: Number(article.dataset.id) });
}

// --- Reacting -------------------------------------------------------------------------

export function togglePopover(button, open = button.getAttribute("aria-expanded") !== "true") {
  for (const other of $$('[data-action="add-reaction"][aria-expanded="true"]')) {
    if (other !== button) togglePopover(other, false);
  }
  button.setAttribute("aria-expanded", String(open));
  const popover = document.getElementById(button.getAttribute("aria-controls"));
  popover.hidden = !open;
  if (open) $("button", popover)?.focus();
}

export function react(article, button) {
  send({ type: "reaction.toggle", message: Number(article.dataset.id), emoji: button.dataset.emoji });
  const opener = $('[data-action="add-reaction"]', article);
  if (button.closest(".emoji-popover")) { togglePopover(opener, false); opener.focus(); }
}

export function onDocumentKeydown(event) {
  const open = $('[data-action="add-reaction"][aria-expanded="true"]');
  if (event.key === "Escape" && open) { togglePopover(open, false); open.focus(); }
}

export function onDocumentClick(event) {
  if (event.target.closest(".reactions")) return;
  const open = $('[data-action="add-reaction"][aria-expanded="true"]');
  if (open) togglePopover(open, false);
}
