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

const LANG = ["pl", "uk"].includes(document.documentElement.lang.slice(0, 2))
  ? document.documentElement.lang.slice(0, 2) : "en";

/** Polish plural category helper ("one" | "few" | "many"), shared by pl and uk. */
const plural = (n, forms) => forms[new Intl.PluralRules(LANG).select(n)] ?? forms.many ?? forms.other;

/** A sentence, then "Reason: …" in the page's language when a reason was given. */
const withReason = (sentence, reason) => (reason ? `${sentence} ${STRINGS.reason(reason)}` : sentence);

const STRINGS = {
  en: {
    connecting: "Connecting…", connected: "Connected", reconnecting: "Reconnecting…",
    refused: "Cannot connect to the discussion. Trying again every minute.",
    gone: "You are no longer a member of this group.",
    typing: (names, n) => `${names} ${n > 1 ? "are" : "is"} typing…`, members: "Members",
    others: "others", online: (n) => `${n} online`,
    edit: "Edit", delete: "Delete", save: "Save", cancel: "Cancel", editLabel: "Edit your message",
    sent: "Reply sent", sending: "Sending…", retrying: "Send failed, retrying…", failed: "Not sent.",
    retry: "Retry", discard: "Discard", edited: "(edited)", history: "history",
    deleted: "This message was deleted.", hidden: "This message was hidden by a facilitator.",
    formerMember: "Former member", newFrom: (n) => `New message from ${n}`,
    newMessages: (n) => `${n} new messages`, newIn: (t) => `New message in “${t}”`,
    newThread: (t) => `New discussion: “${t}”`, mentioned: (n) => `${n} mentioned you`,
    showMessage: "Show the message", reload: "Reload the page",
    reloadNeeded: "Reload the page to see everything.", dismiss: "Dismiss",
    confirmDelete: "Delete this message?", addReaction: "Add reaction",
    reactWith: (e) => `React with ${e}`, reactions: "Reactions", unread: "unread", pinned: "pinned",
    locked: "This thread is locked: no new messages.",
    suggestions: (n) => `${n} suggestions. Use the arrow keys, Enter to choose.`,
    more: "More", messageActions: "message actions", report: "Report to the facilitators",
    hideReason: "Reason for hiding", hide: "Hide", unhide: "Show again", remove: "Delete permanently",
    held: "waiting for a facilitator's review", giveReason: "Give a reason.", reason: (r) => `Reason: ${r}`,
    hiddenYours: (r) => withReason("Your message was hidden by a facilitator.", r),
    deletedYours: (r) => withReason("Your message was deleted by a facilitator.", r),
    rejectedYours: (r) => withReason("Your message was not published.", r),
    mutedUntil: (time, n) => `You are muted in this group until ${time} (${n} min left).`,
    canWrite: "You can write again.", slowHint: (n) => `Slow mode: ${n} s between messages`,
    slowTag: (n) => `slow mode: ${n} s`, lockedTag: "locked",
    lock: "Lock", unlock: "Unlock", pin: "Pin", unpin: "Unpin",
    errors: {
      rate_limited: "You are sending messages too quickly.", slow_mode: "This thread is in slow mode: wait a moment.",
      forbidden: "Your role does not allow this.", not_found: "Not found.", locked: "The thread is locked.",
      muted: "You are muted in this group.", empty: "Write a message first.", too_long: "The message is too long.",
      deleted: "The message was deleted.", hidden: "The message was hidden by a facilitator.",
      flood: "Too many actions at once. Slow down.", generic: "Something went wrong.",
    },
  },
  pl: {
    connecting: "Łączenie…", connected: "Połączono", reconnecting: "Ponowne łączenie…",
    refused: "Nie można połączyć się z dyskusją. Kolejna próba za minutę.",
    gone: "Nie jesteś już członkiem tej grupy.",
    typing: (names, n) => `${names} ${n > 1 ? "piszą" : "pisze"}…`, members: "Członkowie grupy",
    others: "inni", online: (n) => `${n} ${plural(n, { one: "osoba", few: "osoby", many: "osób" })} online`,
    edit: "Edytuj", delete: "Usuń", save: "Zapisz", cancel: "Anuluj", editLabel: "Edytuj swoją wiadomość",
    sent: "Odpowiedź wysłana", sending: "Wysyłanie…", retrying: "Nie udało się wysłać, ponawiam…",
    failed: "Nie wysłano.", retry: "Spróbuj ponownie", discard: "Odrzuć", edited: "(edytowano)", history: "historia",
    deleted: "Wiadomość została usunięta.", hidden: "Wiadomość została ukryta przez moderatora.",
    formerMember: "Były członek grupy", newFrom: (n) => `Nowa wiadomość od: ${n}`,
    newMessages: (n) => `Nowe wiadomości: ${n}`, newIn: (t) => `Nowa wiadomość w wątku „${t}”`,
    newThread: (t) => `Nowa dyskusja: „${t}”`, mentioned: (n) => `${n} wspomina o Tobie`,
    showMessage: "Pokaż wiadomość", reload: "Odśwież stronę",
    reloadNeeded: "Odśwież stronę, aby zobaczyć wszystko.", dismiss: "Zamknij",
    confirmDelete: "Usunąć tę wiadomość?", addReaction: "Dodaj reakcję",
    reactWith: (e) => `Zareaguj: ${e}`, reactions: "Reakcje", unread: "nieprzeczytane", pinned: "przypięty",
    locked: "Ten wątek jest zablokowany: nie można dodawać nowych wiadomości.",
    suggestions: (n) => `Podpowiedzi: ${n}. Wybierz strzałkami i zatwierdź Enterem.`,
    more: "Więcej", messageActions: "działania dotyczące wiadomości", report: "Zgłoś moderatorom",
    hideReason: "Powód ukrycia", hide: "Ukryj", unhide: "Pokaż ponownie", remove: "Usuń trwale",
    held: "czeka na przejrzenie przez moderatora", giveReason: "Podaj powód.", reason: (r) => `Powód: ${r}`,
    hiddenYours: (r) => withReason("Twoja wiadomość została ukryta przez moderatora.", r),
    deletedYours: (r) => withReason("Twoja wiadomość została usunięta przez moderatora.", r),
    rejectedYours: (r) => withReason("Twoja wiadomość nie została opublikowana.", r),
    mutedUntil: (time, n) => `Nie możesz pisać w tej grupie do ${time} (jeszcze ${n} min).`,
    canWrite: "Możesz znowu pisać.", slowHint: (n) => `Tryb powolny: ${n} s między wiadomościami`,
    slowTag: (n) => `tryb powolny: ${n} s`, lockedTag: "zablokowany",
    lock: "Zablokuj", unlock: "Odblokuj", pin: "Przypnij", unpin: "Odepnij",
    errors: {
      rate_limited: "Wysyłasz wiadomości zbyt szybko.", slow_mode: "W tym wątku działa tryb powolny: odczekaj chwilę.",
      forbidden: "Twoja rola na to nie pozwala.", not_found: "Nie znaleziono.", locked: "Wątek jest zamknięty.",
      muted: "Twoje konto jest wyciszone w tej grupie.", empty: "Najpierw napisz wiadomość.",
      too_long: "Wiadomość jest za długa.", deleted: "Wiadomość została usunięta.",
      hidden: "Wiadomość została ukryta przez moderatora.", flood: "Za dużo działań naraz. Zwolnij.",
      generic: "Coś poszło nie tak.",
    },
  },
  uk: {
    connecting: "З’єднання…", connected: "З’єднано", reconnecting: "Повторне з’єднання…",
    refused: "Не вдається під’єднатися до обговорення. Наступна спроба за хвилину.",
    gone: "Ви більше не є учасником цієї групи.",
    typing: (names, n) => `${names} ${n > 1 ? "пишуть" : "пише"}…`, members: "Учасники групи",
    others: "інші", online: (n) => `${n} ${plural(n, { one: "особа", few: "особи", many: "осіб" })} онлайн`,
    edit: "Редагувати", delete: "Видалити", save: "Зберегти", cancel: "Скасувати", editLabel: "Редагуйте своє повідомлення",
    sent: "Відповідь надіслано", sending: "Надсилання…", retrying: "Не вдалося надіслати, повторна спроба…",
    failed: "Не надіслано.", retry: "Спробувати ще раз", discard: "Відкинути", edited: "(відредаговано)", history: "історія",
    deleted: "Повідомлення видалено.", hidden: "Повідомлення приховав модератор.",
    formerMember: "Колишній учасник", newFrom: (n) => `Нове повідомлення від: ${n}`,
    newMessages: (n) => `Нові повідомлення: ${n}`, newIn: (t) => `Нове повідомлення в темі «${t}»`,
    newThread: (t) => `Нове обговорення: «${t}»`, mentioned: (n) => `${n} згадує вас`,
    showMessage: "Показати повідомлення", reload: "Оновити сторінку",
    reloadNeeded: "Оновіть сторінку, щоб побачити все.", dismiss: "Закрити",
    confirmDelete: "Видалити це повідомлення?", addReaction: "Додати реакцію",
    reactWith: (e) => `Відреагувати: ${e}`, reactions: "Реакції", unread: "непрочитані", pinned: "закріплена",
    locked: "Цю тему закрито: нові повідомлення додавати не можна.",
    suggestions: (n) => `Підказок: ${n}. Оберіть стрілками та підтвердьте клавішею Enter.`,
    more: "Більше", messageActions: "дії з повідомленням", report: "Поскаржитися модераторам",
    hideReason: "Причина приховування", hide: "Приховати", unhide: "Показати знову", remove: "Видалити остаточно",
    held: "очікує на розгляд модератором", giveReason: "Вкажіть причину.", reason: (r) => `Причина: ${r}`,
    hiddenYours: (r) => withReason("Ваше повідомлення приховав модератор.", r),
    deletedYours: (r) => withReason("Ваше повідомлення видалив модератор.", r),
    rejectedYours: (r) => withReason("Ваше повідомлення не опубліковано.", r),
    mutedUntil: (time, n) => `Ви не можете писати в цій групі до ${time} (ще ${n} хв).`,
    canWrite: "Ви знову можете писати.", slowHint: (n) => `Повільний режим: ${n} с між повідомленнями`,
    slowTag: (n) => `повільний режим: ${n} с`, lockedTag: "закрита",
    lock: "Закрити", unlock: "Відкрити", pin: "Закріпити", unpin: "Відкріпити",
    errors: {
      rate_limited: "Ви надсилаєте повідомлення надто швидко.", slow_mode: "У цій темі повільний режим: зачекайте трохи.",
      forbidden: "Ваша роль цього не дозволяє.", not_found: "Не знайдено.", locked: "Тему закрито.",
      muted: "Вам обмежено можливість писати в цій групі.", empty: "Спершу напишіть повідомлення.",
      too_long: "Повідомлення задовге.", deleted: "Повідомлення видалено.",
      hidden: "Повідомлення приховав модератор.", flood: "Забагато дій одночасно. Будь ласка, повільніше.",
      generic: "Щось пішло не так.",
    },
  },
}[LANG];

