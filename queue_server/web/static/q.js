// A number from the phone: /q → a field that is open now → (a phone number for messages,
// with consent) → the same queue as the kiosk's, followed at /t/CODE. The limits (per phone
// and per day, a share of each field's numbers) are the server's: its refusals are shown as
// they come. docs/web.md, docs/notifications.md.
import { $, QueueConnection, el, errorText, showStatus } from "/static/mc.js";

const main = $("#main");
const DEVICE_KEY = "motcua-device";
let conn = null;

// a random id for this browser: the per-phone daily limit counts by it
function deviceId() {
  let id = localStorage.getItem(DEVICE_KEY);
  if (!id) {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    id = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    localStorage.setItem(DEVICE_KEY, id);
  }
  return id;
}

function start() {
  conn = new QueueConnection({
    hello: {},
    onStatus: (s) => {
      const node = $("#status");
      showStatus(node, s);
      node.hidden = s === "connected";
    },
    onHello: (hello) => render(hello.snapshot.services),
  }).start();
}

function render(services) {
  const open = services.filter((s) => s.open && !s.full);
  const error = el("p", { class: "error", id: "take-error", role: "alert" });
  const phone = el("input", { id: "phone", type: "tel", inputmode: "tel", autocomplete: "tel", placeholder: "0912 345 678" });
  const consent = el("input", { id: "consent", type: "checkbox" });
  const take = async (code, button) => {
    error.textContent = "";
    const args = { service: code, device: deviceId() };
    if (phone.value.trim()) Object.assign(args, { phone: phone.value.trim(), consent: consent.checked });
    button.disabled = true;
    try {
      const ticket = (await conn.request("remote.take", args)).ticket;
      location.assign(ticket.url);
    } catch (e) {
      error.textContent = errorText(e);
      button.disabled = false;
    }
  };
  main.replaceChildren(
    el("h1", {}, "Lấy số thứ tự ", el("span", { class: "en" }, "Take a number")),
    el("p", {}, "Chọn lĩnh vực đang mở. Số của bạn vào cùng hàng chờ với số lấy tại ki-ốt. ",
      el("span", { class: "en" }, "Pick a field that is open now; you join the same queue as at the kiosk.")),
    el("p", { class: "notice", id: "confirm-rule" }, "Khi đến trung tâm, quét mã QR của số tại ki-ốt, hoặc bấm \"Tôi đã đến\" trên trang này khi được gọi. ",
      "Số không xác nhận sẽ bị coi là vắng mặt. ", el("span", { class: "en" }, "Confirm at the centre: scan it at a kiosk, or tap when called.")),
    el("div", { class: "card", id: "notify-box" },
      el("label", { for: "phone" }, "Số điện thoại nhận tin nhắn (không bắt buộc) ", el("span", { class: "en" }, "Phone for messages (optional)")),
      phone,
      el("label", { class: "consent" }, consent, " Tôi đồng ý nhận tin nhắn khi sắp đến lượt và cho trung tâm lưu số điện thoại đến hết thời hạn lưu trữ. ",
        el("span", { class: "en" }, "I agree to get messages and to have my number kept until the retention period ends."))),
    error,
    open.length
      ? el("div", { class: "services", id: "services" }, open.map((s) => el("button", {
        class: "big", "data-service": s.code, onclick: (event) => take(s.code, event.currentTarget),
      }, s.name_vi, el("br"), el("small", { class: "en" }, s.name_en), el("br"),
      el("small", { class: "waiting" }, `${s.waiting} người đang chờ`))))
      : el("p", { id: "none-open" }, "Hiện không có lĩnh vực nào đang nhận số. ", el("span", { class: "en" }, "No field is open now.")),
  );
}

start();
