// The end of the officer's sign-in at the console (docs/web.md): a warning warning_minutes (10 by default)
// before the sign-in ends, with a PIN box that extends it, and the end itself, timed by the
// server's clock (counter.status's now), not this PC's.
import { $, el, errorText, hhmm } from "/static/mc.js";

// request(op, fields): the console's connection; status(): the last counter.status reply;
// refresh(): ask counter.status again and draw; say(text): the console's message line.
export class SignInEnd {
  constructor({ request, status, refresh, say }) {
    this.request = request;
    this.status = status;
    this.refresh = refresh;
    this.say = say;
    this.skew = 0; // ms the server's clock is ahead of this PC's: the sign-in ends on the server's
    this.expiryTimer = null;
    this.warningTimer = null;
  }

  // counter.status's now: the server's clock.
  clock(now) {
    if (now) this.skew = Date.parse(now) - Date.now();
  }

  // The warning's card, made once with the work page (hidden until due): an extension never
  // wipes the current ticket or a PIN being typed.
  build() {
    const pin = el("input", { id: "extend-pin", type: "password", inputmode: "numeric", autocomplete: "current-password",
      "aria-label": "Mã PIN" });
    const card = el("section", { class: "card expiry-warning", id: "expiry-warning", role: "alert" },
      el("p", { id: "expiry-text" }),
      el("form", { class: "call-number", id: "extend-form" }, pin,
        el("button", { type: "submit", class: "primary", id: "extend" }, "Gia hạn ", el("span", { class: "en" }, "Extend"))),
      el("p", { class: "error", id: "extend-error" }));
    card.hidden = true;
    card.querySelector("#extend-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      try {
        const reply = await this.request("officer.sign_in", { user: this.status().officer.user, pin: pin.value });
        pin.value = "";
        card.querySelector("#extend-error").textContent = "";
        card.hidden = true;
        this.say(`Đã gia hạn phiên làm việc đến ${hhmm(reply.expires_at)}.`);
        await this.refresh();
      } catch (e) {
        pin.value = "";
        card.querySelector("#extend-error").textContent = errorText(e);
        pin.focus();
      }
    });
    return card;
  }

  showWarning() {
    const card = $("#expiry-warning");
    const status = this.status();
    if (!card || !status || !status.expires_at) return;
    const ends = hhmm(status.expires_at);
    $("#expiry-text").replaceChildren(status.finishing
      ? el("b", {}, `Phiên làm việc đã kết thúc lúc ${ends} — hoàn tất số ${status.current ? status.current.label : ""} hoặc nhập mã PIN để gia hạn`)
      : el("b", {}, `Phiên làm việc sẽ kết thúc lúc ${ends} — nhập mã PIN để gia hạn`),
    " ", el("span", { class: "en" }, status.finishing ? `The sign-in ended at ${ends}` : `The sign-in ends at ${ends}: enter the PIN to extend it`));
    if (card.hidden) {
      card.hidden = false;
      $("#extend-pin").focus();
    }
  }

  // The warning and the end of the sign-in the last counter.status tells.
  schedule() {
    const status = this.status();
    const expiresAt = status.expires_at;
    clearTimeout(this.expiryTimer);
    clearTimeout(this.warningTimer);
    const card = $("#expiry-warning");
    if (card) card.hidden = true;
    if (!expiresAt) return;
    const left = Date.parse(expiresAt) - (Date.now() + this.skew);
    const warnIn = left - (status.warning_minutes ?? 10) * 60_000;
    if (status.finishing || warnIn <= 0) this.showWarning();
    else this.warningTimer = setTimeout(() => this.showWarning(), Math.min(warnIn, 2 ** 31 - 1));
    if (status.finishing) return; // the server ends it once the ticket is done (counter.changed)
    this.expiryTimer = setTimeout(async () => {
      await this.refresh(); // the server says what is left: nothing (sign in again), or the ticket to finish
      const problem = $("#sign-in-error");
      if (problem && !problem.textContent) problem.textContent = "Phiên làm việc đã hết hạn; vui lòng đăng nhập lại. The session has expired.";
    }, Math.max(0, Math.min(left, 2 ** 31 - 1)));
  }
}
