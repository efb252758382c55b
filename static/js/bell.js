/**
 * The bell in the header (templates/groups/_bell.html), on every page of a signed-in
 * person. Without JavaScript it is a link to the notifications page; with it, the link
 * opens the latest notifications below itself (a disclosure: Enter or Space opens and
 * closes it, Escape closes it), with "Mark all as read".
 *
 * The unread count follows the person's `notification` frames (docs/protocol.md): on a
 * discussion page from its group socket (the discussion client passes them on as a
 * "gwd:notification" event), elsewhere from the bell's own socket, /ws/notifications/.
 * The server words the count and renders the list; nothing here formats a text.
 */

const item = document.getElementById("bell-item");
const bell = document.getElementById("bell");
const badge = document.getElementById("bell-count");
const panel = document.getElementById("bell-panel");
const RETRY = { base: 1_000, max: 60_000 };

const state = { socket: null, attempt: 0, timer: 0, loading: null };

/** `{unread, text}` of a notification frame: the badge shows it, and hides at zero. */
function setBadge({ unread, text }) {
  badge.hidden = unread <= 0;
  badge.querySelector("[data-bell-number]").textContent = String(unread);
  if (typeof text === "string") badge.querySelector("[data-bell-text]").textContent = ` ${text}`;
}

function showCount(frame) {
  if (!Number.isInteger(frame?.unread)) return;
  setBadge(frame);
  if (isOpen()) loadPanel().catch(() => {}); // an open list shows what is new; else it waits
}

// --- The bell's own socket ------------------------------------------------------------

function connect() {
  clearTimeout(state.timer);
  const scheme = location.protocol === "https:" ? "wss://" : "ws://";
  let ws;
  try { ws = new WebSocket(scheme + location.host + item.dataset.socketUrl); } catch { reconnect(); return; }
  state.socket = ws;
  ws.addEventListener("open", () => { state.attempt = 0; bell.dataset.live = "true"; });
  ws.addEventListener("message", (event) => {
    let frame;
    try { frame = JSON.parse(event.data); } catch { return; }
    if (frame?.type === "notification") showCount(frame);
  });
  ws.addEventListener("close", () => {
    if (state.socket !== ws) return;
    state.socket = null;
    delete bell.dataset.live;
    reconnect();
  });
}

/** Jittered exponential backoff; the first frame after reconnecting is the count now. */
function reconnect() {
  const delay = Math.min(RETRY.max, RETRY.base * 2 ** state.attempt) * (0.5 + Math.random());
  state.attempt += 1;
  state.timer = setTimeout(connect, delay);
}

// --- The list below the bell ------------------------------------------------------------

const isOpen = () => bell.getAttribute("aria-expanded") === "true";

/** Put the server's fragment (the page's own HTML, escaped by its templates) in the panel. */
function fill(html) {
  const fragment = new DOMParser().parseFromString(html, "text/html");
  panel.replaceChildren(...fragment.body.childNodes);
}

async function loadPanel() {
  const loading = fetch(item.dataset.panelUrl, { credentials: "same-origin", headers: { Accept: "text/html" } })
    .then((response) => { if (!response.ok) throw new Error(String(response.status)); return response.text(); });
  state.loading = loading;
  const html = await loading;
  if (state.loading === loading) fill(html);
}

async function open() {
  bell.setAttribute("aria-expanded", "true");
  // Where a phone's layout puts the list (static/css/bell.css); a desktop ignores it.
  panel.style.setProperty("--bell-top", `${Math.round(bell.getBoundingClientRect().bottom + 4)}px`);
  try {
    await loadPanel();
  } catch {
    location.assign(bell.href); // the page the link leads to without JavaScript
    return;
  }
  if (isOpen()) panel.hidden = false;
}

function close(returnFocus) {
  bell.setAttribute("aria-expanded", "false");
  panel.hidden = true;
  if (returnFocus) bell.focus();
}

function toggle(event) {
  // A click with a modifier opens the notifications page in a new tab, as links do.
  if (event.type === "click" && (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey)) return;
  event.preventDefault();
  if (isOpen()) close(false); else open();
}

/** "Mark all as read" in one request: the form asks for the fresh list back. */
async function onSubmit(event) {
  const form = event.target.closest("form[data-bell-read]");
  if (!form) return;
  event.preventDefault();
  const body = new FormData(form);
  body.set("next", item.dataset.panelUrl);
  try {
    const response = await fetch(form.action, { method: "POST", body, credentials: "same-origin" });
    if (!response.ok) throw new Error(String(response.status));
    fill(await response.text());
  } catch {
    form.submit();
    return;
  }
  setBadge({ unread: 0 });
  panel.querySelector("a")?.focus(); // the button is gone with the unread ones
}

function start() {
  // On the notifications page itself the whole list is the page: the bell stays a link.
  if (bell.getAttribute("aria-current") !== "page") {
    bell.setAttribute("role", "button");
    bell.setAttribute("aria-expanded", "false");
    bell.setAttribute("aria-controls", panel.id);
    bell.addEventListener("click", toggle);
    bell.addEventListener("keydown", (event) => { if (event.key === " ") toggle(event); });
    panel.addEventListener("submit", onSubmit);
    item.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && isOpen()) { event.preventDefault(); close(true); }
    });
    item.addEventListener("focusout", (event) => {
      if (isOpen() && event.relatedTarget && !item.contains(event.relatedTarget)) close(false);
    });
    document.addEventListener("click", (event) => { if (isOpen() && !item.contains(event.target)) close(false); });
  }
  document.addEventListener("gwd:notification", (event) => showCount(event.detail));
  // A discussion page's group socket brings the frames; elsewhere the bell has its own.
  if (document.getElementById("socket-config")) bell.dataset.live = "true";
  else if ("WebSocket" in window) connect();
}

if (item && bell && badge && panel) start();
