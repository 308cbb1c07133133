// Booking an appointment from a phone: /book → field, day, a slot with free places →
// the booking's page /b/CODE with its code and QR code. No name or phone is asked for; the ID
// card number is optional (scanning the card at the kiosk then finds the booking; the server
// keeps only its keyed hash).
import { $, QueueConnection, dmy, el, errorText, fill, hhmm, showStatus } from "/static/mc.js";

const main = $("#main");
let conn = null;
let services = [];
let chosen = null; // slot start

function start() {
  conn = new QueueConnection({
    hello: {},
    onStatus: (s) => {
      const node = $("#status");
      showStatus(node, s);
      node.hidden = s === "connected";
    },
    onHello: async (hello) => {
      services = hello.snapshot.services.filter((s) => s.takes_bookings);
      render(hello.snapshot.day);
    },
  }).start();
}

function addDays(iso, days) {
  const date = new Date(`${iso}T12:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

function render(today) {
  const service = el("select", { id: "service" }, services.map((s) => el("option", { value: s.code }, s.name_vi)));
  const day = el("select", { id: "day" }, Array.from({ length: 14 }, (_, i) => addDays(today, i)).map((d, i) =>
    el("option", { value: d }, `${["CN", "T2", "T3", "T4", "T5", "T6", "T7"][new Date(`${d}T12:00:00Z`).getUTCDay()]} ${dmy(d)}${i === 0 ? " (hôm nay)" : ""}`)));
  const slots = el("div", { id: "slots" });
  const error = el("p", { class: "error", id: "book-error" });
  const idNumber = el("input", { id: "id-number", inputmode: "numeric", maxlength: 12, autocomplete: "off", placeholder: "12 chữ số" });
  // the button stays in sight below a long list of times (style.css), and names the time chosen
  const book = el("button", { class: "big primary", id: "book", disabled: true, onclick: () => submit(service.value, idNumber.value.trim(), error) });
  const label = (start) => fill(book, start ? `Đặt lịch lúc ${hhmm(start)} ` : "Đặt lịch ", el("span", { class: "en" }, "Book"));
  label(null);
  const load = async () => {
    chosen = null;
    label(null);
    book.disabled = true;
    error.textContent = "";
    slots.replaceChildren(el("p", {}, "Đang tải các khung giờ…"));
    try {
      const reply = await conn.request("appointment.slots", { service: service.value, day: day.value });
      const coming = reply.slots.filter((slot) => Date.parse(slot.start) > Date.now());
      const button = (slot) => el("button", {
        "data-start": slot.start, disabled: slot.free === 0, "aria-pressed": "false", class: slot.quiet ? "quiet" : null,
        title: slot.expected_arrivals === undefined ? null : `Dự kiến ${slot.expected_arrivals} lượt đến`,
        onclick: (event) => {
          for (const b of slots.querySelectorAll("button")) b.setAttribute("aria-pressed", "false");
          event.currentTarget.setAttribute("aria-pressed", "true");
          chosen = slot.start;
          label(slot.start);
          book.disabled = false;
        },
      }, hhmm(slot.start), slot.quiet ? el("small", { class: "tag" }, "Giờ vắng") : null, el("small", {}, slot.free ? `còn ${slot.free} chỗ` : "hết chỗ"));
      // the quiet slots (fewest arrivals expected, from the centre's history) are offered first
      const quiet = coming.filter((slot) => slot.quiet);
      const others = coming.filter((slot) => !slot.quiet);
      const groups = quiet.length
        ? [el("p", { class: "slot-group", id: "quiet-heading" }, "Giờ vắng — ít người chờ ", el("span", { class: "en" }, "Quiet times")),
           el("div", { class: "slots", id: "quiet-slots" }, quiet.map(button)),
           el("p", { class: "slot-group" }, "Các giờ khác ", el("span", { class: "en" }, "Other times")),
           el("div", { class: "slots", id: "other-slots" }, others.map(button))]
        : [el("div", { class: "slots", id: "other-slots" }, others.map(button))];
      slots.replaceChildren(...(coming.length ? groups : [noTimes(reply.slots.length > 0)]));
    } catch (e) {
      slots.replaceChildren();
      error.textContent = errorText(e);
    }
  };
  service.addEventListener("change", load);
  day.addEventListener("change", load);
  main.replaceChildren(
    el("h1", {}, "Đặt lịch hẹn ", el("span", { class: "en" }, "Book an appointment")),
    el("div", { class: "card" },
      el("label", { for: "service" }, "Lĩnh vực ", el("span", { class: "en" }, "Field")), service,
      el("label", { for: "day" }, "Ngày ", el("span", { class: "en" }, "Day")), day,
      el("label", {}, "Giờ hẹn ", el("span", { class: "en" }, "Time")), slots,
      el("label", { for: "id-number" }, "Số căn cước (không bắt buộc) ", el("span", { class: "en" }, "ID card number (optional)")), idNumber,
      el("p", { class: "hint" }, "Để quét thẻ căn cước tại ki-ốt thay cho mã đặt lịch. Hệ thống chỉ giữ dạng mã hóa, không lưu số căn cước.")),
    error, book,
    el("p", {}, "Không cần tên hay số điện thoại: mã đặt lịch là đủ để làm thủ tục tại ki-ốt."));
  if (services.length) load();
  else slots.replaceChildren(el("p", {}, "Hiện không có lĩnh vực nhận lịch hẹn."));
}

// No time to offer: the day has times, all past (today, late), or it takes no bookings at all
// (the centre or the field closed that day).
function noTimes(past) {
  return past
    ? el("p", { id: "no-times" }, "Hôm nay đã hết giờ nhận lịch hẹn — xin chọn ngày khác. ",
      el("span", { class: "en" }, "Today's times are over: choose another day."))
    : el("p", { id: "no-times" }, "Ngày này không nhận lịch hẹn. ", el("span", { class: "en" }, "No bookings on this day."));
}

async function submit(service, idNumber, error) {
  if (!chosen) return;
  try {
    const reply = await conn.request("appointment.book", { service, slot_start: chosen, ...(idNumber ? { id_number: idNumber } : {}) });
    location.assign(`/b/${reply.appointment.code}`);
  } catch (e) {
    error.textContent = errorText(e);
  }
}

start();
