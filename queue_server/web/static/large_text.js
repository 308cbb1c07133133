// "Chữ lớn" (large text) on the citizens' pages (/t, /q, /book, /b, /rate, /d, /r, /volunteer):
// a button at the top of the page that turns on larger type and stronger contrast
// (style.css "large text"), kept in this browser's localStorage so the next page opens the
// same way. Loaded by each citizen page's HTML; it needs nothing else (docs/web.md
// "Accessibility").
export const KEY = "motcua.largeText";

export function largeTextOn() {
  try {
    return localStorage.getItem(KEY) === "1";
  } catch {
    return false; // storage refused (a private window): the page stays as it is
  }
}

export function setLargeText(on) {
  document.documentElement.classList.toggle("large-text", on);
  try {
    if (on) localStorage.setItem(KEY, "1");
    else localStorage.removeItem(KEY);
  } catch {
    // not kept: this page still shows it
  }
  const button = document.getElementById("large-text");
  if (button) button.setAttribute("aria-pressed", String(on));
}

function toggle() {
  const button = document.createElement("button");
  button.type = "button";
  button.id = "large-text";
  button.setAttribute("aria-pressed", String(largeTextOn()));
  const en = document.createElement("span");
  en.className = "en";
  en.lang = "en";
  en.textContent = "Large text";
  button.append("Chữ lớn ", en);
  button.addEventListener("click", () => setLargeText(button.getAttribute("aria-pressed") !== "true"));
  const bar = document.createElement("header");
  bar.className = "text-size";
  bar.append(button);
  return bar;
}

document.documentElement.classList.toggle("large-text", largeTextOn());
document.body.prepend(toggle());
