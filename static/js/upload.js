/**
 * Upload forms of the library with a progress bar. Without JavaScript the forms post
 * normally, the file inside the request.
 *
 * With it, a chosen file goes in chunks to an upload session (the form's
 * data-upload-sessions address): each chunk is the raw body of one request at its
 * offset, so the server never has to hold a large request in memory. After a network
 * error the page asks the server where the upload stands and goes on from there. When
 * every byte has arrived, the form is posted without the file, naming the session; the
 * server checks the file exactly as if it had come with the form and answers with the
 * page to open, or with the form and what was wrong. The server decides everything
 * (type, size, chunk size); its answers are shown as they come.
 *
 * Before sending, the page asks whether the group's library already holds a file with
 * the same content (its SHA-256, computed here); if so, it shows those documents and
 * lets the person open one, add the file to one as a new version, or upload it anyway.
 * Sizes are written by Intl.NumberFormat, from the same CLDR data as the server's.
 */

// Texts from Django's JavaScript catalogue (the jsi18n script the page loads first),
// so `make messages` extracts them into djangojs.po.
const T = {
  done: gettext("Uploaded. Opening…"),
  failed: gettext("The file could not be uploaded."),
  tooLarge: gettext("The file is too large."),
  resuming: gettext("Connection lost. Resuming…"),
  checking: gettext("Checking the file…"),
};

/** Waits between attempts after a network error: about two minutes in all. */
const RETRY_DELAYS = [1_000, 2_000, 4_000, 8_000, 15_000, 30_000, 30_000, 30_000];

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const UNITS = [["gigabyte", 1024 ** 3], ["megabyte", 1024 ** 2], ["kilobyte", 1024], ["byte", 1]];

/** `bytes` as the server writes sizes (resources/sizes.py): "1,4 MB", "1,4 МБ". */
function fileSize(bytes) {
  const [unit, factor] = UNITS.find(([, f]) => bytes >= f) ?? UNITS[UNITS.length - 1];
  return new Intl.NumberFormat(document.documentElement.lang || "en", {
    style: "unit", unit, unitDisplay: "short", maximumFractionDigits: 1,
  }).format(bytes / factor);
}

/** The SHA-256 of a file in hex, or null where the browser cannot compute it. */
async function sha256(file) {
  if (!globalThis.crypto?.subtle) return null;
  const digest = await crypto.subtle.digest("SHA-256", await file.arrayBuffer());
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Where the server sends the page after a finished upload: a JSON answer names it. */
function locationOf(answer) {
  if ((answer.getResponseHeader("Content-Type") || "").includes("json")) {
    try {
      return JSON.parse(answer.responseText).location || answer.responseURL;
    } catch {
      return answer.responseURL;
    }
  }
  return answer.responseURL;
}

/** A refusal from the server (or giving up): its message is shown to the person. */
class Refused extends Error {}

/** The error text the server put in the page it answered with (read as text, never HTML). */
function errorFrom(html) {
  const page = new DOMParser().parseFromString(html, "text/html");
  const found = page.querySelector(".form-errors, .errorlist, .message--error");
  return found ? found.textContent.trim() : T.failed;
}

/** The message of a JSON answer of the upload session endpoints. */
function errorOf(answer) {
  try {
    return JSON.parse(answer.responseText).error || T.failed;
  } catch {
    return answer.status === 413 ? T.tooLarge : T.failed;
  }
}

/** One request; resolves with the finished XMLHttpRequest, rejects on a network error. */
function request(method, url, { body = null, token = "", onProgress = null } = {}) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, url);
    xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    if (token) xhr.setRequestHeader("X-CSRFToken", token);
    if (body instanceof Blob) xhr.setRequestHeader("Content-Type", "application/octet-stream");
    if (onProgress) xhr.upload.addEventListener("progress", (e) => onProgress(e.loaded));
    xhr.addEventListener("load", () => resolve(xhr));
    xhr.addEventListener("error", () => reject(new Error("network")));
    xhr.addEventListener("timeout", () => reject(new Error("network")));
    xhr.send(body);
  });
}

const retryable = (status) => status === 0 || status >= 500;

/** Sends `file` in chunks; resolves with the id of the complete upload session. */
async function sendInChunks(form, file, token, show) {
  const start = new URLSearchParams({ name: file.name, size: String(file.size), csrfmiddlewaretoken: token });
  const started = await request("POST", form.dataset.uploadSessions, { body: start, token });
  if (started.status !== 201) throw new Refused(errorOf(started));
  let state = JSON.parse(started.responseText);
  let failures = 0;
  const pause = async () => {
    if (failures >= RETRY_DELAYS.length) throw new Refused(T.failed);
    show.status(T.resuming);
    await sleep(RETRY_DELAYS[failures++]);
    try {
      const asked = await request("GET", state.url);
      if (asked.status === 200) state = JSON.parse(asked.responseText);
      else if (!retryable(asked.status)) throw new Refused(errorOf(asked));
    } catch (error) {
      if (error instanceof Refused) throw error;
    }
  };
  while (state.received < file.size) {
    const offset = state.received;
    const chunk = file.slice(offset, Math.min(file.size, offset + state.chunk_size));
    let answer;
    try {
      answer = await request("POST", `${state.url}?offset=${offset}`, {
        body: chunk, token, onProgress: (loaded) => show.progress(offset + loaded, file.size),
      });
    } catch {
      await pause();
      continue;
    }
    if (answer.status === 200 || answer.status === 409) {
      // 409: the server stands elsewhere (a chunk whose answer was lost did arrive).
      state = { ...state, received: JSON.parse(answer.responseText).received };
      if (answer.status === 200) failures = 0;
      show.progress(state.received, file.size);
    } else if (retryable(answer.status)) {
      await pause();
    } else {
      throw new Refused(errorOf(answer));
    }
  }
  return state;
}

