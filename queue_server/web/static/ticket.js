// A citizen's phone following one ticket: /t/CODE, opened from the ticket's QR code.
// It shows this ticket and nothing else: place in the queue, people ahead, the estimated
// wait, a loud alert when called (sound where enabled, vibration where allowed), the rating.
import { $, QueueConnection, el, errorText, showStatus } from "/static/mc.js";

const code = location.pathname.split("/t/")[1] || "";
const main = $("#main");
let conn = null;
let ticket = null;
let audio = null; // AudioContext, made on the citizen's tap (browsers allow sound only then)
let rated = null;
let lastAlert = null;
let fee = undefined; // the field's fee by VietQR: undefined = not asked yet, null = none
let remote = { remote: false }; // a number taken from a phone (/q): confirmation, rejoin
let notify = false; // a phone number was left for messages

const RATING = [[4, "Rất hài lòng", "Very satisfied"], [3, "Hài lòng", "Satisfied"], [2, "Bình thường", "Neutral"], [1, "Không hài lòng", "Dissatisfied"]];

function start() {
  conn = new QueueConnection({
    hello: { ticket: code },
    onStatus: (s) => {
      const node = $("#status");
      showStatus(node, s);
      node.hidden = s === "connected" || s === "stopped"; // stopped: the page says why
    },
    onFatal: () => {
      main.replaceChildren(el("div", { class: "card", id: "unknown" },
        el("h1", {}, "Không tìm thấy số này"),
        el("p", {}, "Mã trên phiếu chỉ dùng được trong ngày cấp số. Vui lòng xem số trên phiếu hoặc hỏi cán bộ hướng dẫn."),
        el("p", { class: "en" }, "This ticket is not known today.")));
    },
    onHello: (hello) => {
      ticket = hello.snapshot.ticket;
      render();
      loadFee();
      loadRemote();
    },
    onEvent: (event) => {
      if (!ticket) return;
      if (event.ev === "ticket.position") {
        ticket.people_ahead = event.people_ahead;
        ticket.estimated_wait_minutes = event.estimated_wait_minutes;
        render();
      } else if (event.ev === "ticket.called" || event.ev === "ticket.recalled") {
        Object.assign(ticket, { state: "called", counter: event.counter, counter_name: event.counter_name, id: event.ticket });
        render();
        alertCalled(event);
      } else {
        reload();
      }
    },
  }).start();
}

async function reload() {
  try {
    const fresh = (await conn.request("ticket.get")).ticket;
    ticket = { ...fresh, counter_name: fresh.counter === ticket.counter ? ticket.counter_name : null };
  } catch {
    return;
  }
  render();
  loadRemote();
}

async function loadRemote() {
  try {
    const reply = await conn.request("remote.status");
    remote = reply.remote;
    notify = reply.notify;
  } catch {
    return;
  }
  render();
}

async function act(op, args, errorNode) {
  try {
    const reply = await conn.request(op, args);
    if (reply.remote) remote = reply.remote;
    if (reply.ticket) ticket = { ...ticket, ...reply.ticket };
    return reply;
  } catch (error) {
    $(errorNode).textContent = errorText(error);
    return null;
  } finally {
    render();
  }
}

function remoteParts(t) {
  const parts = [];
  if (remote.remote && !remote.confirmed && t.state === "waiting") {
    parts.push(el("p", { class: "notice", id: "remote-unconfirmed" },
      "Số lấy từ điện thoại: khi đến trung tâm, quét mã QR của số này tại ki-ốt, hoặc bấm \"Tôi đã đến\" khi được gọi ",
      `(trong ${remote.confirm_minutes} phút). `, el("span", { class: "en" }, "Confirm at the centre: scan at a kiosk, or tap when called.")));
  }
  if (remote.remote && !remote.confirmed && t.state === "called") {
    parts.push(el("button", { class: "big primary", id: "confirm", onclick: () => act("ticket.confirm", {}, "#remote-error") },
      "Tôi đã đến, đang tới quầy ", el("span", { class: "en" }, "I am here")),
    el("p", {}, `Bấm trong ${remote.confirm_minutes} phút kể từ khi được gọi, nếu không số sẽ bị coi là vắng mặt.`));
  }
  if (remote.remote && remote.confirmed && (t.state === "waiting" || t.state === "called")) {
    parts.push(el("p", { class: "notice", id: "remote-confirmed" }, "Đã xác nhận có mặt. ", el("span", { class: "en" }, "Confirmed.")));
  }
  if (t.state === "no_show" && remote.rejoin_until) {
    parts.push(el("button", { class: "big primary", id: "rejoin", onclick: () => act("ticket.rejoin", {}, "#remote-error") },
      "Tôi cần thêm thời gian: xếp lại vào hàng chờ ", el("span", { class: "en" }, "I need more time: rejoin the queue")),
    el("p", {}, "Chỉ được xếp lại một lần; số sẽ về cuối hàng chờ."));
  }
  if (t.state === "waiting" && !notify && !remote.remote) parts.push(notifyBox());
  if (notify && (t.state === "waiting" || t.state === "called")) {
    parts.push(el("p", { class: "notice", id: "notify-done" }, "Bạn sẽ nhận tin nhắn khi sắp đến lượt và khi được gọi."));
  }
  parts.push(el("p", { class: "error", id: "remote-error", role: "alert" }));
  return parts;
}

