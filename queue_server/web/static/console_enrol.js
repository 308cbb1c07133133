// The counter PC's set-up form (docs/web.md "Setting up a counter PC"): the one-time enrolment
// code the manager's dashboard gave ("Cấp mã đăng ký": XXXX-XXXX, any case, spaces or dash),
// or — as before — a device token written in the site file. A code is said in
// hello {"enrol": CODE, "role": "counter"} (a kiosk's code typed here is refused by the server,
// enrol_wrong_role, and stays good for the kiosk); the reply carries the device's own token, kept in this browser's
// storage as a typed token is, and said in every hello after.
import { el, storeToken } from "/static/mc.js";

const CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"; // the server's (enrolment.py): no 0/O, 1/I/L

// "k7qm 4xpa" → "K7QM-4XPA"; null when it cannot be a code.
export function normalizeCode(text) {
  const chars = text.replace(/[\s-]/g, "").toUpperCase();
  if (chars.length !== 8 || [...chars].some((c) => !CODE_ALPHABET.includes(c))) return null;
  return `${chars.slice(0, 4)}-${chars.slice(4)}`;
}

// The form; done(hello) with {enrol: CODE} or {token}. message: why it is asked (again);
// typed: the code typed before a refusal, kept in its box.
export function setUpForm(container, device, message, done, typed = "") {
  const code = el("input", { id: "enrol-code", autocomplete: "off", autocapitalize: "characters", spellcheck: "false",
    placeholder: "XXXX-XXXX", maxlength: "20" });
  code.value = typed;
  const token = el("input", { type: "password", id: "device-token", autocomplete: "off", "aria-label": "Mã thiết bị" });
  const error = el("p", { class: "error", id: "token-error" }, message || "");
  const form = el("form", { class: "card setup", id: "token-form" },
    el("h1", {}, "Cài đặt máy tính quầy ", el("span", { class: "en" }, "Counter PC set-up")),
    el("p", {}, "Thiết bị: ", el("b", {}, device)),
    el("label", { for: "enrol-code" }, "Mã đăng ký ", el("span", { class: "en" }, "Enrolment code")),
    code,
    el("p", {}, "Mã dùng một lần do quản lý cấp trên màn hình điều hành (Thiết bị → «Cấp mã đăng ký»), có hiệu lực 15 phút. ",
      el("span", { class: "en" }, "The one-time code from the manager's dashboard.")),
    el("label", { for: "device-token" }, "Hoặc mã thiết bị (token) trong tệp cấu hình ", el("span", { class: "en" }, "Or the device token")),
    token,
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
      done({ enrol: normal, role: "counter" }); // a code of another kind of device is refused, not used
      return;
    }
    const typedToken = token.value.trim();
    if (!typedToken) {
      error.textContent = "Hãy nhập mã đăng ký hoặc mã thiết bị. Enter the enrolment code or the device token.";
      return;
    }
    storeToken(device, typedToken);
    done({ token: typedToken });
  });
  container.replaceChildren(form);
  code.focus();
}

// The words for a refused hello: the server's own for a code or a revoked device.
export function refusal(error, hello) {
  if (hello.enrol || error.code === "device_revoked") return error.message;
  return `Mã thiết bị không đúng (${error.code}). The device token is wrong.`;
}

// After a hello that enrolled (its reply has the token): keep the token, and say hello with it
// from now on. A code of another counter PC is that PC's: kept for it, and the page moves to
// its address. Returns the words to show instead of the console (a code of a device that is
// no counter PC, or of another one), or null to go on.
export function keepEnrolment(device, reply, conn) {
  if (!reply.token) return null;
  if (reply.role !== "counter") {
    return `Mã đăng ký này là của thiết bị ${reply.device} (vai trò ${reply.role}), không phải máy tính quầy: thiết bị đó cần được cấp mã mới. `
      + `The code was ${reply.device}'s, not a counter PC's.`;
  }
  storeToken(reply.device, reply.token);
  conn.hello = { token: reply.token };
  if (reply.device === device) return null;
  location.replace(`/console?device=${encodeURIComponent(reply.device)}`);
  return `Mã đăng ký này là của ${reply.device}: đang mở trang của quầy đó… The code was ${reply.device}'s: opening its page.`;
}