function enhance(form) {
  const progress = form.querySelector(".upload-progress");
  const bar = progress?.querySelector("progress");
  const text = progress?.querySelector(".upload-progress__text");
  const error = form.querySelector(".upload-error");
  const button = form.querySelector("button[type=submit]");
  const input = form.querySelector("input[type=file]");
  const token = form.querySelector("input[name=csrfmiddlewaretoken]")?.value ?? "";
  const duplicateOk = form.querySelector("input[name=duplicate_ok]");
  const duplicates = form.querySelector(".upload-duplicate");
  if (!progress || !bar || !error || !input) return;
  let sent = null; // {file, state}: a file already sent whose form was refused, to re-send the form only

  const show = {
    progress(loaded, total) {
      const percent = total ? Math.min(100, Math.round((loaded / total) * 100)) : 0;
      bar.value = percent;
      text.textContent = total > 1 ? `${percent}% · ${fileSize(loaded)} / ${fileSize(total)}` : `${percent}%`;
    },
    status(message) {
      text.textContent = message;
    },
  };

  const fail = (message) => {
    button.disabled = false;
    progress.hidden = true;
    error.hidden = false;
    error.textContent = message;
  };

  /** Posts the form (with the file, or naming the upload session); opens the answer. */
  async function post(body, onProgress, url = form.action) {
    const answer = await request("POST", url, { body, onProgress });
    if (answer.status >= 200 && answer.status < 300) {
      text.textContent = T.done;
      window.location.assign(locationOf(answer));
      return;
    }
    if ((answer.getResponseHeader("Content-Type") || "").includes("json")) {
      fail(errorOf(answer));
      return;
    }
    fail(answer.status === 413 ? errorFrom(answer.responseText) || T.tooLarge
      : errorFrom(answer.responseText));
  }

  /** The file sent in chunks (once), then added as a new version of another document. */
  async function addAsVersion(file, versionUrl) {
    duplicates.hidden = true;
    progress.hidden = false;
    button.disabled = true;
    try {
      const state = sent?.file === file ? sent.state : await sendInChunks(form, file, token, show);
      sent = { file, state };
      show.status(T.checking);
      const data = new FormData();
      data.set("csrfmiddlewaretoken", token);
      data.set("upload", String(state.id));
      await post(data, null, versionUrl);
    } catch (problem) {
      fail(problem instanceof Refused ? problem.message : T.failed);
    }
  }

  /** The documents that hold the same file, each to open or to add the file to. */
  function showDuplicates(found, file) {
    const list = duplicates.querySelector(".upload-duplicate__list");
    const item = duplicates.querySelector("template.upload-duplicate__item");
    list.replaceChildren();
    for (const doc of found) {
      const row = item.content.firstElementChild.cloneNode(true);
      const link = row.querySelector(".upload-duplicate__open");
      link.textContent = doc.title;
      link.href = doc.url;
      const version = row.querySelector(".upload-duplicate__version");
      if (doc.version_url) {
        version.addEventListener("click", () => addAsVersion(file, doc.version_url));
      } else {
        version.previousSibling.remove(); // the " · " between the link and the button
        version.remove();
      }
      list.append(row);
    }
    progress.hidden = true;
    button.disabled = false;
    duplicates.hidden = false;
    duplicates.querySelector(".upload-duplicate__anyway").focus();
  }

  /** Documents of the group that already hold this file: [] when none or unknown. */
  async function duplicatesOf(file) {
    if (!duplicates || !form.dataset.duplicates || duplicateOk?.value === "1") return [];
    show.status(T.checking);
    const digest = await sha256(file);
    if (!digest) return [];
    const asked = await request("GET", `${form.dataset.duplicates}?sha256=${digest}`);
    return asked.status === 200 ? JSON.parse(asked.responseText).documents : [];
  }

  duplicates?.querySelector(".upload-duplicate__anyway")?.addEventListener("click", () => {
    if (duplicateOk) duplicateOk.value = "1";
    duplicates.hidden = true;
    form.requestSubmit();
  });
  input.addEventListener("change", () => {
    if (duplicateOk) duplicateOk.value = "";
    if (duplicates) duplicates.hidden = true;
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    progress.hidden = false;
    error.hidden = true;
    button.disabled = true;
    show.progress(0, 1);
    const file = input.files?.[0];
    try {
      if (!file || !form.dataset.uploadSessions) {
        await post(new FormData(form), (loaded) => show.progress(loaded, file?.size ?? loaded));
        return;
      }
      const found = await duplicatesOf(file);
      if (found.length) {
        showDuplicates(found, file);
        return;
      }
      let state = sent?.file === file ? sent.state : null;
      if (state) {
        const asked = await request("GET", state.url);
        state = asked.status === 200 && JSON.parse(asked.responseText).received === file.size ? state : null;
      }
      state ??= await sendInChunks(form, file, token, show);
      sent = { file, state };
      show.status(T.checking);
      const data = new FormData(form);
      data.delete(input.name);
      data.set("upload", String(state.id));
      await post(data, null);
    } catch (problem) {
      fail(problem instanceof Refused ? problem.message : T.failed);
    }
  });
}

document.querySelectorAll("form.upload-form").forEach(enhance);
