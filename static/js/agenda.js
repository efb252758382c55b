/**
 * The agenda rows of the meeting form. Without JavaScript the form has a few empty
 * rows and a row is removed by ticking its box; with it, "Add an item" appends another
 * empty row from the formset's template (Django's __prefix__ row), counted in
 * TOTAL_FORMS so the server reads it.
 */

const editor = document.querySelector("[data-agenda]");

if (editor) {
  const rows = editor.querySelector("[data-agenda-rows]");
  const total = editor.querySelector('input[name$="-TOTAL_FORMS"]');
  const max = editor.querySelector('input[name$="-MAX_NUM_FORMS"]');
  const template = editor.querySelector("template[data-agenda-empty]");
  const add = editor.querySelector("[data-agenda-add]");
  add.hidden = false;
  add.addEventListener("click", () => {
    const index = Number(total.value);
    if (index >= Number(max.value)) {
      return;
    }
    const row = template.content.firstElementChild.cloneNode(true);
    for (const element of row.querySelectorAll("[name], [id], [for]")) {
      for (const attribute of ["name", "id", "for"]) {
        const value = element.getAttribute(attribute);
        if (value) {
          element.setAttribute(attribute, value.replaceAll("__prefix__", String(index)));
        }
      }
    }
    rows.append(row);
    total.value = String(index + 1);
    add.disabled = index + 1 >= Number(max.value);
    row.querySelector('input[name$="-title"]').focus();
  });
}
