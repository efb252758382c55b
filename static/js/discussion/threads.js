/** The thread list page: new messages and threads reorder and mark the rows live. */

import { $, $$, announce, el, formatDate } from "./dom.js";
import { gettext, interpolate, ngettext } from "./i18n.js";
import { me, urlFor, urls } from "./state.js";

const paged = Number(new URLSearchParams(location.search).get("page") || 1) > 1;
const PINNED = gettext("pinned");
const rowOf = (id) => $(`#thread-list > li[data-thread="${id}"]`);
const isPinned = (row) => row.dataset.pinned === "true" ||
  (row.dataset.pinned === undefined && $$(".tag", row)
    .some((tag) => [PINNED, "pinned"].includes(tag.textContent.trim().toLowerCase())));

export const LIST_EVENTS = new Map([
  ["message.new", ({ message: m }) => {
    const row = rowOf(m.thread);
    if (!row) return;
    const time = $("time", row);
    if (time && m.created) { time.dateTime = m.created; time.textContent = formatDate(m.created); }
    const count = $("[data-count]", row);
    if (count) setCount(count, (parseInt(count.dataset.count, 10) || 0) + 1);
    setLastAuthor(row, m.author?.name);
    if (m.author?.id !== me) {
      const badge = $(".unread", row);
      if (badge) {
        const count = (parseInt(badge.dataset.unread, 10) || 0) + 1;
        badge.dataset.unread = count;
        badge.textContent = interpolate(ngettext("%(count)s unread", "%(count)s unread", count), { count }, true);
        badge.hidden = false;
      }
      row.classList.add("thread-row--unread");
      const title = $(".thread-row__title", row)?.textContent.trim() || "";
      announce(interpolate(gettext("New message in “%(title)s”"), { title }, true));
    }
    moveToTop(row);
  }],
  ["thread.updated", ({ thread }) => {
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
    announce(interpolate(gettext("New discussion: “%(title)s”"), { title: thread.title }, true));
  }],
]);

function threadList() {
  let list = $("#thread-list");
  if (!list) {  // the page had no threads yet
    list = el("ul", { class: "thread-list", id: "thread-list" });
    $("#threads-heading").after(list);
  }
  $$(":scope > li:not([data-thread])", list).forEach((item) => item.remove());
  return list;
}

/** How many messages a row's thread has, worded as templates/groups/thread_list.html does. */
function setCount(node, count) {
  node.dataset.count = count;
  node.textContent = interpolate(ngettext("%(count)s message", "%(count)s messages", count), { count }, true);
}

/** "Last message by …", worded as templates/groups/thread_list.html does. */
function setLastAuthor(row, name) {
  const people = $(".thread-row__people", row);
  if (!people) return;
  let last = $(".thread-row__last", people);
  if (!last) {
    last = el("span", { class: "thread-row__last" });
    people.append(" ", last);
  }
  last.textContent = interpolate(gettext("Last message by %(name)s"), { name: name || gettext("Former member") }, true);
}

function renderRow(thread) {
  const tags = [thread.pinned && PINNED].filter(Boolean)
    .map((text) => el("span", { class: "tag", text }));
  const count = el("span", { class: "thread-row__count" });
  setCount(count, thread.messages || 0);
  return el("li", { class: "thread-row", "data-thread": thread.id, "data-pinned": String(thread.pinned) },
    el("a", { class: "thread-row__title", href: urlFor(urls.thread, thread.id), text: thread.title }), " ",
    el("span", { class: "meta" }, ...tags, " ", count, " · ",
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
