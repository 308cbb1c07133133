// One booking: /b/CODE (what the booking's QR code opens): the code, its QR code to scan at
// the kiosk, the field and time; cancelling it.
import { $, QueueConnection, dmy, el, errorText, fill, hhmm, showStatus } from "/static/mc.js";

const code = (location.pathname.split("/b/")[1] || "").split("/")[0];
const main = $("#main");
let conn = null;

const STATE_VI = { booked: "Đã đặt", checked_in: "Đã làm thủ tục tại ki-ốt", cancelled: "Đã hủy" };

function start() {
  conn = new QueueConnection({
    hello: {},
    onStatus: (s) => {
      const node = $("#status");
      showStatus(node, s);
      node.hidden = s === "connected";
    },
    onHello: () => load(),
  }).start();
}

async function load() {
  let reply;
  try {
    reply = await conn.request("appointment.get", { booking: code });
  } catch (error) {
    main.replaceChildren(el("div", { class: "card", id: "unknown" }, el("h1", {}, "Không tìm thấy lịch hẹn"), el("p", {}, errorText(error))));
    return;
  }
  const a = reply.appointment;
  const cancel = el("button", { class: "danger", id: "cancel", onclick: () => doCancel() }, "Hủy lịch hẹn ", el("span", { class: "en" }, "Cancel"));
  fill(main,
    el("h1", {}, "Lịch hẹn của bạn ", el("span", { class: "en" }, "Your appointment")),
    el("div", { class: "card" },
      el("div", { class: "code", id: "booking-code" }, a.code_display),
      el("img", { class: "qr", id: "qr", src: `/b/${a.code}/qr.svg`, alt: `Mã QR của lịch hẹn ${a.code_display}` }),
      el("dl", { class: "facts" },
        el("dt", {}, "Lĩnh vực"), el("dd", { id: "booking-service" }, a.service_name_vi),
        el("dt", {}, "Ngày"), el("dd", { id: "booking-day" }, dmy(a.slot_start)),
        el("dt", {}, "Giờ"), el("dd", { id: "booking-time" }, hhmm(a.slot_start)),
        el("dt", {}, "Tình trạng"), el("dd", { id: "booking-state" }, STATE_VI[a.state] || a.state))),
    a.state === "booked" ? [
      el("p", { id: "checkin-window" }, `Từ ${hhmm(a.checkin_from)} đến ${hhmm(a.checkin_until)} ngày ${dmy(a.slot_start)}, quét mã QR này (hoặc nhập mã) tại ki-ốt để lấy số ưu tiên. Chụp màn hình để giữ mã.`),
      el("p", { class: "en" }, `Scan this code at the kiosk from ${hhmm(a.checkin_from)} to ${hhmm(a.checkin_until)} for a priority number.`),
      cancel,
    ] : null,
    el("p", { class: "error", id: "cancel-error" }));
}

async function doCancel() {
  if (!confirm("Hủy lịch hẹn này? Cancel this appointment?")) return;
  try {
    await conn.request("appointment.cancel", { booking: code });
  } catch (error) {
    $("#cancel-error").textContent = errorText(error);
    return;
  }
  load();
}

start();
