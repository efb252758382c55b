/**
 * What a message carries besides its text. In the reply form: files, sent first over
 * HTTP to the library (their ids then go in the message.send frame), and documents of the
 * library found by a search-as-you-type and linked. Under a message: thumbnails of images
 * and cards of the other files, as templates/groups/_attachments.html renders them.
 */

import { $, announce, el } from "./dom.js";
import { gettext, interpolate } from "./i18n.js";
import { form, LANG, state } from "./state.js";

const UNITS = [["gigabyte", 1024 ** 3], ["megabyte", 1024 ** 2], ["kilobyte", 1024], ["byte", 1]];
const MAX = 10; // as groups/attachments.py ATTACHMENTS_MAX

/** `bytes` as the server writes sizes (resources/sizes.py): "1,4 MB", "1,4 МБ". */
export function fileSize(bytes) {
  const [unit, factor] = UNITS.find(([, f]) => bytes >= f) ?? UNITS[UNITS.length - 1];
  return new Intl.NumberFormat(LANG, { style: "unit", unit, unitDisplay: "short", maximumFractionDigits: 1 })
    .format(bytes / factor);
}

// --- Under a message --------------------------------------------------------------------

function renderItem(item) {
  const li = el("li", { class: `attachment${item.image ? " attachment--image" : ""}`, "data-attachment": item.id });
  if (!item.available) {
    li.append(el("span", { class: "attachment__gone",
      text: interpolate(gettext("“%(title)s” is no longer in the library."), { title: item.title }, true) }));
  } else if (item.image) {
    const img = el("img", { src: item.image.thumbnail, alt: item.name, loading: "lazy",
      width: item.image.width, height: item.image.height });
    li.append(el("a", { class: "attachment__image", href: item.image.full }, img));
  } else {
    const meta = [item.type, fileSize(item.size)];
    if (item.kind === "link") meta.push(gettext("from the library"));
    li.append(el("a", { class: "attachment__card", href: item.url },
      el("span", { class: "attachment__name", text: item.kind === "link" ? item.title : item.name }),
      el("span", { class: "attachment__meta", text: meta.filter(Boolean).join(" · ") })));
  }
  return li;
}

/** Put the attachments of payload `m` under its article's text (none when it is gone). */
export function setAttachments(article, m) {
  const existing = article.querySelector(":scope > .attachments");
  const items = m.deleted || m.hidden ? [] : m.attachments || [];
  if (!items.length) { existing?.remove(); return; }
  const list = el("ul", { class: "attachments", "aria-label": gettext("Attachments") }, ...items.map(renderItem));
  if (existing) existing.replaceWith(list); else $(".message__body", article).after(list);
}

/** The names of what a pending message carries, until the server's article replaces it. */
export function renderPendingAttachments(items) {
  if (!items.length) return null;
  return el("ul", { class: "attachments attachments--pending", "aria-label": gettext("Attachments") },
    ...items.map((item) => el("li", { class: "attachment" },
      el("span", { class: "attachment__card" }, el("span", { class: "attachment__name", text: item.name })))));
}

// --- In the reply form ------------------------------------------------------------------

const attach = { box: null, chips: null, picker: null, results: null, search: null, timer: 0, abort: null, next: 1 };

const csrf = () => form?.elements.namedItem("csrfmiddlewaretoken")?.value || "";

/** Take over the form's attachment fields: buttons, a picker and a list of chosen items. */
export function setupAttachments() {
  const box = $("#composer-attach");
  if (!box) return;
  attach.box = box;
  state.attachments = [];
  $("#composer-attach-plain", box)?.remove(); // the plain fields post only without the script
  const bar = el("div", { class: "attach-bar" });
  if (box.dataset.uploadUrl) {
    const input = el("input", { type: "file", multiple: true, id: "attach-input", class: "visually-hidden",
      tabindex: "-1", "aria-hidden": "true" });
    const button = el("button", { type: "button", class: "button--small", id: "attach-file",
      text: gettext("Attach a file") });
    button.addEventListener("click", () => input.click());
    input.addEventListener("change", () => { for (const file of input.files) addFile(file); input.value = ""; });
    bar.append(button, input);
  }
  const toggle = el("button", { type: "button", class: "button--small", id: "attach-link",
    "aria-expanded": "false", "aria-controls": "attach-picker", text: gettext("Link a library document") });
  toggle.addEventListener("click", () => togglePicker(toggle));
  bar.append(toggle);
  attach.search = el("input", { type: "search", id: "attach-search", autocomplete: "off",
    placeholder: gettext("Title or words in the document") });
  attach.search.addEventListener("input", () => { clearTimeout(attach.timer); attach.timer = setTimeout(findDocuments, 250); });
  attach.search.addEventListener("keydown", (event) => { if (event.key === "Enter") event.preventDefault(); });
  attach.results = el("ul", { class: "attach-results", id: "attach-results", "aria-live": "polite" });
  attach.picker = el("div", { class: "attach-picker", id: "attach-picker", hidden: true },
    el("label", { for: "attach-search", text: gettext("Search the library") }), attach.search, attach.results);
  attach.chips = el("ul", { class: "attach-chips", id: "attach-chips", "aria-label": gettext("To send with the message") });
  box.append(bar, attach.picker, attach.chips);
}

