/**
 * The header's menu on a phone. Without JavaScript the menu button is a link to
 * #site-menu, which CSS opens with :target. With it, the link acts as a disclosure
 * button: aria-expanded tells its state, Escape closes the menu and returns focus.
 * On a desktop the button is hidden by CSS and the menu is always shown.
 */

const toggle = document.querySelector(".menu-toggle");
const menu = toggle && document.getElementById(toggle.getAttribute("aria-controls"));

function setOpen(open, { focusToggle = false } = {}) {
  toggle.setAttribute("aria-expanded", String(open));
  menu.classList.toggle("is-open", open);
  if (!open && focusToggle) toggle.focus();
}

if (toggle && menu) {
  toggle.setAttribute("role", "button");
  setOpen(false);
  toggle.addEventListener("click", (event) => {
    event.preventDefault();
    setOpen(toggle.getAttribute("aria-expanded") !== "true");
  });
  toggle.addEventListener("keydown", (event) => {
    if (event.key === " ") {  // a button opens on Space too; a link would scroll
      event.preventDefault();
      toggle.click();
    }
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && toggle.getAttribute("aria-expanded") === "true") {
      setOpen(false, { focusToggle: true });
    }
  });
}

/*
 * The account's disclosure: on a phone, inside the opened menu, it starts open; on a
 * desktop it is a dropdown that closes on Escape and on a click elsewhere.
 */
const account = document.querySelector(".account-menu details");
const phone = window.matchMedia("(max-width: 40rem)");

if (account) {
  const follow = () => { account.open = phone.matches; };
  follow();
  phone.addEventListener("change", follow);
  document.addEventListener("click", (event) => {
    if (!phone.matches && account.open && !account.contains(event.target)) account.open = false;
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !phone.matches && account.open) {
      account.open = false;
      account.querySelector("summary").focus();
    }
  });
}
