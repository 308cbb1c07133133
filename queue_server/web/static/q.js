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
    onHello: (hello) => {
      render(hello.snapshot.services);
      helpStatus();
    },
  }).start();
}

// "Cần hỗ trợ": a volunteer of the centre comes to this phone's citizen (docs/web.md). One open
// request per phone (the server's rule: asking again answers with the open one).
function helpBox() {
  const note = el("input", { id: "help-note", maxlength: "120", autocomplete: "off", placeholder: "Ví dụ: áo xanh, ghế hàng 3" });
  const said = el("p", { id: "help-said", class: "notice", role: "status", "aria-live": "polite" });
  const button = el("button", { class: "big", id: "help", onclick: async () => {
    said.textContent = "";
    button.disabled = true;
    try {
      const args = { device: deviceId() };
      if (note.value.trim()) args.note = note.value.trim();
      showHelp(await conn.request("help.ask", args));
    } catch (e) {
      said.className = "error";
      said.textContent = errorText(e);
    } finally {
      button.disabled = false;
    }
  } }, "Cần hỗ trợ ", el("span", { class: "en" }, "I need help"));
  return el("div", { class: "card", id: "help-box" },
    el("p", {}, "Đang ở trung tâm và cần người hướng dẫn? Bấm nút, tình nguyện viên sẽ đến. ",
      el("span", { class: "en" }, "At the centre and need someone? A volunteer will come.")),
    el("label", { for: "help-note" }, "Bạn đang ở đâu, mặc áo gì? (không bắt buộc) ", el("span", { class: "en" }, "Where are you? (optional)")),
    note, button, said);
}

function showHelp(reply) {
  const said = $("#help-said");
  if (!said || !reply.request) return;
  const r = reply.request;
  said.className = "notice";
  said.textContent = r.taken
    ? "Tình nguyện viên đang đến chỗ bạn. A volunteer is on the way."
    : `${reply.words_vi}. ${r.ahead ? `Có ${r.ahead} người được hỗ trợ trước bạn.` : "Bạn là người tiếp theo."} ${reply.words_en}.`;
}

async function helpStatus() {
  try {
    showHelp(await conn.request("help.status", { device: deviceId() }));
  } catch {
    // not connected: the button still asks
  }
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
    helpBox(),
  );
}

start();
