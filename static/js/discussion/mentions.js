/** Mentions: the member autocomplete after "@" in the reply form, and being mentioned. */

import { $, $$, announce, el, showNotice } from "./dom.js";
import { gettext, interpolate, ngettext } from "./i18n.js";
import { fetchMembers } from "./presence.js";
import { config, me, state, textarea, threadId, urlFor, urls } from "./state.js";

const MENTION_QUERY = /(?:^|[\s(])@(\p{L}[\p{L}\p{M}'’.-]*(?: \p{L}[\p{L}\p{M}'’.-]*)?)$/u;
const { ac } = state;

export function setupAutocomplete() {
  ac.list = el("ul", { id: "mention-list", class: "mention-list", role: "listbox", "aria-label": gettext("Members"), hidden: true });
  textarea.after(ac.list);
  textarea.closest(".field")?.classList.add("field--autocomplete");
  textarea.setAttribute("aria-autocomplete", "list");
  textarea.setAttribute("aria-controls", ac.list.id);
  ac.list.addEventListener("mousedown", (event) => event.preventDefault()); // keep focus in the textarea
  ac.list.addEventListener("click", (event) => {
    const option = event.target.closest("[role=option]");
    if (option) pickMention(Number(option.dataset.index));
  });
  textarea.addEventListener("blur", () => setTimeout(closeAutocomplete, 150));
}

export function updateAutocomplete() {
  if (!ac.list) return;
  const before = textarea.value.slice(0, textarea.selectionStart);
  const match = textarea.selectionStart === textarea.selectionEnd && MENTION_QUERY.exec(before);
  if (!match) { closeAutocomplete(); return; }
  ac.start = before.length - match[1].length - 1;
  clearTimeout(ac.timer);
  ac.timer = setTimeout(() => searchMembers(match[1]), 250);
}

async function searchMembers(query) {
  ac.abort?.abort();
  ac.abort = new AbortController();
  const url = new URL(config.membersUrl, location.href);
  url.searchParams.set("q", query);
  try {
    const members = (await fetchMembers(url, ac.abort.signal)).filter((m) => m.id !== me).slice(0, 8);
    showSuggestions(members);
  } catch { /* aborted by a newer search, or offline */ }
}

function showSuggestions(members) {
  ac.items = members;
  ac.list.replaceChildren(...members.map((member, index) => {
    state.names.set(member.id, member.name);
    return el("li", { id: `mention-opt-${index}`, role: "option", class: "mention-list__option",
      "data-index": index, "aria-selected": "false", text: member.name });
  }));
  if (!members.length) { closeAutocomplete(); return; }
  const wasOpen = !ac.list.hidden;
  ac.list.hidden = false;
  setActive(0);
  if (!wasOpen) {
    announce(interpolate(ngettext("%(count)s suggestion. Use the arrow keys, Enter to choose.",
      "%(count)s suggestions. Use the arrow keys, Enter to choose.", members.length), { count: members.length }, true));
  }
}

export function setActive(index) {
  ac.active = (index + ac.items.length) % ac.items.length;
  $$("[role=option]", ac.list).forEach((option, i) => option.setAttribute("aria-selected", String(i === ac.active)));
  textarea.setAttribute("aria-activedescendant", `mention-opt-${ac.active}`);
  $(`#mention-opt-${ac.active}`)?.scrollIntoView({ block: "nearest" });
}

export function closeAutocomplete() {
  if (!ac.list) return;
  clearTimeout(ac.timer);
  ac.abort?.abort();
  ac.list.hidden = true;
  ac.items = [];
  ac.active = -1;
  textarea.removeAttribute("aria-activedescendant");
}

/** Replace "@query" before the caret with the protocol's mention syntax. */
export function pickMention(index) {
  const member = ac.items[index];
  if (!member) return;
  const twin = ac.items.some((other) => other.id !== member.id && other.name === member.name);
  const token = `@**${member.name}${twin ? `|${member.id}` : ""}** `;
  const caret = textarea.selectionStart;
  textarea.value = textarea.value.slice(0, ac.start) + token + textarea.value.slice(caret);
  const position = ac.start + token.length;
  textarea.setSelectionRange(position, position);
  closeAutocomplete();
  textarea.focus();
}

/** Someone mentioned me: say so, and link to the message when it is in another thread. */
export function onMention(frame) {
  const author = typeof frame.author === "string" ? frame.author : frame.author?.name || gettext("Former member");
  const text = interpolate(gettext("%(name)s mentioned you"), { name: author }, true);
  announce(text);
  if (frame.thread === threadId) return;
  const sameGroup = !Number.isInteger(config.groupId) || frame.group === config.groupId;
  const link = sameGroup && el("a", { href: `${urlFor(urls.thread, frame.thread)}#m${frame.message}`,
    text: gettext("Show the message") });
  showNotice(`mention-${frame.message}`, text, link ? " — " : "", link);
}
