// A device page's set-up form, shared by the counter PC (console_enrol.js) and the volunteer's
// phone (volunteer.js): the one-time enrolment code the manager's dashboard gave ("Cấp mã đăng
// ký": XXXX-XXXX, any case, spaces or dash), or — as before — a device token written in the site
// file. A text that cannot be a code is refused here, nothing sent; a token is kept in this
// browser's storage before it is said.
import { el, storeToken } from "/static/mc.js";

const CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"; // the server's (enrolment.py): no 0/O, 1/I/L

// "k7qm 4xpa" → "K7QM-4XPA"; null when it cannot be a code.
export function normalizeCode(text) {
  const chars = text.replace(/[\s-]/g, "").toUpperCase();
  if (chars.length !== 8 || [...chars].some((c) => !CODE_ALPHABET.includes(c))) return null;
  return `${chars.slice(0, 4)}-${chars.slice(4)}`;
}

// The form, in container; done(hello) with {enrol: CODE} (and role, when given: a code of
// another kind of device is then refused by the server, not used) or {token}.
// title: [Vietnamese, English]; withToken: whether the token box is offered (a token is kept
// under the device's id, so not without one); message: why it is asked (again); typed: the code
// typed before a refusal, kept in its box.
export function enrolmentForm(container, { device, title, withToken = true, role, message = "", typed = "" }, done) {
  const code = el("input", { id: "enrol-code", autocomplete: "off", autocapitalize: "characters", spellcheck: "false",
    placeholder: "XXXX-XXXX", maxlength: "20" });
  code.value = typed;
  const token = el("input", { type: "password", id: "device-token", autocomplete: "off" });
  const error = el("p", { class: "error", id: "token-error", role: "alert" }, message);
  const form = el("form", { class: "card setup", id: "token-form" },
    el("h1", {}, `${title[0]} `, el("span", { class: "en" }, title[1])),
    device ? el("p", {}, "Thiết bị: ", el("b", {}, device)) : null,
    el("label", { for: "enrol-code" }, "Mã đăng ký ", el("span", { class: "en" }, "Enrolment code")),
    code,
    el("p", {}, "Mã dùng một lần do quản lý cấp trên màn hình điều hành (Thiết bị → «Cấp mã đăng ký»), có hiệu lực 15 phút. ",
      el("span", { class: "en" }, "The one-time code from the manager's dashboard.")),
    withToken ? el("label", { for: "device-token" }, "Hoặc mã thiết bị (token) trong tệp cấu hình ", el("span", { class: "en" }, "Or the device token")) : null,
    withToken ? token : null,
    error,
    el("button", { type: "submit", class: "big primary", id: "token-save" }, "Lưu ", el("span", { class: "en" }, "Save")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (code.value.trim()) {
      const normal = normalizeCode(code.value);
      if (!normal) {
        error.textContent = "Mã đăng ký gồm 8 ký tự, dạng XXXX-XXXX (không có 0, O, 1, I, L). The code is 8 characters: XXXX-XXXX.";
        code.focus();
        return;
      }
      done(role ? { enrol: normal, role } : { enrol: normal });
      return;
    }
    const typedToken = withToken ? token.value.trim() : "";
    if (!typedToken) {
      error.textContent = withToken
        ? "Hãy nhập mã đăng ký hoặc mã thiết bị. Enter the enrolment code or the device token."
        : "Hãy nhập mã đăng ký. Enter the enrolment code.";
      return;
    }
    storeToken(device, typedToken);
    done({ token: typedToken });
  });
  container.replaceChildren(form);
  code.focus();
}
