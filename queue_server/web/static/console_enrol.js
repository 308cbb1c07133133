// The counter PC's set-up (docs/web.md "Setting up a counter PC"): the one-time enrolment
// code the manager's dashboard gave, or — as before — a device token written in the site file,
// typed in the form of enrolment_form.js. A code is said in
// hello {"enrol": CODE, "role": "counter"} (a kiosk's code typed here is refused by the server,
// enrol_wrong_role, and stays good for the kiosk); the reply carries the device's own token, kept in this browser's
// storage as a typed token is, and said in every hello after.
import { enrolmentForm } from "/static/enrolment_form.js";
import { storeToken } from "/static/mc.js";

// The form (enrolment_form.js) with the counter PC's title; done(hello) with
// {enrol: CODE, role: "counter"} or {token}. message: why it is asked (again); typed: the code
// typed before a refusal, kept in its box.
export function setUpForm(container, device, message, done, typed = "") {
  enrolmentForm(container, { device, title: ["Cài đặt máy tính quầy", "Counter PC set-up"], role: "counter", message, typed }, done);
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