const RETRY = { base: 500, max: 30_000, refusedAfter: 5, refusedEvery: 60_000, flood: 10_000 };
const TYPING_EVERY = 3_000, TYPING_SHOWN = 5_000, READ_DEBOUNCE = 1_000, RESUME_PATIENCE = 10_000;
const SILENCE_LIMIT = 70_000; // heartbeats come every 25 s: a silent socket is a dead one
const AUTO_RETRY = new Set(["rate_limited", "slow_mode", "flood"]);

const $ = (sel, root = document) => root.querySelector(sel);
const $$ = (sel, root = document) => [...root.querySelectorAll(sel)];
// Times are shown in the person's own time zone (from the profile), as the server does.
let dateFormat = null;
function getDateFormat() {
  dateFormat ??= new Intl.DateTimeFormat(document.documentElement.lang || LANG, {
    day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit",
    ...(config?.timeZone ? { timeZone: config.timeZone } : {}),
  });
  return dateFormat;
}
const listFormat = new Intl.ListFormat(LANG, { type: "conjunction" });

/** Create an element with attributes (`text` sets textContent, `class` the className). */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "text") node.textContent = value;
    else if (key === "class") node.className = value;
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  node.append(...children.filter(Boolean));
  return node;
}

const config = JSON.parse($("#socket-config")?.textContent || "null");
const me = config ? Number(config.user.id) : 0;
const messagesEl = $("#messages");
const threadId = messagesEl ? Number(messagesEl.dataset.thread || config?.thread) : null;
const threadListPage = !messagesEl && Boolean($("#thread-list") || $("#threads-heading"));
const form = $("#reply-form");
const textarea = form?.elements.namedItem("body");
const liveRegion = $("#live-region");

// --- State --------------------------------------------------------------------------

let socket = null;
let lastSeq = Number.isInteger(config?.seq) ? config.seq : null; // list page: first heartbeat
let resumeOutstanding = false, resumeSentAt = 0, resumeTarget = 0;
let attempt = 0, failedOpens = 0, reconnectTimer = 0, silenceTimer = 0;
let connection = "connecting"; // connecting | online | reconnecting | refused | gone
let needsReload = false;
/** @type {Map<string, {clientId: string, body: string, state: string, article: HTMLElement, timer: number}>} */
const pending = new Map();
const bodies = new Map();          // message id → latest markdown body seen in frames
const reactionState = new Map();   // message id → {emoji: {count, mine}}
const names = new Map([[me, config?.user.name]]); // user id → full name
const namesInFlight = new Set();
let online = [];
const typists = new Map();         // user id → {name, timer}
let lastTypingSent = 0, readTimer = 0, lastReadSent = 0, latestThreadSeq = 0;
let burst = [], burstTimer = 0;
/** @type {Map<number, {action: string, reason: string}>} why a facilitator hid/deleted one of my messages */
const modReasons = new Map();
/** While muted in this group: until when (ms since epoch), why, and the countdown timer. */
const mute = { until: 0, reason: "", timer: 0 };

// --- Announcements and notices ---------------------------------------------------------

/** Say something politely through #live-region (cleared first so repeats are read again). */
function announce(text) {
  if (!liveRegion || !text) return;
  liveRegion.textContent = "";
  setTimeout(() => { liveRegion.textContent = text; }, 50);
}

function noticeArea() {
  let area = $("#discussion-notices");
  if (!area) {
    area = el("div", { id: "discussion-notices", class: "discussion-notices" });
    const anchor = $("#connection") || $(".threads-layout") || $("main")?.firstElementChild;
    if (anchor?.id === "connection") anchor.after(area); else if (anchor) anchor.before(area);
    else document.body.prepend(area);
  }
  return area;
}

/** A dismissable notice; `key` replaces an earlier notice with the same key. */
function showNotice(key, ...content) {
  const area = noticeArea();
  $(`[data-notice="${key}"]`, area)?.remove();
  const dismiss = el("button", { type: "button", class: "notice__dismiss", text: STRINGS.dismiss });
  const notice = el("div", { class: "notice discussion-notice", "data-notice": key },
    el("p", {}, ...content), dismiss);
  dismiss.addEventListener("click", () => notice.remove());
  area.append(notice);
  return notice;
}

const clearNotice = (key) => $(`#discussion-notices [data-notice="${key}"]`)?.remove();

function showError(frame) {
  const text = frame.detail || STRINGS.errors[frame.code] || STRINGS.errors.generic;
  showNotice("error", text).classList.add("notice--error");
  announce(text);
}

// --- Connection ---------------------------------------------------------------------

function setConnection(state) {
  connection = state;
  const box = $("#connection");
  const text = { connecting: STRINGS.connecting, online: STRINGS.connected, reconnecting: STRINGS.reconnecting,
    refused: STRINGS.refused, gone: STRINGS.gone }[state];
  if (box) {
    box.textContent = text;
    box.classList.toggle("connection--online", state === "online");
    box.classList.toggle("connection--offline", state !== "online" && state !== "connecting");
  }
  if (state === "refused" || state === "gone") {
    if (!box) showNotice("connection", text);
  } else clearNotice("connection");
}

