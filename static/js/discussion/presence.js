/** Who is online, who is typing, and how far this person has read the thread. */

import { $, el } from "./dom.js";
import { gettext, interpolate, ngettext } from "./i18n.js";
import { config, LANG, me, state, textarea, threadId } from "./state.js";
import { send } from "./socket.js";

const TYPING_EVERY = 3_000, TYPING_SHOWN = 5_000, READ_DEBOUNCE = 1_000;
const listFormat = new Intl.ListFormat(LANG, { type: "conjunction" });

// --- Typing ---------------------------------------------------------------------------

/** Tell the others I am typing, at most once every TYPING_EVERY. */
export function sendTyping() {
  const now = Date.now();
  if (textarea.value.trim() && now - state.lastTypingSent >= TYPING_EVERY && send({ type: "typing", thread: threadId })) {
    state.lastTypingSent = now;
  }
}

export function onTyping({ thread, user }) {
  if (thread !== threadId || !user || user.id === me) return;
  state.names.set(user.id, user.name);
  clearTimeout(state.typists.get(user.id)?.timer);
  const timer = setTimeout(() => { state.typists.delete(user.id); renderTypists(); }, TYPING_SHOWN);
  state.typists.set(user.id, { name: user.name, timer });
  renderTypists();
}

/** A message of theirs arrived in this thread: what they were typing is sent. */
export function typingDone(userId) {
  const typist = state.typists.get(userId);
  if (!typist) return;
  clearTimeout(typist.timer);
  state.typists.delete(userId);
  renderTypists();
}

export function clearTypists() {
  for (const { timer } of state.typists.values()) clearTimeout(timer);
  state.typists.clear();
  renderTypists();
}

function renderTypists() {
  const box = $("#typing");
  if (!box) return;
  const list = [...state.typists.values()].map((t) => t.name);
  const shown = list.length > 3 ? [...list.slice(0, 3), gettext("others")] : list;
  if (!shown.length) { box.textContent = ""; return; }
  // The verb agrees with the names shown, one or several: not ngettext, whose Ukrainian
  // "one" form also covers 21, 31…
  const fmt = list.length > 1 ? gettext("%(names)s are typing…") : gettext("%(names)s is typing…");
  box.textContent = interpolate(fmt, { names: listFormat.format(shown) }, true);
}

// --- Presence -------------------------------------------------------------------------

export function onPresence(frame) {
  state.online = (frame.online || []).map(Number);
  fetchNames(state.online.filter((id) => !state.names.has(id)));
  renderPresence();
}

function renderPresence() {
  const box = $("#presence");
  if (!box) return;
  const { online } = state;
  const known = online.map((id) => state.names.get(id)).filter(Boolean).slice(0, 5);
  const more = online.length > known.length ? ` +${online.length - known.length}` : "";
  const count = interpolate(ngettext("%(count)s online", "%(count)s online", online.length), { count: online.length }, true);
  box.replaceChildren(el("span", { class: "presence__count", text: count }),
    known.length ? el("span", { class: "presence__names", text: `: ${known.join(", ")}${more}` }) : "");
}

/** Names for user ids from membersUrl?ids=…, cached; re-renders the presence line. */
async function fetchNames(ids) {
  const wanted = ids.filter((id) => !state.namesInFlight.has(id));
  if (!wanted.length || !$("#presence")) return;
  wanted.forEach((id) => state.namesInFlight.add(id));
  try {
    const url = new URL(config.membersUrl, location.href);
    url.searchParams.set("ids", wanted.join(","));
    for (const member of await fetchMembers(url)) state.names.set(member.id, member.name);
    renderPresence();
  } catch { /* names are a nicety; the count is still shown */ }
  wanted.forEach((id) => state.namesInFlight.delete(id));
}

/** Members of the group from the member search (`url` carries ?q= or ?ids=). */
export async function fetchMembers(url, signal) {
  const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin", signal });
  if (!response.ok) throw new Error(String(response.status));
  return (await response.json()).members || [];
}

// --- Read position --------------------------------------------------------------------

export function scheduleRead() {
  clearTimeout(state.readTimer);
  if (document.visibilityState === "visible") state.readTimer = setTimeout(sendRead, READ_DEBOUNCE);
}

export function sendRead() {
  if (state.latestThreadSeq > state.lastReadSent && send({ type: "read", thread: threadId, seq: state.latestThreadSeq })) {
    state.lastReadSent = state.latestThreadSeq;
  }
}
