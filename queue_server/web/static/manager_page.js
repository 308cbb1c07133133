// The dashboards of the province (province.js) and of the nation (national/static/national.js):
// a manager signs in with their token, kept in this browser until "Đổi tài khoản"; the page
// connects with it, says the connection's status, and goes back to the sign-in when the token
// is refused or the account switched. Each page gives its words and what it does on hello.
import { $, el, errorText, fill, forgetToken, QueueConnection, showStatus, storedToken, storeToken } from "./mc.js";

// words: { heading, headingEn, help, title? (the sign-in's document title) }; onHello(reply)
// once connected; onSwitch() when another manager is to sign in. Returns the session, whose
// `conn` is the connection now (null while signed out).
export function managerPage({ device, words, onHello, onSwitch }) {
  const session = { conn: null };

  function start(token) {
    const mine = new QueueConnection({
      hello: { token },
      onHello: (reply) => {
        if (session.conn !== mine) return;
        $("#switch-account").hidden = false;
        onHello(reply);
      },
      onStatus: (status) => { if (session.conn === mine) showStatus($("#status"), status); },
      onFatal: (error) => {
        if (session.conn !== mine) return;
        forgetToken(device);
        signIn("Mã không đúng. " + errorText(error));
      },
    });
    session.conn = mine;
    mine.start();
  }

  function signIn(message) {
    const input = el("input", { type: "password", id: "device-token", autocomplete: "off", "aria-label": "Mã quản lý" });
    const error = el("p", { class: "error", id: "token-error" }, message || "");
    const form = el("form", { class: "card setup", id: "token-form" },
      el("h1", {}, words.heading + " ", el("span", { class: "en" }, words.headingEn)),
      el("p", {}, words.help),
      el("label", { for: "device-token" }, "Mã quản lý ", el("span", { class: "en" }, "Manager token")),
      input,
      error,
      el("button", { type: "submit", class: "big primary", id: "token-save" }, "Đăng nhập ", el("span", { class: "en" }, "Sign in")));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const token = input.value.trim();
      if (!token) {
        error.textContent = "Hãy nhập mã quản lý. Enter your manager token.";
        return;
      }
      storeToken(device, token);
      start(token);
    });
    if (words.title) document.title = words.title;
    fill($("#main"), form);
    input.focus();
  }

  // Another manager signs in on this browser: the connection closed, the token forgotten.
  function switchAccount() {
    const old = session.conn;
    session.conn = null;
    if (old) old.stop();
    forgetToken(device);
    $("#switch-account").hidden = true;
    $("#who").textContent = "";
    if (onSwitch) onSwitch();
    showStatus($("#status"), "stopped");
    signIn("");
  }

  $("#switch-account").addEventListener("click", switchAccount);
  const token = storedToken(device);
  if (token) start(token);
  else signIn("");
  return session;
}
