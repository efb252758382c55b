/**
 * The page the client runs on, and the one object that holds everything that changes
 * while it runs. The delivery rules the socket state follows are in socket.js.
 */

/** The socket config the view renders with json_script; null on a page without one. */
export const config = JSON.parse(document.getElementById("socket-config")?.textContent || "null");
export const me = config ? Number(config.user.id) : 0;

/** The page's language, for Intl formats (the texts come from Django's catalogue). */
export const LANG = ["pl", "uk"].includes(document.documentElement.lang.slice(0, 2))
  ? document.documentElement.lang.slice(0, 2) : "en";

export const messagesEl = document.getElementById("messages");
export const threadId = messagesEl ? Number(messagesEl.dataset.thread || config?.thread) : null;
export const threadListPage = !messagesEl &&
  Boolean(document.getElementById("thread-list") || document.getElementById("threads-heading"));
export const form = document.getElementById("reply-form");
export const textarea = form?.elements.namedItem("body");
export const liveRegion = document.getElementById("live-region");

/**
 * URLs of the page, reversed by Django in the template (data-*-url attributes of the
 * client's script element); those of one message or thread were reversed with the id 0.
 */
const urlData = document.getElementById("discussion-client")?.dataset ?? {};
export const urls = {
  thread: urlData.threadUrl,
  threadModerate: urlData.threadModerateUrl,
  messageHistory: urlData.messageHistoryUrl,
  messageLink: urlData.messageLinkUrl,
  messageReport: urlData.messageReportUrl,
  messageModerate: urlData.messageModerateUrl,
  messageRemove: urlData.messageRemoveUrl,
};

// The id is the last "/0/" of such a URL: a group's slug may be "0" too, but it comes
// before the id, and only fixed words follow it.
const PLACEHOLDER = "/0/";

/** The URL `template` (see `urls`) for the message or thread `id`. */
export function urlFor(template, id) {
  const at = template.lastIndexOf(PLACEHOLDER);
  return `${template.slice(0, at)}/${id}/${template.slice(at + PLACEHOLDER.length)}`;
}

/** The id in `url` if it is `template` for some id, else null (the reverse of urlFor). */
export function idIn(template, url) {
  const at = template ? template.lastIndexOf(PLACEHOLDER) : -1;
  if (at < 0 || !url) return null;
  const head = template.slice(0, at + 1), tail = template.slice(at + PLACEHOLDER.length - 1);
  if (!url.startsWith(head) || !url.endsWith(tail)) return null;
  const id = url.slice(head.length, url.length - tail.length);
  return /^\d+$/.test(id) ? Number(id) : null;
}

/** Everything mutable, in one place. */
export const state = {
  // The socket and the delivery rules (socket.js).
  socket: null,
  lastSeq: Number.isInteger(config?.seq) ? config.seq : null, // list page: first heartbeat
  resumeOutstanding: false,
  resumeSentAt: 0,
  resumeTarget: 0,
  attempt: 0,
  failedOpens: 0,
  reconnectTimer: 0,
  silenceTimer: 0,
  connection: "connecting", // connecting | online | reconnecting | refused | gone
  needsReload: false,
  /** @type {Map<string, {clientId: string, body: string, state: string, article: HTMLElement, timer: number}>} */
  pending: new Map(),
  // What the frames said about messages and people.
  bodies: new Map(), // message id → latest markdown body seen in frames
  reactionState: new Map(), // message id → {emoji: {count, mine}}
  names: new Map([[me, config?.user.name]]), // user id → full name
  namesInFlight: new Set(),
  online: [],
  typists: new Map(), // user id → {name, timer}
  lastTypingSent: 0,
  readTimer: 0,
  lastReadSent: 0,
  latestThreadSeq: 0,
  burst: [], // authors of the messages announced together
  burstTimer: 0,
  /** @type {Map<number, {action: string, reason: string}>} why a facilitator hid/deleted one of my messages */
  modReasons: new Map(),
  /** While muted in this group: until when (ms since epoch), why, and the countdown timer. */
  mute: { until: 0, reason: "", timer: 0 },
  /** What the reply form carries: files sent first and documents linked (attachments.js). */
  attachments: [],
  /** The message the reply form answers: {id, quote, author, excerpt} or null. */
  reply: null,
  /** The mention autocomplete of the reply form. */
  ac: { list: null, items: [], active: -1, start: 0, timer: 0, abort: null },
  dateFormat: null, // built on first use, in the person's time zone
};
