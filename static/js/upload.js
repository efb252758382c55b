/**
 * Upload forms of the library with a progress bar. Without JavaScript the forms post
 * normally; with it the file goes by XMLHttpRequest so the bar can follow the bytes.
 * The server decides everything (type, size); its answer is shown as it comes.
 */

const MESSAGES = {
  pl: { done: "Wysłano. Otwieranie…", failed: "Nie udało się wysłać pliku.", tooLarge: "Plik jest za duży." },
  uk: { done: "Надіслано. Відкриття…", failed: "Не вдалося надіслати файл.", tooLarge: "Файл завеликий." },
  en: { done: "Uploaded. Opening…", failed: "The file could not be uploaded.", tooLarge: "The file is too large." },
};
const LANG = ["pl", "uk"].includes(document.documentElement.lang) ? document.documentElement.lang : "en";
const T = MESSAGES[LANG];

/** The error text the server put in the page it answered with (read as text, never HTML). */
function errorFrom(html) {
  const page = new DOMParser().parseFromString(html, "text/html");
  const found = page.querySelector(".form-errors, .errorlist, .message--error");
  return found ? found.textContent.trim() : T.failed;
}

function enhance(form) {
  const progress = form.querySelector(".upload-progress");
  const bar = progress?.querySelector("progress");
  const text = progress?.querySelector(".upload-progress__text");
  const error = form.querySelector(".upload-error");
  const button = form.querySelector("button[type=submit]");
  if (!progress || !bar || !error) return;

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const request = new XMLHttpRequest();
    request.open("POST", form.action);
    request.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    progress.hidden = false;
    error.hidden = true;
    button.disabled = true;
    request.upload.addEventListener("progress", (e) => {
      if (!e.lengthComputable) return;
      const percent = Math.round((e.loaded / e.total) * 100);
      bar.value = percent;
      text.textContent = `${percent}%`;
    });
    request.addEventListener("load", () => {
      if (request.status >= 200 && request.status < 300) {
        text.textContent = T.done;
        window.location.assign(request.responseURL);
        return;
      }
      button.disabled = false;
      progress.hidden = true;
      error.hidden = false;
      error.textContent = request.status === 413 ? errorFrom(request.responseText) || T.tooLarge
        : errorFrom(request.responseText);
    });
    request.addEventListener("error", () => {
      button.disabled = false;
      progress.hidden = true;
      error.hidden = false;
      error.textContent = T.failed;
    });
    request.send(new FormData(form));
  });
}

document.querySelectorAll("form.upload-form").forEach(enhance);