function togglePicker(toggle) {
  const open = attach.picker.hidden;
  attach.picker.hidden = !open;
  toggle.setAttribute("aria-expanded", String(open));
  if (open) { attach.search.focus(); findDocuments(); }
}

function tooMany() {
  if (state.attachments.length < MAX) return false;
  announce(interpolate(gettext("At most %(limit)s attachments go with one message."), { limit: MAX }, true));
  return true;
}

function addChip(item) {
  const remove = el("button", { type: "button", class: "button--small attach-chip__remove",
    "aria-label": interpolate(gettext("Remove %(name)s"), { name: item.name }, true), text: "×" });
  remove.addEventListener("click", () => removeItem(item));
  item.status = el("span", { class: "attach-chip__status" });
  item.chip = el("li", { class: "attach-chip" }, el("span", { class: "attach-chip__name", text: item.name }),
    item.status, remove);
  attach.chips.append(item.chip);
  state.attachments.push(item);
}

function removeItem(item) {
  item.abort?.abort();
  item.chip.remove();
  state.attachments = state.attachments.filter((other) => other !== item);
  $("#attach-file")?.focus();
}

async function addFile(file) {
  if (tooMany()) return;
  const item = { key: attach.next++, kind: "upload", id: null, name: file.name, state: "uploading", abort: new AbortController() };
  addChip(item);
  item.status.textContent = gettext("Uploading…");
  const body = new FormData();
  body.append("file", file);
  body.append("csrfmiddlewaretoken", csrf());
  try {
    const response = await fetch(attach.box.dataset.uploadUrl, { method: "POST", body, credentials: "same-origin",
      headers: { "X-Requested-With": "XMLHttpRequest", "X-CSRFToken": csrf() }, signal: item.abort.signal });
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(answer.error || gettext("The file could not be uploaded."));
    item.id = answer.id;
    item.state = "ready";
    item.status.textContent = `${answer.type} · ${fileSize(answer.size)}`;
    announce(interpolate(gettext("%(name)s is ready to send."), { name: file.name }, true));
  } catch (error) {
    if (error.name === "AbortError") return;
    item.state = "failed";
    item.chip.classList.add("attach-chip--failed");
    item.status.textContent = error.message || gettext("The file could not be uploaded.");
    announce(item.status.textContent);
  }
}

async function findDocuments() {
  attach.abort?.abort();
  attach.abort = new AbortController();
  const url = `${attach.box.dataset.pickUrl}?${new URLSearchParams({ q: attach.search.value.trim() })}`;
  try {
    const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin",
      signal: attach.abort.signal });
    if (!response.ok) return;
    showResults((await response.json()).documents);
  } catch { /* a newer search replaced this one, or the network is away: keep what shows */ }
}

function showResults(documents) {
  attach.results.replaceChildren(...documents.map((d) => {
    const chosen = state.attachments.some((item) => item.kind === "link" && item.id === d.id);
    const button = el("button", { type: "button", class: "attach-result", "aria-pressed": String(chosen) },
      el("span", { class: "attach-result__title", text: d.title }),
      el("span", { class: "attach-result__meta", text: [d.type, fileSize(d.size)].filter(Boolean).join(" · ") }));
    button.addEventListener("click", () => {
      if (state.attachments.some((item) => item.kind === "link" && item.id === d.id) || tooMany()) return;
      addChip({ key: attach.next++, kind: "link", id: d.id, name: d.title, state: "ready" });
      button.setAttribute("aria-pressed", "true");
      announce(interpolate(gettext("%(name)s will be linked."), { name: d.title }, true));
    });
    return el("li", {}, button);
  }));
  if (!documents.length) attach.results.append(el("li", { class: "meta", text: gettext("No documents found.") }));
}

/**
 * The frame's fields for what the form carries now ({} when nothing), or null while a
 * file is still on its way or failed (the message waits: the person removes it or waits).
 */
export function attachmentFields() {
  const items = state.attachments || [];
  if (items.some((item) => item.state !== "ready")) return null;
  const uploads = items.filter((item) => item.kind === "upload").map((item) => item.id);
  const documents = items.filter((item) => item.kind === "link").map((item) => item.id);
  return { ...(uploads.length ? { attachments: uploads } : {}), ...(documents.length ? { documents } : {}) };
}

/** What the form carries, for the pending article; then the form is emptied. */
export function takeAttachments() {
  const items = state.attachments || [];
  for (const item of items) item.chip.remove();
  state.attachments = [];
  if (attach.picker) {
    attach.picker.hidden = true;
    $("#attach-link")?.setAttribute("aria-expanded", "false");
  }
  return items.map((item) => ({ name: item.name }));
}