/** Open the socket; every close schedules the next attempt (see scheduleReconnect). */
function connect() {
  clearTimeout(reconnectTimer);
  const scheme = location.protocol === "https:" ? "wss://" : "ws://";
  let ws;
  try { ws = new WebSocket(scheme + location.host + config.url); } catch { closed(1006, false); return; }
  socket = ws;
  let opened = false;
  ws.addEventListener("open", () => {
    opened = true;
    attempt = 0;
    failedOpens = 0;
    setConnection("online");
    resumeOutstanding = false;
    requestResume();
    for (const entry of pending.values()) if (entry.state !== "failed") transmit(entry);
    watchSilence();
  });
  ws.addEventListener("message", (event) => {
    watchSilence();
    let frame;
    try { frame = JSON.parse(event.data); } catch { return; }
    if (frame && typeof frame.type === "string") handleFrame(frame);
  });
  ws.addEventListener("close", (event) => {
    if (socket === ws) closed(event.code, opened);
  });
}

/** A socket that stays silent past two heartbeats is dead: drop it and reconnect now. */
function watchSilence() {
  clearTimeout(silenceTimer);
  silenceTimer = setTimeout(() => {
    const ws = socket;
    socket = null;
    ws?.close();
    closed(1006, true);
  }, SILENCE_LIMIT);
}

function closed(code, opened) {
  clearTimeout(silenceTimer);
  socket = null;
  for (const entry of pending.values()) if (entry.state === "sent") entry.state = "queued";
  $$("[data-request]").forEach(releaseRequest); // the replay after reconnecting shows what happened
  clearTypists();
  if (code === 4404) { setConnection("gone"); return; }
  if (!opened) failedOpens += 1;
  scheduleReconnect(code);
}

/** Jittered exponential backoff; after repeated refused handshakes, one try a minute. */
function scheduleReconnect(code) {
  let delay;
  if (failedOpens >= RETRY.refusedAfter) {
    setConnection("refused");
    delay = RETRY.refusedEvery * (0.9 + Math.random() * 0.2);
  } else {
    setConnection("reconnecting");
    delay = Math.min(RETRY.max, RETRY.base * 2 ** attempt) * (0.5 + Math.random());
    attempt += 1;
  }
  if (code === 4008) delay = Math.max(delay, RETRY.flood);
  clearTimeout(reconnectTimer);
  reconnectTimer = setTimeout(connect, delay);
}

const isOpen = () => socket?.readyState === WebSocket.OPEN;

function send(frame) {
  if (!isOpen()) return false;
  socket.send(JSON.stringify(frame));
  return true;
}

// --- Delivery -------------------------------------------------------------------------

/** Ask for the events after lastSeq, unless a resume is already on its way. */
function requestResume(target = 0) {
  resumeTarget = Math.max(resumeTarget, target);
  if (lastSeq === null || needsReload || !isOpen()) return;
  if (resumeOutstanding && Date.now() - resumeSentAt < RESUME_PATIENCE) return;
  resumeOutstanding = true;
  resumeSentAt = Date.now();
  send({ type: "resume", after: lastSeq });
}

/** The bell in the header follows the unread count the server sends. */
function onNotification(frame) {
  const bell = document.getElementById("bell-count");
  if (!bell || typeof frame.unread !== "number") return;
  bell.hidden = frame.unread === 0;
  if (bell.firstChild) bell.firstChild.textContent = String(frame.unread);
}

function handleFrame(frame) {
  switch (frame.type) {
    case "notification": return onNotification(frame);
    case "heartbeat": return onHeartbeat(frame);
    case "resync": return onResync();
    case "message.ack": return onAck(frame);
    case "error": return onError(frame);
    case "presence": return onPresence(frame);
    case "typing": return onTyping(frame);
    case "mention": return onMention(frame);
    case "moderation": return onModeration(frame);
    default: if (Number.isInteger(frame.seq)) onEvent(frame);
  }
}

function onHeartbeat({ seq }) {
  if (!Number.isInteger(seq)) return;
  if (lastSeq === null) lastSeq = seq;
  else if (seq > lastSeq) requestResume(seq);
  // The server is behind what this page has seen: its database was restored from a
  // backup. The page's numbers mean nothing any more; reload like after a resync.
  else if (seq < lastSeq) onResync();
}

/** Apply an event only if it is the very next one; anything else is a duplicate or a gap. */
function onEvent(frame) {
  if (lastSeq === null || needsReload || frame.seq <= lastSeq) return;
  if (frame.seq !== lastSeq + 1) { requestResume(frame.seq); return; }
  lastSeq = frame.seq;
  if (lastSeq >= resumeTarget) resumeOutstanding = false;
  const apply = messagesEl ? THREAD_HANDLERS[frame.type] : threadListPage ? LIST_HANDLERS[frame.type] : null;
  apply?.(frame);
}

function onResync() {
  needsReload = true;
  const busy = pending.size > 0 || $$("textarea").some((area) => area.value.trim());
  if (!busy) { location.reload(); return; }
  const button = el("button", { type: "button", class: "button", text: STRINGS.reload });
  button.addEventListener("click", () => location.reload());
  showNotice("resync", STRINGS.reloadNeeded, " ", button);
  announce(STRINGS.reloadNeeded);
}

function onError(frame) {
  if (frame.code === "muted" && frame.retry_after > 0) {
    applyMute(Date.now() + frame.retry_after * 1000, mute.reason, false);
  }
  const entry = frame.client_id && pending.get(frame.client_id);
  if (entry) return markFailed(entry, frame);
  if (onModerationError(frame)) return;
  if (frame.code === "flood") $$("[data-request]").forEach(releaseRequest);
  for (const editor of $$(".message__edit[data-saving]")) {
    delete editor.dataset.saving;
    $$("button", editor).forEach((control) => { control.disabled = false; });
    $("textarea", editor).readOnly = false;
  }
  showError(frame);
}

// --- Rendering messages ------------------------------------------------------------------

const isOwn = (article) => Number(article.dataset.author) === me && me !== 0;
const isGone = (article) => article.classList.contains("message--gone");
const isHeld = (article) => article.classList.contains("message--held");

/** "visible" | "hidden" | "deleted" | "held" (waiting for review) of a message payload. */
const stateOf = (m) => (m.deleted ? "deleted" : m.hidden ? "hidden" : m.held ? "held" : "visible");

/** The state of a server-rendered article; a gone one is hidden if it shows a facilitator's
 * control or text for hidden messages, deleted otherwise (only facilitators can tell). */
function inferState(article) {
  if (isHeld(article)) return "held";
  if (!isGone(article)) return "visible";
  const hiddenSigns = $(".hidden-original", article) || unhideForm(article) ||
    $(".placeholder", article)?.textContent.trim().startsWith(STRINGS.hidden);
  return hiddenSigns ? "hidden" : "deleted";
}

const unhideForm = (root) => $$("form", root).find((f) => f.elements.namedItem("action")?.value === "unhide");

function placeholder(text) { return el("p", { class: "placeholder", text }); }

/** An <article> shaped like templates/groups/_message.html for a `message` payload. */
function renderMessage(m) {
  const gone = m.deleted || m.hidden;
  const article = el("article", {
    class: `message${gone ? " message--gone" : ""}${m.author?.id === me ? " message--own" : ""}`,
    id: `m${m.id}`, "data-id": m.id, "data-seq": m.seq, "data-author": m.author?.id ?? "",
    "aria-labelledby": `m${m.id}-meta`,
  });
  const time = el("time", { datetime: m.created, text: formatDate(m.created) });
  const header = el("header", { class: "message__meta", id: `m${m.id}-meta` },
    el("span", { class: "message__author", text: m.author?.name ?? STRINGS.formerMember }), " ", time);
  article.append(header, el("div", { class: "message__body" }));
  fillMessage(article, m);
  return article;
}

function formatDate(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? "" : getDateFormat().format(date);
}

