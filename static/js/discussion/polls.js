/**
 * Poll cards in a thread (templates/decisions/_poll_card.html) that follow their poll live.
 *
 * A poll's frame is built once for the whole group, so it carries numbers by key and no
 * words: the card has the labels, in the reader's language and time zone. A vote's
 * `poll.updated` therefore goes into the card's rows in place (each row's
 * `data-result` key, its number as text and its meter). What changes the card's shape —
 * a close, an outcome, results shown for the first time, a poll new to this thread —
 * brings the card afresh from the server (`data-card-url`), a moment later for each
 * reader so that a thousand pages do not ask in the same instant.
 *
 * The vote form is sent with fetch() and answered in JSON; without a script it posts
 * as a plain form and the page comes back.
 */

import { $, $$, el } from "./dom.js";
import { gettext, interpolate, ngettext } from "./i18n.js";
import { LANG, threadId } from "./state.js";

const REFRESH_SPREAD = 2000; // ms over which readers' pages fetch a changed card
const numberFormat = new Intl.NumberFormat(LANG);

/** The latest frame seen of each poll (id → poll payload), re-applied after a refresh. */
const latest = new Map();
/** Polls whose card waits to be fetched, and those being fetched (id → {again}). */
const scheduled = new Set();
const refreshing = new Map();

const cardOf = (id) => $(`.poll-card[data-poll="${Number(id)}"]`);
const cardUrl = (template, id) => template.replace(/\/0\/card\/$/, `/${Number(id)}/card/`);

/** One row's number as text, the way decisions/selectors.py result_rows writes it. */
function rowText(kind, key, numbers) {
  if (kind === "score") {
    return interpolate(gettext("%(total)s points, on average %(mean)s"),
      { total: numbers[key], mean: String(numbers[`${key}.mean`]) }, true);
  }
  if (kind === "date") {
    return interpolate(gettext("yes %(yes)s · if need be %(maybe)s · no %(no)s"),
      { yes: numbers[`${key}.yes`], maybe: numbers[`${key}.if_need_be`], no: numbers[`${key}.no`] }, true);
  }
  return numberFormat.format(numbers[key]);
}

/** The share of the row's bar (0–100), as result_rows computes it. */
function rowShare(kind, key, numbers, voters, scoreMax) {
  if (kind === "score") return Math.round((100 * numbers[`${key}.mean`]) / (scoreMax || 1));
  const count = kind === "date" ? numbers[`${key}.yes`] + numbers[`${key}.if_need_be`] : numbers[key];
  return Math.round((100 * count) / (voters || 1));
}

/** Put a frame's numbers into the card's rows. */
function applyNumbers(card, poll) {
  const kind = card.dataset.kind;
  const scoreMax = Number(card.dataset.scoreMax) || 0;
  for (const row of $$("[data-result]", card)) {
    const key = row.dataset.result;
    const present = kind === "date" ? `${key}.yes` in poll.results : key in poll.results;
    if (!present) continue;
    const number = $(".poll-bar__number", row);
    if (number) number.textContent = rowText(kind, key, poll.results);
    const meter = $("meter", row);
    if (meter) meter.value = rowShare(kind, key, poll.results, poll.voters, scoreMax);
    row.classList.toggle("poll-bar--leading", poll.leaders.includes(Number(key)));
  }
  const voters = $("[data-poll-voters]", card);
  if (voters) {
    voters.textContent = interpolate(ngettext("%(counter)s vote", "%(counter)s votes", poll.voters),
      { counter: poll.voters }, true);
  }
}

/** Whether the frame changes more of the card than its numbers. */
function reshapes(card, poll) {
  return poll.state !== card.dataset.state
    || poll.outcome !== card.dataset.outcome
    || (poll.results !== null) !== (card.dataset.results === "shown")
    || String(poll.meeting_created ?? "") !== card.dataset.meeting;
}