function notifyBox() {
  const phone = el("input", { id: "notify-phone", type: "tel", inputmode: "tel", placeholder: "0912 345 678" });
  const consent = el("input", { id: "notify-consent", type: "checkbox" });
  return el("div", { class: "card", id: "notify-box" },
    el("label", { for: "notify-phone" }, "Nhận tin nhắn khi sắp đến lượt ", el("span", { class: "en" }, "Get a message when your turn is near")),
    phone,
    el("label", { class: "consent" }, consent, " Tôi đồng ý nhận tin nhắn và cho lưu số điện thoại đến hết thời hạn lưu trữ."),
    el("button", { id: "notify-save", onclick: async () => {
      if (await act("ticket.notify", { phone: phone.value.trim(), consent: consent.checked }, "#remote-error")) {
        notify = true;
        render();
      }
    } }, "Nhận tin nhắn ", el("span", { class: "en" }, "Notify me")));
}

function counterText() {
  return ticket.counter_name || (ticket.counter ? `Quầy ${ticket.counter}` : "");
}

function render() {
  const t = ticket;
  const parts = [
    el("div", { class: "label", id: "label" }, t.label),
    el("div", { class: "service" }, t.service_name_vi, el("br"), el("span", { class: "en" }, t.service_name_en)),
  ];
  if (t.state === "waiting") {
    parts.push(
      el("div", { class: "card big-figures", id: "waiting" },
        el("div", {}, el("b", { id: "ahead" }, t.people_ahead), "người trước bạn", el("br"), el("span", { class: "en" }, "people ahead")),
        el("div", {}, el("b", { id: "eta" }, waitText(t.estimated_wait_minutes)), "phút chờ ước tính", el("br"), el("span", { class: "en" }, "estimated wait"))),
      el("p", {}, t.counters && t.counters.length ? `Quầy phục vụ: ${t.counters.join(", ")}.` : "Chưa có quầy nào đang mở cho lĩnh vực này."),
      el("p", {}, "Giữ trang này mở. Khi đến lượt, điện thoại sẽ báo. ", el("span", { class: "en" }, "Keep this page open; it alerts you when called.")),
    );
  } else if (t.state === "called") {
    parts.push(el("div", { class: "called", id: "called", role: "alert" },
      "Mời bạn đến", el("span", { class: "counter", id: "called-counter" }, counterText()),
      el("span", { class: "en" }, "Please go to the counter now")));
  } else if (t.state === "serving") {
    parts.push(el("div", { class: "card", id: "serving" }, el("h2", {}, `Đang được phục vụ tại ${counterText()}`)));
  } else if (t.state === "done") {
    parts.push(el("div", { class: "card", id: "done" }, el("h2", {}, "Đã hoàn thành. Cảm ơn bạn!"), el("span", { class: "en" }, "Service completed.")));
    if (t.rating === null && rated === null) {
      parts.push(el("div", { class: "card" },
        el("h2", {}, "Bạn có hài lòng không? ", el("span", { class: "en" }, "How was the service?")),
        el("div", { class: "rating", id: "rating" }, RATING.map(([score, vi, en]) =>
          el("button", { class: `s${score}`, "data-score": score, onclick: () => rate(score) }, vi, el("br"), el("small", {}, en)))),
        el("p", { class: "error", id: "rating-error" })));
    } else {
      parts.push(el("p", { class: "notice", id: "rated" }, "Cảm ơn bạn đã đánh giá! Thank you for your rating."));
    }
  } else if (t.state === "no_show") {
    parts.push(el("div", { class: "card", id: "no-show" }, el("h2", {}, "Bạn đã lỡ lượt"), el("p", {}, "Vui lòng đến quầy hướng dẫn để được xếp lại.")));
  } else if (t.state === "cancelled") {
    parts.push(el("div", { class: "card", id: "cancelled" }, el("h2", {}, "Số này đã bị hủy")));
  }
  parts.push(...remoteParts(t));
  if (fee && t.state !== "cancelled") parts.push(feeCard());
  if (t.state === "waiting" || t.state === "called") {
    parts.push(audio
      ? el("p", { class: "notice", id: "sound-on" }, "Âm báo đã bật. Sound on.")
      : el("button", { class: "big", id: "sound", onclick: enableSound }, "Bật âm báo khi đến lượt ", el("span", { class: "en" }, "Turn on the sound")));
  }
  main.replaceChildren(...parts);
}