/** Body, edited marker, reactions, own controls and menu of an article from a payload. */
function fillMessage(article, m) {
  if (m.author) names.set(m.author.id, m.author.name);
  bodies.set(m.id, m.body);
  const gone = m.deleted || m.hidden;
  article.classList.toggle("message--gone", gone);
  article.dataset.seq = m.seq;
  if (gone) setGoneBody(article, stateOf(m));
  else {
    article.dataset.state = stateOf(m);
    $(".message__body", article).innerHTML = m.html; // sanitised on the server (nh3 allow-list)
  }
  const header = $(".message__meta", article);
  if (m.edited && !$(".message__edited", header)) {
    header.append(" ", el("span", { class: "message__edited", text: STRINGS.edited }));
    if (config.canModerate) {
      header.append(" ", el("a", { href: `/groups/${config.group}/messages/${m.id}/history/`, text: STRINGS.history }));
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
 * @param {"hidden" | "deleted"} state
 */
function setGoneBody(article, state) {
  const id = Number(article.dataset.id);
  const body = $(".message__body", article);
  const known = modReasons.get(id);
  const reason = isOwn(article) && known?.action === state ? known.reason : "";
  const unchanged = article.dataset.state === state && $(".placeholder", body);
  article.dataset.state = state;
  article.classList.add("message--gone");
  if (unchanged && !reason) return;
  const text = state === "deleted" ? STRINGS.deleted : STRINGS.hidden;
  body.replaceChildren(placeholder(reason ? `${text} ${STRINGS.reason(reason)}` : text));
}

function setReactions(m) {
  reactionState.set(m.id, Object.fromEntries(Object.entries(m.reactions || {})
    .map(([emoji, users]) => [emoji, { count: users.length, mine: users.includes(me) }])));
}

/** Add the reaction bar and Edit/Delete buttons (also to server-rendered articles). */
function decorate(article) {
  const id = Number(article.dataset.id);
  if (!reactionState.has(id)) reactionState.set(id, readServerReactions(article));
  keepFocus(article, () => {
    $$(".reactions, .message__actions", article).forEach((node) => node.remove());
    if (isGone(article) || isHeld(article)) return;
    const menu = $(":scope > .message__more", article);  // the menu stays last
    const add = (node) => (menu ? menu.before(node) : article.append(node));
    const bar = renderReactions(id);
    if (bar) add(bar);
    if (!isOwn(article)) return;
    const actions = renderOwnActions();
    actions.hidden = Boolean($(".message__edit", article)); // an open editor keeps them hidden
    add(actions);
  });
}

/** Reactions of a server-rendered article: counts from the list; `data-users` if present. */
function readServerReactions(article) {
  const state = {};
  for (const item of $$(".reactions li", article)) {
    const emoji = $("[aria-hidden]", item)?.textContent.trim();
    if (!emoji) continue;
    const users = (item.dataset.users || "").split(",").filter(Boolean).map(Number);
    const count = users.length || parseInt(item.textContent.replace(emoji, ""), 10) || 0;
    state[emoji] = { count, mine: users.includes(me) };
  }
  return state;
}

function renderReactions(id) {
  const state = Object.entries(reactionState.get(id) || {}).filter(([, r]) => r.count > 0);
  if (!config.canPost) {
    if (!state.length) return null;
    return el("ul", { class: "reactions", "aria-label": STRINGS.reactions }, ...state.map(([emoji, r]) =>
      el("li", {}, el("span", { "aria-hidden": "true", text: emoji }), ` ${r.count}`)));
  }
  const bar = el("div", { class: "reactions", role: "group", "aria-label": STRINGS.reactions });
  for (const [emoji, r] of state) {
    bar.append(el("button", { type: "button", class: "reaction", "data-action": "react", "data-emoji": emoji,
      "aria-pressed": String(r.mine), "aria-label": `${STRINGS.reactWith(emoji)} (${r.count})`, text: `${emoji} ${r.count}` }));
  }
  const popoverId = `m${id}-emoji`;
  bar.append(el("button", { type: "button", class: "reaction reaction--add", "data-action": "add-reaction",
    "aria-expanded": "false", "aria-controls": popoverId, "aria-label": STRINGS.addReaction, text: "+" }));
  const popover = el("div", { class: "emoji-popover", id: popoverId, role: "group", "aria-label": STRINGS.addReaction, hidden: true });
  for (const emoji of config.reactions) {
    popover.append(el("button", { type: "button", class: "reaction", "data-action": "react", "data-emoji": emoji,
      "aria-label": STRINGS.reactWith(emoji), text: emoji }));
  }
  bar.append(popover);
  return bar;
}

function renderOwnActions() {
  const actions = el("div", { class: "message__actions" });
  if (config.canPost) actions.append(el("button", { type: "button", class: "button--small", "data-action": "edit", text: STRINGS.edit }));
  actions.append(el("button", { type: "button", class: "button--small", "data-action": "delete", text: STRINGS.delete }));
  return actions;
}

/** Run `change`; if it removed or hid the focused control, focus its twin, a sibling
 * control, or the article itself, so keyboard users do not land on <body>. */
function keepFocus(article, change) {
  const active = document.activeElement;
  if (!active || active === article || !article.contains(active)) { change(); return; }
  const { action, emoji } = active.dataset;
  const wasEditing = Boolean(active.closest(".message__edit"));
  const wasInMenu = Boolean(active.closest(".message__more"));
  change();
  if (active.isConnected && !active.closest("[hidden]")) return;
  const twin = action && $(`[data-action="${action}"]${emoji ? `[data-emoji="${CSS.escape(emoji)}"]` : ""}`, article);
  const menu = $(":scope > .message__more > summary", article);
  const candidates = wasEditing ? [$('[data-action="edit"]', article)]
    : wasInMenu ? [menu, $('[data-action="add-reaction"]', article)]
    : [twin, $('[data-action="add-reaction"]', article), $('[data-action="edit"]', article), menu];
  const target = candidates.find((node) => node && !node.closest("[hidden]"));
  if (target) target.focus();
  else { article.tabIndex = -1; article.focus(); }
}

/** Put a new article after the last confirmed message, before any pending or held ones. */
function insertArticle(article) {
  $("#no-messages")?.remove();
  const firstPending = $(".message--pending, .message--held", messagesEl);
  if (firstPending) firstPending.before(article); else messagesEl.append(article);
}

// --- Thread page events -------------------------------------------------------------------

const THREAD_HANDLERS = {
  "message.new": ({ message: m }) => {
    if (m.thread !== threadId) return;
    const existing = document.getElementById(`m${m.id}`) || claimPending(m);
    if (existing && !existing.classList.contains("message--pending") && !isHeld(existing)) return;
    const article = renderMessage(m);
    if (existing && isHeld(existing)) existing.remove(); // released now: it goes where new messages go
    if (existing && existing.isConnected) existing.replaceWith(article); else insertArticle(article);
    latestThreadSeq = Math.max(latestThreadSeq, m.seq);
    scheduleRead();
    if (m.author?.id !== me) queueAnnouncement(m.author?.name ?? STRINGS.formerMember);
  },
  "message.updated": ({ message: m }) => {
    const article = document.getElementById(`m${m.id}`);
    if (!article || article.classList.contains("message--pending")) { bodies.set(m.id, m.body); return; }
    const editor = $(".message__edit", article);
    if (editor && !editor.dataset.saving && !m.deleted && !m.hidden) {
      bodies.set(m.id, m.body);  // keep the user's unsaved edit; refresh only the reactions
      setReactions(m);
      return decorate(article);
    }
    keepFocus(article, () => { closeEditor(article); fillMessage(article, m); });
  },
  "message.hidden": ({ id }) => {
    bodies.delete(id);
    const article = document.getElementById(`m${id}`);
    if (!article || article.classList.contains("message--pending")) return;
    keepFocus(article, () => {
      closeEditor(article);
      setGoneBody(article, "hidden");
      decorate(article);
      refreshMenu(article);
    });
  },
  "thread.updated": ({ thread }) => {
    if (thread.id !== threadId) return;
    const title = $("#thread-title");
    if (title) title.textContent = thread.title;
    showLocked(thread.locked);
    syncThreadTags(thread);
    syncThreadButtons(thread);
    setSlowModeHint(thread.slow_mode);
  },
};

/** A message.new of ours that overtook its ack: match it to a pending send by body. */
function claimPending(m) {
  if (m.author?.id !== me) return null;
  for (const entry of pending.values()) {
    if (entry.state === "sent" && entry.body.trim() === (m.body || "").trim()) {
      entry.state = "claimed";
      return entry.article;
    }
  }
  return null;
}

function queueAnnouncement(name) {
  burst.push(name);
  clearTimeout(burstTimer);
  burstTimer = setTimeout(() => {
    announce(burst.length === 1 ? STRINGS.newFrom(burst[0]) : STRINGS.newMessages(burst.length));
    burst = [];
  }, 600);
}

// --- Sending (optimistic) -----------------------------------------------------------------

function onSubmit(event) {
  if (connection === "refused" || connection === "gone") {   // the plain form still works
    const hidden = form.elements.namedItem("client_id");
    if (hidden && !hidden.value) hidden.value = uuid();
    return;
  }
  event.preventDefault();
  const body = textarea.value;
  if (!body.trim()) { textarea.focus(); return; }
  const clientId = uuid();
  const article = renderPending(clientId, body);
  const entry = { clientId, body, state: "queued", article, timer: 0 };
  pending.set(clientId, entry);
  messagesEl.append(article);
  $("#no-messages")?.remove();
  article.scrollIntoView({ block: "nearest" });
  textarea.value = "";
  closeAutocomplete();
  transmit(entry);
}

/** crypto.randomUUID needs a secure context; fall back to random bytes elsewhere. */
function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  return [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function renderPending(clientId, body) {
  const article = el("article", { class: "message message--own message--pending", id: `p-${clientId}`,
    "data-client-id": clientId, "data-author": me, "aria-labelledby": `p-${clientId}-meta` });
  const now = new Date();
  article.append(
    el("header", { class: "message__meta", id: `p-${clientId}-meta` },
      el("span", { class: "message__author", text: config.user.name }), " ",
      el("time", { datetime: now.toISOString(), text: getDateFormat().format(now) }), " ",
      el("span", { class: "message__status", text: STRINGS.sending })),
    el("div", { class: "message__body message__body--plain" }, el("p", { text: body })));
  return article;
}

/** Send (or re-send, same client_id) a pending message; queued until the socket opens. */
function transmit(entry) {
  clearTimeout(entry.timer);
  setPendingStatus(entry, STRINGS.sending, false);
  entry.state = send({ type: "message.send", thread: threadId, body: entry.body, client_id: entry.clientId })
    ? "sent" : "queued";
}

function setPendingStatus(entry, text, failed) {
  const { article } = entry;
  article.classList.toggle("message--failed", failed);
  $(".message__status", article).textContent = text;
  $(".message__retry", article)?.remove();
}

function onAck({ client_id: clientId, id, held }) {
  const entry = pending.get(clientId);
  if (!entry) return;
  pending.delete(clientId);
  clearTimeout(entry.timer);
  if (held) {          // kept for a facilitator's review: no message.new will follow
    markHeld(entry.article, id);
    announce(STRINGS.held);
    return;
  }
  const real = document.getElementById(`m${id}`);
  if (real && real !== entry.article) { entry.article.remove(); }
  else if (entry.article.isConnected && entry.article.classList.contains("message--pending")) {
    entry.article.id = `m${id}`;          // message.new will fill it in
    entry.article.dataset.id = id;
    setPendingStatus(entry, STRINGS.sent, false);
  }
  announce(STRINGS.sent);
}

function markFailed(entry, frame) {
  const detail = frame.detail || STRINGS.errors[frame.code] || STRINGS.failed;
  entry.state = "failed";
  if (AUTO_RETRY.has(frame.code) && frame.retry_after) {
    setPendingStatus(entry, `${STRINGS.retrying} ${detail}`, false);
    entry.timer = setTimeout(() => transmit(entry), frame.retry_after * 1000);
    return;
  }
  setPendingStatus(entry, detail, true);
  entry.article.append(el("div", { class: "message__actions message__retry" },
    el("button", { type: "button", class: "button--small", "data-action": "retry", text: STRINGS.retry }),
    el("button", { type: "button", class: "button--small", "data-action": "discard", text: STRINGS.discard })));
  announce(detail);
}

// --- Editing, deleting, reacting -------------------------------------------------------------

function openEditor(article) {
  if ($(".message__edit", article)) return;
  const id = Number(article.dataset.id);
  const body = $(".message__body", article);
  const area = el("textarea", { class: "message__edit-text", rows: 4, "aria-label": STRINGS.editLabel });
  area.value = bodies.get(id) ?? body.innerText.trim();
  const editor = el("form", { class: "message__edit" }, area, el("div", { class: "button-row" },
    el("button", { type: "submit", class: "button--small", "data-action": "save", text: STRINGS.save }),
    el("button", { type: "button", class: "button--small", "data-action": "cancel", text: STRINGS.cancel })));
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

function closeEditor(article) {
  $(".message__edit", article)?.remove();
  $(".message__body", article).hidden = false;
  const actions = $(".message__actions", article);
  if (actions) actions.hidden = false;
}

function cancelEdit(article) {
  closeEditor(article);
  $('[data-action="edit"]', article)?.focus();
}

function togglePopover(button, open = button.getAttribute("aria-expanded") !== "true") {
  for (const other of $$('[data-action="add-reaction"][aria-expanded="true"]')) {
    if (other !== button) togglePopover(other, false);
  }
  button.setAttribute("aria-expanded", String(open));
  const popover = document.getElementById(button.getAttribute("aria-controls"));
  popover.hidden = !open;
  if (open) $("button", popover)?.focus();
}

/** One click handler for every message control (event delegation). */
function onMessagesClick(event) {
  const button = event.target.closest("button[data-action]");
  const article = button?.closest("article");
  if (!article) return;
  const id = Number(article.dataset.id);
  switch (button.dataset.action) {
    case "edit": return openEditor(article);
    case "cancel": return cancelEdit(article);
    case "delete":
      if (window.confirm(STRINGS.confirmDelete)) send({ type: "message.delete", id });
      return;
    case "add-reaction": return togglePopover(button);
    case "react": {
      send({ type: "reaction.toggle", message: id, emoji: button.dataset.emoji });
      const opener = $('[data-action="add-reaction"]', article);
      if (button.closest(".emoji-popover")) { togglePopover(opener, false); opener.focus(); }
      return;
    }
    case "retry": {
      const entry = pending.get(article.dataset.clientId);
      if (entry) transmit(entry);
      return;
    }
    case "discard":
      clearTimeout(pending.get(article.dataset.clientId)?.timer);
      pending.delete(article.dataset.clientId);
      article.remove();
      textarea?.focus();
  }
}

function onDocumentKeydown(event) {
  const open = $('[data-action="add-reaction"][aria-expanded="true"]');
  if (event.key === "Escape" && open) { togglePopover(open, false); open.focus(); }
}

function onDocumentClick(event) {
  if (event.target.closest(".reactions")) return;
  const open = $('[data-action="add-reaction"][aria-expanded="true"]');
  if (open) togglePopover(open, false);
}

// --- Moderation: the "More" menu of a message -------------------------------------------------

/** @param {number} id @param {"report" | "remove" | "moderate"} page */
const messageUrl = (id, page) => `/groups/${config.group}/messages/${id}/${page}/`;
const HIDE_REASON_MAX = 500;

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
    items.push(el("a", { href: messageUrl(id, "report"), text: STRINGS.report }));
  }
  if (config.canModerate) {
    items.push(state === "hidden" ? renderUnhideForm(id) : renderHideForm(id),
      el("a", { href: messageUrl(id, "remove"), text: STRINGS.remove }));
  }
  if (!items.length) return null;
  return el("details", { class: "message__more", "data-state": state },
    el("summary", {}, STRINGS.more, el("span", { class: "visually-hidden", text: ` — ${STRINGS.messageActions}` })),
    el("div", { class: "message__more-body" }, ...items));
}

/** A facilitator's "hide" form: a labelled reason and a Hide button (sent over the socket). */
function renderHideForm(id) {
  const inputId = `hide-reason-${id}`;
  return el("form", { method: "post", action: messageUrl(id, "moderate"), class: "moderate-form", novalidate: true },
    csrfField(), el("input", { type: "hidden", name: "action", value: "hide" }),
    el("label", { for: inputId, text: STRINGS.hideReason }),
    el("input", { id: inputId, name: "reason", required: true, maxlength: HIDE_REASON_MAX, autocomplete: "off" }),
    el("button", { type: "submit", text: STRINGS.hide }));
}

/** A facilitator's "Show again" form for a hidden message. */
function renderUnhideForm(id) {
  return el("form", { method: "post", action: messageUrl(id, "moderate"), class: "inline-form" },
    csrfField(), el("input", { type: "hidden", name: "action", value: "unhide" }),
    el("button", { type: "submit", text: STRINGS.unhide }));
}

/**
 * Make the menu match the article's state. A menu already built for this state is left
 * alone, so a reaction or an edit does not wipe a reason being typed; an open menu stays open.
 * @param {HTMLElement} article
 */
function refreshMenu(article) {
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
function adoptServerMenu(article) {
  const menu = $(":scope > .message__more", article);
  if (!menu) return;
  if (!$(".message__more-body > *", menu)) { menu.remove(); return; }
  menu.dataset.state = article.dataset.state;
  for (const hideForm of $$("form.moderate-form", menu)) hideForm.noValidate = true;
}

/** Mark my pending article as held for review (the ack said `held`). */
function markHeld(article, id) {
  article.id = `m${id}`;
  article.dataset.id = id;
  article.dataset.state = "held";
  article.classList.remove("message--pending", "message--failed");
  article.classList.add("message--held");
  $$(".message__status, .message__retry", article).forEach((node) => node.remove());
  $(".message__meta", article).append(" ", el("span", { class: "tag", text: STRINGS.held }));
}

// --- Moderation: requests over the socket ---------------------------------------------------

const MESSAGE_ACTIONS = new Set(["hide", "unhide"]);
const THREAD_ACTIONS = new Set(["lock", "unlock", "pin", "unpin"]);

/**
 * Send a facilitator's frame tagged with a `client_id` (the server echoes it in an error),
 * and mark `control` — a form or a button — as waiting until the resulting event arrives.
 * @param {HTMLElement} control
 * @param {object} frame
 * @returns {boolean} whether the frame went out
 */
function requestModeration(control, frame) {
  const clientId = uuid();
  if (!send({ ...frame, client_id: clientId })) return false;
  control.dataset.request = clientId;
  const buttons = control.matches("button") ? [control] : $$("button", control);
  buttons.forEach((button) => button.setAttribute("aria-disabled", "true"));
  return true;
}

/** The control is no longer waiting for an answer. */
function releaseRequest(control) {
  delete control.dataset.request;
  const buttons = control.matches("button") ? [control] : $$("button", control);
  buttons.forEach((button) => button.removeAttribute("aria-disabled"));
}

/** An error for a moderation request of ours: shown next to its form, or as a notice. */
function onModerationError(frame) {
  const id = typeof frame.client_id === "string" && /^[\w-]+$/.test(frame.client_id) ? frame.client_id : "";
  const control = id && $(`[data-request="${id}"]`);
  if (!control) return false;
  releaseRequest(control);
  const text = frame.detail || STRINGS.errors[frame.code] || STRINGS.errors.generic;
  if (control.matches("form")) { showFormError(control, text); announce(text); }
  else showError(frame);
  return true;
}

/** An error message inside a (hide) form, tied to its reason field. */
function showFormError(formEl, text) {
  const input = formEl.elements.namedItem("reason");
  let note = $(".moderate-form__error", formEl);
  if (!note) {
    note = el("p", { class: "moderate-form__error" });
    if (input?.id) note.id = `${input.id}-error`;
    formEl.append(note);
  }
  note.textContent = text;
  if (input) {
    input.setAttribute("aria-invalid", "true");
    if (note.id) input.setAttribute("aria-describedby", note.id);
  }
}

function clearFormError(formEl) {
  $(".moderate-form__error", formEl)?.remove();
  const input = formEl.elements.namedItem("reason");
  input?.removeAttribute("aria-invalid");
  input?.removeAttribute("aria-describedby");
}

/**
 * Hide / "Show again" forms inside the messages (server-rendered or built here): send the
 * socket frame when connected; otherwise the form posts to /moderate/ as it would without JS.
 * @param {SubmitEvent} event
 */
function onMessagesSubmit(event) {
  const formEl = event.target;
  const action = formEl.elements?.namedItem("action")?.value;
  const article = formEl.closest("article.message");
  const moderates = /\/moderate\/$/.test(formEl.getAttribute("action") || "") || formEl.closest(".message__more");
  if (!article || !moderates || !MESSAGE_ACTIONS.has(action)) return;
  const reasonInput = formEl.elements.namedItem("reason");
  const reason = reasonInput?.value.trim() ?? "";
  clearFormError(formEl);
  if (action === "hide" && !reason) {
    event.preventDefault();
    showFormError(formEl, STRINGS.giveReason);
    announce(STRINGS.giveReason);
    reasonInput?.focus();
    return;
  }
  if (!isOpen()) return;  // the plain POST still works
  event.preventDefault();
  if (formEl.dataset.request) return;  // already sent, waiting for the result
  const id = Number(article.dataset.id);
  const frame = action === "hide" ? { type: "message.hide", id, reason: reason.slice(0, HIDE_REASON_MAX) }
    : { type: "message.unhide", id };
  requestModeration(formEl, frame);
}

/**
 * Lock/unlock and pin/unpin buttons of the thread's moderation bar: socket frames when
 * connected, the plain POST otherwise. Slow mode has no frame and always posts.
 * @param {SubmitEvent} event
 */
function onModerationBarSubmit(event) {
  const button = event.submitter;
  const action = button?.name === "action" ? button.value : "";
  if (!THREAD_ACTIONS.has(action) || !isOpen()) return;
  const match = /\/threads\/(\d+)\/moderate\/$/.exec(event.target.getAttribute("action") || "");
  const thread = match ? Number(match[1]) : threadId;
  if (!thread) return;
  event.preventDefault();
  if (button.dataset.request) return;
  requestModeration(button, { type: `thread.${action}`, thread });
}

// --- Moderation: the thread page after thread.updated ---------------------------------------

const TAG_ORDER = ["pinned", "locked", "slow"];
const TAG_MATCHES = {
  pinned: (text) => [STRINGS.pinned, "pinned"].includes(text),
  locked: (text) => [STRINGS.lockedTag, "locked"].includes(text),
  slow: (text) => /\d/.test(text),
};

/** The header tag of one kind: ours carry data-tag; the server's are recognised by text. */
function findTag(meta, kind) {
  const tags = $$(":scope > .tag", meta);
  return tags.find((tag) => tag.dataset.tag === kind) ||
    tags.find((tag) => !tag.dataset.tag && TAG_MATCHES[kind](tag.textContent.trim().toLowerCase()));
}

/** Show (with `text`) or remove (`text` falsy) the header tag of one kind, in a stable order. */
function setTag(meta, kind, text) {
  let tag = findTag(meta, kind);
  if (!text) { tag?.remove(); return; }
  if (!tag) {
    tag = el("span", { class: "tag", "data-tag": kind });
    const later = TAG_ORDER.slice(TAG_ORDER.indexOf(kind) + 1).map((k) => findTag(meta, k)).find(Boolean);
    const before = later || $("#presence", meta);
    if (before) before.before(tag, " "); else meta.append(" ", tag);
  }
  tag.textContent = text;
}

function syncThreadTags(thread) {
  const meta = $(".thread__head .meta");
  if (!meta) return;
  setTag(meta, "pinned", thread.pinned && STRINGS.pinned);
  setTag(meta, "locked", thread.locked && STRINGS.lockedTag);
  setTag(meta, "slow", thread.slow_mode > 0 && STRINGS.slowTag(thread.slow_mode));
}

/** Lock ↔ Unlock, Pin ↔ Unpin; a button waiting for this very change is released. */
function syncThreadButtons(thread) {
  for (const button of $$('.moderation-bar button[name="action"]')) {
    const pair = ["lock", "unlock"].includes(button.value) ? [thread.locked, "unlock", "lock"]
      : ["pin", "unpin"].includes(button.value) ? [thread.pinned, "unpin", "pin"] : null;
    if (!pair) continue;
    const [on, undo, doIt] = pair;
    const value = on ? undo : doIt;
    if (button.value === value) continue;
    button.value = value;
    button.textContent = STRINGS[value];
    releaseRequest(button);
  }
}

/** Locked: hide the reply form and show the locked notice; unlocked: the reverse. A page
 * rendered locked has no reply form: then a reload is offered to those who may post. */
function showLocked(locked) {
  if (form) form.hidden = locked;
  const staticNotice = $(".thread > p.notice");  // rendered by the server on a locked thread
  if (staticNotice) staticNotice.hidden = !locked;
  if (locked && !staticNotice) showNotice("locked", STRINGS.locked); else clearNotice("locked");
  if (!locked && !form && config.canPost && staticNotice) {
    const button = el("button", { type: "button", class: "button", text: STRINGS.reload });
    button.addEventListener("click", () => location.reload());
    showNotice("unlocked", STRINGS.reloadNeeded, " ", button);
  } else if (locked) clearNotice("unlocked");
}

/** "Slow mode: N s between messages" inside the reply form, read with the textarea. */
function setSlowModeHint(seconds) {
  let hint = $("#slow-mode-hint");
  if (!(seconds > 0) || !form) { if (hint) { describe(textarea, hint.id, false); hint.remove(); } return; }
  if (!hint) {
    hint = el("p", { id: "slow-mode-hint", class: "slow-mode-hint" });
    const submit = $('button[type="submit"]', form);
    if (submit) submit.before(hint); else form.append(hint);
    describe(textarea, hint.id, true);
  }
  hint.textContent = STRINGS.slowHint(seconds);
}

/** Add or remove one id in an element's aria-describedby list. */
function describe(node, id, add) {
  if (!node) return;
  const ids = (node.getAttribute("aria-describedby") || "").split(/\s+/).filter((x) => x && x !== id);
  if (add) ids.push(id);
  if (ids.length) node.setAttribute("aria-describedby", ids.join(" "));
  else node.removeAttribute("aria-describedby");
}

// --- Moderation: frames about me -----------------------------------------------------------

/** `moderation` frames are sent only to the person concerned (on every socket they have open). */
function onModeration(frame) {
  if (frame.group !== undefined && frame.group !== null && Number.isInteger(config.groupId) &&
      frame.group !== config.groupId) return;
  switch (frame.action) {
    case "hidden": return onMyMessageModerated(frame, "hidden", STRINGS.hiddenYours(frame.reason));
    case "deleted": return onMyMessageModerated(frame, "deleted", STRINGS.deletedYours(frame.reason));
    case "rejected": return onMyMessageRejected(frame);
    case "muted": return applyMute(Date.parse(frame.until), frame.reason || "", true);
    case "unmuted": return endMute(true);
  }
}

/**
 * My message was hidden or deleted: remember the reason for its placeholder (the public
 * event may come before or after this frame) and say so; a visible notice as well when the
 * message is not on this page.
 */
function onMyMessageModerated({ message: id, reason }, action, text) {
  modReasons.set(id, { action, reason: reason || "" });
  const article = document.getElementById(`m${id}`);
  if (article?.dataset.state === action) setGoneBody(article, action);
  if (!article) showNotice(`moderation-${id}`, text);
  announce(text);
}

/** My held message was rejected: its article says why and can be dismissed. */
function onMyMessageRejected({ message: id, reason }) {
  const text = STRINGS.rejectedYours(reason);
  const article = document.getElementById(`m${id}`);
  if (article) {
    keepFocus(article, () => {
      article.dataset.state = "rejected";
      article.classList.remove("message--held", "message--pending");
      article.classList.add("message--gone", "message--rejected");
      $$(".message__meta .tag, .message__actions, .message__more, .reactions", article).forEach((n) => n.remove());
      $(".message__body", article).replaceChildren(placeholder(text));
      article.append(el("div", { class: "message__actions" },
        el("button", { type: "button", class: "button--small", "data-action": "discard", text: STRINGS.dismiss })));
    });
  } else showNotice(`moderation-${id}`, text);
  announce(text);
}

// --- Moderation: being muted ---------------------------------------------------------------

/** The form I write in: the reply form, or the new-discussion form of the thread list. */
const composer = () => form || $("#new-thread-heading")?.closest("section")?.querySelector("form") || null;

function formatUntil(ms) {
  const options = { hour: "numeric", minute: "2-digit", ...(config.timeZone ? { timeZone: config.timeZone } : {}) };
  const day = (d) => new Intl.DateTimeFormat("en", { dateStyle: "short", timeZone: options.timeZone }).format(d);
  if (day(new Date(ms)) !== day(new Date())) Object.assign(options, { day: "numeric", month: "long" });
  return new Intl.DateTimeFormat(document.documentElement.lang || LANG, options).format(new Date(ms));
}

/**
 * Muted until `until` (ms): a persistent notice above the form, counting down each minute,
 * and the form's fields disabled until then.
 * @param {number} until
 * @param {string} reason
 * @param {boolean} say announce it (not when an error frame already said so)
 */
function applyMute(until, reason, say) {
  if (!Number.isFinite(until) || until <= Date.now()) return;
  const changed = Math.abs(until - mute.until) > 1000 || reason !== mute.reason;
  Object.assign(mute, { until, reason });
  setComposerDisabled(true);
  renderMute();
  if (say && changed) announce($("#mute-notice")?.textContent);
}

function renderMute() {
  clearTimeout(mute.timer);
  const left = mute.until - Date.now();
  if (left <= 0) { endMute(true); return; }
  const minutes = Math.ceil(left / 60_000);
  let notice = $("#mute-notice");
  if (!notice) {
    notice = el("p", { id: "mute-notice", class: "mute-notice" });
    const target = composer();
    if (target) target.before(notice); else noticeArea().append(notice);
  }
  notice.textContent = STRINGS.mutedUntil(formatUntil(mute.until), minutes) +
    (mute.reason ? ` ${STRINGS.reason(mute.reason)}` : "");
  mute.timer = setTimeout(renderMute, left - (minutes - 1) * 60_000); // when the minute count drops
}

/** The mute is over (time passed, or a facilitator lifted it). */
function endMute(say) {
  const wasMuted = mute.until > 0;
  clearTimeout(mute.timer);
  Object.assign(mute, { until: 0, reason: "", timer: 0 });
  $("#mute-notice")?.remove();
  setComposerDisabled(false);
  if (say && wasMuted) announce(STRINGS.canWrite);
}

/** Disable (or re-enable) the fields and buttons of the composer; only those we disabled
 * are enabled again. */
function setComposerDisabled(disabled) {
  const target = composer();
  if (!target) return;
  for (const control of $$("textarea, input:not([type=hidden]), button", target)) {
    if (disabled && !control.disabled) { control.disabled = true; control.dataset.muted = ""; }
    else if (!disabled && "muted" in control.dataset) { control.disabled = false; delete control.dataset.muted; }
  }
  if (disabled && target === form) closeAutocomplete();
}

// --- Typing, presence, read position ---------------------------------------------------------

function onReplyInput() {
  const now = Date.now();
  if (textarea.value.trim() && now - lastTypingSent >= TYPING_EVERY && send({ type: "typing", thread: threadId })) {
    lastTypingSent = now;
  }
  updateAutocomplete();
}

function onTyping({ thread, user }) {
  if (thread !== threadId || !user || user.id === me) return;
  names.set(user.id, user.name);
  clearTimeout(typists.get(user.id)?.timer);
  const timer = setTimeout(() => { typists.delete(user.id); renderTypists(); }, TYPING_SHOWN);
  typists.set(user.id, { name: user.name, timer });
  renderTypists();
}

function clearTypists() {
  for (const { timer } of typists.values()) clearTimeout(timer);
  typists.clear();
  renderTypists();
}

function renderTypists() {
  const box = $("#typing");
  if (!box) return;
  const list = [...typists.values()].map((t) => t.name);
  const shown = list.length > 3 ? [...list.slice(0, 3), STRINGS.others] : list;
  box.textContent = shown.length ? STRINGS.typing(listFormat.format(shown), list.length) : "";
}

function onPresence(frame) {
  online = (frame.online || []).map(Number);
  fetchNames(online.filter((id) => !names.has(id)));
  renderPresence();
}

function renderPresence() {
  const box = $("#presence");
  if (!box) return;
  const known = online.map((id) => names.get(id)).filter(Boolean).slice(0, 5);
  const more = online.length > known.length ? ` +${online.length - known.length}` : "";
  box.replaceChildren(el("span", { class: "presence__count", text: STRINGS.online(online.length) }),
    known.length ? el("span", { class: "presence__names", text: `: ${known.join(", ")}${more}` }) : "");
}

/** Names for user ids from membersUrl?ids=…, cached; re-renders the presence line. */
async function fetchNames(ids) {
  const wanted = ids.filter((id) => !namesInFlight.has(id));
  if (!wanted.length || !$("#presence")) return;
  wanted.forEach((id) => namesInFlight.add(id));
  try {
    const url = new URL(config.membersUrl, location.href);
    url.searchParams.set("ids", wanted.join(","));
    for (const member of await fetchMembers(url)) names.set(member.id, member.name);
    renderPresence();
  } catch { /* names are a nicety; the count is still shown */ }
  wanted.forEach((id) => namesInFlight.delete(id));
}

async function fetchMembers(url, signal) {
  const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin", signal });
  if (!response.ok) throw new Error(String(response.status));
  return (await response.json()).members || [];
}

function scheduleRead() {
  clearTimeout(readTimer);
  if (document.visibilityState === "visible") readTimer = setTimeout(sendRead, READ_DEBOUNCE);
}

function sendRead() {
  if (latestThreadSeq > lastReadSent && send({ type: "read", thread: threadId, seq: latestThreadSeq })) {
    lastReadSent = latestThreadSeq;
  }
}

// --- Mentions ------------------------------------------------------------------------------

const MENTION_QUERY = /(?:^|[\s(])@(\p{L}[\p{L}\p{M}'’.-]*(?: \p{L}[\p{L}\p{M}'’.-]*)?)$/u;
const ac = { list: null, items: [], active: -1, start: 0, timer: 0, abort: null };

function setupAutocomplete() {
  ac.list = el("ul", { id: "mention-list", class: "mention-list", role: "listbox", "aria-label": STRINGS.members, hidden: true });
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

function updateAutocomplete() {
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
    names.set(member.id, member.name);
    return el("li", { id: `mention-opt-${index}`, role: "option", class: "mention-list__option",
      "data-index": index, "aria-selected": "false", text: member.name });
  }));
  if (!members.length) { closeAutocomplete(); return; }
  const wasOpen = !ac.list.hidden;
  ac.list.hidden = false;
  setActive(0);
  if (!wasOpen) announce(STRINGS.suggestions(members.length));
}

function setActive(index) {
  ac.active = (index + ac.items.length) % ac.items.length;
  $$("[role=option]", ac.list).forEach((option, i) => option.setAttribute("aria-selected", String(i === ac.active)));
  textarea.setAttribute("aria-activedescendant", `mention-opt-${ac.active}`);
  $(`#mention-opt-${ac.active}`)?.scrollIntoView({ block: "nearest" });
}

function closeAutocomplete() {
  if (!ac.list) return;
  clearTimeout(ac.timer);
  ac.abort?.abort();
  ac.list.hidden = true;
  ac.items = [];
  ac.active = -1;
  textarea.removeAttribute("aria-activedescendant");
}

/** Replace "@query" before the caret with the protocol's mention syntax. */
function pickMention(index) {
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

function onReplyKeydown(event) {
  if (event.isComposing) return;  // an IME is composing: Enter belongs to it
  const open = ac.list && !ac.list.hidden && ac.items.length;
  if (open) {
    const keys = { ArrowDown: () => setActive(ac.active + 1), ArrowUp: () => setActive(ac.active - 1),
      Enter: () => pickMention(ac.active), Tab: () => pickMention(ac.active), Escape: closeAutocomplete };
    if (keys[event.key] && !(event.key === "Enter" && event.shiftKey)) {
      event.preventDefault();
      keys[event.key]();
      return;
    }
  }
  if (event.key === "Enter" && !event.shiftKey && !event.ctrlKey && !event.altKey && !event.metaKey && !event.isComposing) {
    event.preventDefault();
    form.requestSubmit();
  }
}

function onMention(frame) {
  const author = typeof frame.author === "string" ? frame.author : frame.author?.name || STRINGS.formerMember;
  announce(STRINGS.mentioned(author));
  if (frame.thread === threadId) return;
  const sameGroup = !Number.isInteger(config.groupId) || frame.group === config.groupId;
  const link = sameGroup && el("a", { href: `/groups/${config.group}/threads/${frame.thread}/#m${frame.message}`,
    text: STRINGS.showMessage });
  showNotice(`mention-${frame.message}`, STRINGS.mentioned(author), link ? " — " : "", link);
}

// --- Thread list page ------------------------------------------------------------------------

const paged = Number(new URLSearchParams(location.search).get("page") || 1) > 1;
const rowOf = (id) => $(`#thread-list > li[data-thread="${id}"]`);
const isPinned = (row) => row.dataset.pinned === "true" ||
  (row.dataset.pinned === undefined && $$(".tag", row)
    .some((tag) => [STRINGS.pinned, "pinned"].includes(tag.textContent.trim().toLowerCase())));

const LIST_HANDLERS = {
  "message.new": ({ message: m }) => {
    const row = rowOf(m.thread);
    if (!row) return;
    const time = $("time", row);
    if (time && m.created) { time.dateTime = m.created; time.textContent = formatDate(m.created); }
    if (m.author?.id !== me) {
      const badge = $(".unread", row);
      if (badge) {
        const count = (parseInt(badge.dataset.unread, 10) || 0) + 1;
        badge.dataset.unread = count;
        badge.textContent = `${count} ${STRINGS.unread}`;
        badge.hidden = false;
      }
      row.classList.add("thread-row--unread");
      announce(STRINGS.newIn($(".thread-row__title", row)?.textContent.trim() || ""));
    }
    moveToTop(row);
  },
  "thread.updated": ({ thread }) => {
    let row = rowOf(thread.id);
    if (row) {
      $(".thread-row__title", row).textContent = thread.title;
      row.dataset.pinned = String(thread.pinned);
      row.dataset.locked = String(thread.locked);
      return;
    }
    if (paged) return;
    row = renderRow(thread);
    threadList().prepend(row);
    moveToTop(row);
    announce(STRINGS.newThread(thread.title));
  },
};

function threadList() {
  let list = $("#thread-list");
  if (!list) {  // the page had no threads yet
    list = el("ul", { class: "thread-list", id: "thread-list" });
    $("#threads-heading").after(list);
  }
  $$(":scope > li:not([data-thread])", list).forEach((item) => item.remove());
  return list;
}

function renderRow(thread) {
  const tags = [thread.pinned && STRINGS.pinned].filter(Boolean)
    .map((text) => el("span", { class: "tag", text }));
  return el("li", { class: "thread-row", "data-thread": thread.id, "data-pinned": String(thread.pinned) },
    el("a", { class: "thread-row__title", href: `/groups/${config.group}/threads/${thread.id}/`, text: thread.title }), " ",
    el("span", { class: "meta" }, ...tags, " ",
      el("time", { datetime: thread.last_activity, text: formatDate(thread.last_activity) })), " ",
    el("span", { class: "unread", "data-unread": "0", hidden: true }));
}

/** Move a row to the top of the list, below the pinned rows (a pinned row to the very top). */
function moveToTop(row) {
  if (paged) return;
  const list = row.parentElement;
  if (isPinned(row)) { list.prepend(row); return; }
  const firstLoose = $$(":scope > li", list).find((other) => other !== row && !isPinned(other));
  if (firstLoose) firstLoose.before(row); else list.append(row);
}

// --- Start ------------------------------------------------------------------------------------

function seedFromPage() {
  for (const article of $$("#messages article.message")) {
    const author = Number(article.dataset.author);
    const name = $(".message__author", article)?.textContent.trim();
    if (author && name) names.set(author, name);
    latestThreadSeq = Math.max(latestThreadSeq, Number(article.dataset.seq) || 0);
    article.dataset.state = inferState(article);
    decorate(article);
    adoptServerMenu(article);
  }
  lastReadSent = latestThreadSeq; // the server marked the page read when it rendered it
}

function start() {
  if (messagesEl) {
    seedFromPage();
    messagesEl.addEventListener("click", onMessagesClick);
    messagesEl.addEventListener("submit", onMessagesSubmit);
    $(".moderation-bar")?.addEventListener("submit", onModerationBarSubmit);
    if (Number(config.slowMode) > 0) setSlowModeHint(Number(config.slowMode));
    document.addEventListener("keydown", onDocumentKeydown);
    document.addEventListener("click", onDocumentClick);
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") sendRead();
    });
    if (form && textarea && threadId) {
      form.addEventListener("submit", onSubmit);
      textarea.addEventListener("keydown", onReplyKeydown);
      textarea.addEventListener("input", onReplyInput);
      setupAutocomplete();
      if (!textarea.hasAttribute("aria-describedby") && $("#format-help")) {
        textarea.setAttribute("aria-describedby", "format-help");
      }
    }
  }
  if (config.mutedUntil) applyMute(Date.parse(config.mutedUntil), config.muteReason || "", false);
  window.addEventListener("online", () => { if (!socket && connection !== "gone") connect(); });
  setConnection("connecting");
  connect();
}

if (config && "WebSocket" in window) start();
