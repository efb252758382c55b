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
 */

const MESSAGES = {
  pl: {
    done: "Wysłano. Otwieranie…", failed: "Nie udało się wysłać pliku.", tooLarge: "Plik jest za duży.",
    resuming: "Połączenie przerwane. Wznawianie…", checking: "Sprawdzanie pliku…",
  },
  uk: {
    done: "Надіслано. Відкриття…", failed: "Не вдалося надіслати файл.", tooLarge: "Файл завеликий.",
    resuming: "З’єднання перервано. Відновлення…", checking: "Перевірка файлу…",
  },
  en: {
    done: "Uploaded. Opening…", failed: "The file could not be uploaded.", tooLarge: "The file is too large.",
    resuming: "Connection lost. Resuming…", checking: "Checking the file…",
  },
};
const LANG = ["pl", "uk"].includes(document.documentElement.lang) ? document.documentElement.lang : "en";
const T = MESSAGES[LANG];

/** Waits between attempts after a network error: about two minutes in all. */
const RETRY_DELAYS = [1_000, 2_000, 4_000, 8_000, 15_000, 30_000, 30_000, 30_000];

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

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
  if (!progress || !bar || !error || !input) return;
  let sent = null; // {file, state}: a file already sent whose form was refused, to re-send the form only

  const show = {
    progress(loaded, total) {
      const percent = total ? Math.min(100, Math.round((loaded / total) * 100)) : 0;
      bar.value = percent;
      text.textContent = `${percent}%`;
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
  async function post(body, onProgress) {
    const answer = await request("POST", form.action, { body, onProgress });
    if (answer.status >= 200 && answer.status < 300) {
      text.textContent = T.done;
      window.location.assign(answer.responseURL);
      return;
    }
    fail(answer.status === 413 ? errorFrom(answer.responseText) || T.tooLarge
      : errorFrom(answer.responseText));
  }

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