async function loadFee() {
  if (fee !== undefined) return;
  try {
    fee = (await conn.request("fee.qr")).fee;
  } catch {
    fee = null; // no fee for this field, or none paid by VietQR here
  }
  if (fee) render();
}

function feeCard() {
  const amount = `${fee.amount.toLocaleString("vi-VN")} đ`;
  return el("div", { class: "card", id: "fee" },
    el("h2", {}, "Phí, lệ phí ", el("span", { class: "en" }, "Fee")),
    el("p", {}, el("b", { id: "fee-amount" }, amount), " · Nội dung: ", el("b", { id: "fee-reference" }, fee.reference)),
    el("img", { id: "fee-qr", src: `/t/${code}/vietqr.svg`, alt: `VietQR ${amount}`, width: 240, height: 240 }),
    el("p", {}, "Quét mã VietQR bằng ứng dụng ngân hàng để nộp phí. ", el("span", { class: "en" }, "Scan with your bank app to pay.")));
}

async function rate(score) {
  try {
    await conn.request("rating.submit", { score });
    rated = score;
  } catch (error) {
    if (error.code === "rating_duplicate") rated = 0;
    else {
      $("#rating-error").textContent = errorText(error);
      return;
    }
  }
  render();
}

function enableSound() {
  try {
    audio = new AudioContext();
    chime(1);
  } catch {
    audio = null;
  }
  render();
}

function chime(times) {
  if (!audio) return;
  const now = audio.currentTime;
  for (let i = 0; i < times; i++) {
    for (const [offset, freq] of [[0, 880], [0.25, 660]]) {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.frequency.value = freq;
      osc.connect(gain).connect(audio.destination);
      const t0 = now + i * 0.8 + offset;
      gain.gain.setValueAtTime(0.0001, t0);
      gain.gain.exponentialRampToValueAtTime(0.6, t0 + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, t0 + 0.22);
      osc.start(t0);
      osc.stop(t0 + 0.25);
    }
  }
}

function alertCalled(event) {
  const key = `${event.seq}`;
  if (lastAlert === key) return;
  lastAlert = key;
  chime(3);
  if (navigator.vibrate) navigator.vibrate(VIBRATION);
  flashPage();
  document.title = `ĐẾN LƯỢT ${ticket.label} → ${counterText()}`;
}

// For a citizen who cannot hear the chime: the whole page flashes for FLASH_MS (body.call-flash),
// wherever the page is scrolled to, as well as the red "Mời bạn đến" block.
const VIBRATION = [400, 200, 400, 200, 800];
const FLASH_MS = 10000;
let flashTimer = null;

function flashPage() {
  document.body.classList.add("call-flash");
  clearTimeout(flashTimer);
  flashTimer = setTimeout(() => document.body.classList.remove("call-flash"), FLASH_MS);
}

if (!/^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{10}$/.test(code)) {
  main.replaceChildren(el("p", { class: "error" }, "Địa chỉ không đúng."));
} else {
  start();
}

// The estimated wait in whole minutes: "—" while no counter serves the field, "<1′" for 0 (not "~0′").
function waitText(minutes) {
  if (minutes === null || minutes === undefined) return "—";
  return minutes === 0 ? "<1′" : `~${minutes}′`;
}
