/**
 * GWD discussions: live updates over the group socket (protocol: docs/protocol.md).
 *
 * Delivery rules. Every event that changes what members see carries `seq`, increasing by
 * exactly one per group. The channel layer may drop events, so the client keeps `lastSeq`,
 * the highest seq it has applied, and only ever applies `lastSeq + 1`:
 *   - on every (re)connect it sends `resume {after: lastSeq}` and the server replays the
 *     stored events after it, in order;
 *   - an event with a smaller or equal seq is a duplicate (replay and live stream overlap)
 *     and is ignored; an event further ahead means something was lost: it is dropped and
 *     one `resume` is sent — the replay re-delivers it in order;
 *   - a `heartbeat {seq}` ahead of lastSeq means the last event was lost: resume again;
 *   - `resync` means too much was missed: the page must be reloaded.
 * Sending is idempotent: each message carries a `client_id`, and unacknowledged sends are
 * re-sent with the same id after a reconnect, so nothing is posted twice.
 *
 * The page must stay within its Content-Security-Policy: no inline styles, no innerHTML
 * except the server-sanitised `message.html`.
 */

import { $, $$, announce, clearNotice, reloadButton, showNotice } from "./dom.js";
import { gettext } from "./i18n.js";
import { config, state } from "./state.js";

const RETRY = { base: 500, max: 30_000, refusedAfter: 5, refusedEvery: 60_000, flood: 10_000 };
const RESUME_PATIENCE = 10_000;
const SILENCE_LIMIT = 70_000; // heartbeats come every 25 s: a silent socket is a dead one

/**
 * What the rest of the client does, given once by main.js before connect():
 * `frames` handles frames by type, `events` applies the numbered events in order,
 * `opened` and `closed` run when the socket opens and when it is lost.
 */
const hooks = { frames: new Map(), events: new Map(), opened() {}, closed() {} };
export const setHooks = (given) => Object.assign(hooks, given);

// --- Connection ---------------------------------------------------------------------

const CONNECTION_TEXT = {
  connecting: gettext("Connecting…"),
  online: gettext("Connected"),
  reconnecting: gettext("Reconnecting…"),
  refused: gettext("Cannot connect to the discussion. Trying again every minute."),
  gone: gettext("You are no longer a member of this group."),
};

export function setConnection(connection) {
  state.connection = connection;
  const box = $("#connection");
  const text = CONNECTION_TEXT[connection];
  if (box) {
    box.textContent = text;
    box.classList.toggle("connection--online", connection === "online");
    box.classList.toggle("connection--offline", connection !== "online" && connection !== "connecting");
  }
  if (connection === "refused" || connection === "gone") {
    if (!box) showNotice("connection", text);
  } else clearNotice("connection");
}

/** Open the socket; every close schedules the next attempt (see scheduleReconnect). */
export function connect() {
  clearTimeout(state.reconnectTimer);
  const scheme = location.protocol === "https:" ? "wss://" : "ws://";
  let ws;
  try { ws = new WebSocket(scheme + location.host + config.url); } catch { closed(1006, false); return; }
  state.socket = ws;
  let opened = false;
  ws.addEventListener("open", () => {
    opened = true;
    state.attempt = 0;
    state.failedOpens = 0;
    setConnection("online");
    state.resumeOutstanding = false;
    requestResume();
    hooks.opened();
    watchSilence();
  });
  ws.addEventListener("message", (event) => {
    watchSilence();
    let frame;
    try { frame = JSON.parse(event.data); } catch { return; }
    if (frame && typeof frame.type === "string") handleFrame(frame);
  });
  ws.addEventListener("close", (event) => {
    if (state.socket === ws) closed(event.code, opened);
  });
}

/** A socket that stays silent past two heartbeats is dead: drop it and reconnect now. */
function watchSilence() {
  clearTimeout(state.silenceTimer);
  state.silenceTimer = setTimeout(() => {
    const ws = state.socket;
    state.socket = null;
    ws?.close();
    closed(1006, true);
  }, SILENCE_LIMIT);
}

function closed(code, opened) {
  clearTimeout(state.silenceTimer);
  state.socket = null;
  for (const entry of state.pending.values()) if (entry.state === "sent") entry.state = "queued";
  hooks.closed();
  if (code === 4404) { setConnection("gone"); return; }
  if (!opened) state.failedOpens += 1;
  scheduleReconnect(code);
}

/** Jittered exponential backoff; after repeated refused handshakes, one try a minute. */
function scheduleReconnect(code) {
  let delay;
  if (state.failedOpens >= RETRY.refusedAfter) {
    setConnection("refused");
    delay = RETRY.refusedEvery * (0.9 + Math.random() * 0.2);
  } else {
    setConnection("reconnecting");
    delay = Math.min(RETRY.max, RETRY.base * 2 ** state.attempt) * (0.5 + Math.random());
    state.attempt += 1;
  }
  if (code === 4008) delay = Math.max(delay, RETRY.flood);
  clearTimeout(state.reconnectTimer);
  state.reconnectTimer = setTimeout(connect, delay);
}

export const isOpen = () => state.socket?.readyState === WebSocket.OPEN;

export function send(frame) {
  if (!isOpen()) return false;
  state.socket.send(JSON.stringify(frame));
  return true;
}

// --- Delivery -------------------------------------------------------------------------

/** Ask for the events after lastSeq, unless a resume is already on its way. */
function requestResume(target = 0) {
  state.resumeTarget = Math.max(state.resumeTarget, target);
  if (state.lastSeq === null || state.needsReload || !isOpen()) return;
  if (state.resumeOutstanding && Date.now() - state.resumeSentAt < RESUME_PATIENCE) return;
  state.resumeOutstanding = true;
  state.resumeSentAt = Date.now();
  send({ type: "resume", after: state.lastSeq });
}

function handleFrame(frame) {
  if (frame.type === "heartbeat") return onHeartbeat(frame);
  if (frame.type === "resync") return onResync();
  const handler = hooks.frames.get(frame.type);
  if (handler) return handler(frame);
  if (Number.isInteger(frame.seq)) onEvent(frame);
}

function onHeartbeat({ seq }) {
  if (!Number.isInteger(seq)) return;
  // The page knows where the group's events stand and applies them from now on (a list
  // page learns it here); a mark for tests to wait for, too.
  $("#discussion-client")?.setAttribute("data-synced", "");
  if (state.lastSeq === null) state.lastSeq = seq;
  else if (seq > state.lastSeq) requestResume(seq);
  // The server is behind what this page has seen: its database was restored from a
  // backup. The page's numbers mean nothing any more; reload like after a resync.
  else if (seq < state.lastSeq) onResync();
}

/** Apply an event only if it is the very next one; anything else is a duplicate or a gap. */
function onEvent(frame) {
  if (state.lastSeq === null || state.needsReload || frame.seq <= state.lastSeq) return;
  if (frame.seq !== state.lastSeq + 1) { requestResume(frame.seq); return; }
  state.lastSeq = frame.seq;
  if (state.lastSeq >= state.resumeTarget) state.resumeOutstanding = false;
  hooks.events.get(frame.type)?.(frame);
}

function onResync() {
  state.needsReload = true;
  const busy = state.pending.size > 0 || $$("textarea").some((area) => area.value.trim());
  if (!busy) { location.reload(); return; }
  const text = gettext("Reload the page to see everything.");
  showNotice("resync", text, " ", reloadButton());
  announce(text);
}