/**
 * Fetch the card afresh and put it in place (or first in `container` for a poll new to
 * the thread). One fetch per poll at a time: what changes meanwhile fetches once more.
 */
async function refresh(id, options = {}) {
  id = Number(id);
  const running = refreshing.get(id);
  if (running) { running.again = true; return; }
  const entry = { again: false };
  refreshing.set(id, entry);
  try { await load(id, options); } finally { refreshing.delete(id); }
  if (entry.again) await refresh(id, options);
}

async function load(id, { container = null, url = null } = {}) {
  url = cardOf(id)?.dataset.cardUrl || url;
  if (!url) return;
  let response;
  try {
    response = await fetch(url, { headers: { Accept: "text/html" }, credentials: "same-origin" });
  } catch { return; } // offline: the next frame or a reload brings it
  if (!response.ok) { if (response.status === 404) cardOf(id)?.remove(); return; }
  const fresh = new DOMParser().parseFromString(await response.text(), "text/html").querySelector(".poll-card");
  if (!fresh) return;
  const current = cardOf(id);
  const hadFocus = current?.contains(document.activeElement);
  const node = document.importNode(fresh, true);
  if (current) current.replaceWith(node);
  else if (container) container.prepend(node);
  else return;
  const poll = latest.get(Number(id));
  if (poll && !reshapes(node, poll) && poll.results) applyNumbers(node, poll);
  if (hadFocus) {
    const heading = $("h3", node);
    heading?.setAttribute("tabindex", "-1");
    heading?.focus();
  }
}

/** Refresh a little later, at a moment of this page's own, once however many frames ask. */
function refreshSoon(id, options = {}) {
  if (scheduled.has(id)) return;
  scheduled.add(id);
  setTimeout(() => { scheduled.delete(id); refresh(id, options); }, Math.random() * REFRESH_SPREAD);
}

function onPoll(frame) {
  const poll = frame.poll;
  if (!poll || !Number.isInteger(poll.id)) return;
  latest.set(poll.id, poll);
  const card = cardOf(poll.id);
  if (!card) {
    // A poll new to this thread: its card goes first among the thread's polls.
    const container = poll.thread === threadId ? $(`[data-thread-polls="${threadId}"]`) : null;
    if (container?.dataset.cardUrl) {
      refreshSoon(poll.id, { container, url: cardUrl(container.dataset.cardUrl, poll.id) });
    }
    return;
  }
  if (reshapes(card, poll)) refreshSoon(poll.id);
  else if (poll.results) applyNumbers(card, poll);
}

function onPollGone(frame) {
  latest.delete(Number(frame.poll));
  cardOf(frame.poll)?.remove();
}

export const POLL_EVENTS = new Map([
  ["poll.updated", onPoll],
  ["poll.closed", onPoll],
  ["poll.gone", onPollGone],
]);

// --- Voting without leaving the page ----------------------------------------------------

function showVoteError(form, text) {
  let box = $(".poll__error", form);
  if (!box) {
    box = el("p", { class: "poll__error form-errors", role: "alert" });
    form.prepend(box);
  }
  box.textContent = text;
}

async function onVoteSubmit(event) {
  const form = event.target.closest("form[data-poll-vote]");
  if (!form || !form.checkValidity()) return; // the browser shows what is missing
  event.preventDefault();
  const card = form.closest(".poll-card");
  const button = $("button[type=submit]", form);
  if (button) button.disabled = true;
  let answer = null;
  try {
    const response = await fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    });
    answer = await response.json().catch(() => null);
    if (response.ok && answer?.ok) {
      await refresh(card.dataset.poll); // shows the vote as taken, as a reload would
      return;
    }
  } catch { /* offline: said below */ }
  if (button) button.disabled = false;
  showVoteError(form, answer?.error || gettext("The vote could not be sent. Check the connection and try again."));
}

export function setupPolls() {
  document.addEventListener("submit", (event) => {
    if (event.target.matches?.("form[data-poll-vote]")) onVoteSubmit(event);
  });
}
