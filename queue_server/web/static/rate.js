// On-screen rating at a counter: /rate?device=pad-1 on a tablet facing the citizen. It is a
// rating pad (role pad, bound to its counter): when the counter completes a ticket it shows
// four big buttons for the pad device's `timeout_seconds` (the server says it on hello), or
// for `?timeout=` seconds when the device sets none (default 30); the first touch rates.
import { $, QueueConnection, deviceParam, el, errorText, forgetToken, showStatus, storedToken, tokenForm } from "/static/mc.js";

const device = deviceParam();
const main = $("#main");
const params = new URLSearchParams(location.search);
const urlTimeout = Math.min(Math.max(Number(params.get("timeout")) || 30, 5), 600);
let timeout = urlTimeout; // seconds the buttons wait: the device's own, once the server said it
let conn = null;
let counter = null;
let armed = null; // {ticket, label, until}
let timer = null;

const RATING = [[4, "Rất hài lòng", "Very satisfied"], [3, "Hài lòng", "Satisfied"], [2, "Bình thường", "Neutral"], [1, "Không hài lòng", "Dissatisfied"]];

function start(token) {
  conn = new QueueConnection({
    hello: { token },
    onStatus: (s) => {
      const node = $("#status");
      showStatus(node, s);
      node.hidden = s === "connected";
    },
    onFatal: (error) => {
      forgetToken(device);
      tokenForm(main, device, `Mã thiết bị không đúng (${error.code}).`, start);
    },
    onHello: (hello) => {
      if (hello.role !== "pad") {
        main.replaceChildren(el("p", { class: "error" }, `Thiết bị ${hello.device} không phải thiết bị đánh giá (vai trò ${hello.role}).`));
        conn.stop();
        return;
      }
      timeout = hello.timeout_seconds || urlTimeout;
      counter = hello.snapshot.counters.find((c) => c.number === hello.counter);
      idle();
    },
    onEvent: (event) => {
      if (event.ev === "ticket.completed") arm(event);
      else if (event.ev === "ticket.called" && armed) idle();
      else if (event.ev === "rating.recorded" && armed && event.ticket === armed.ticket) thanks();
    },
  }).start();
}

function idle() {
  armed = null;
  clearInterval(timer);
  main.replaceChildren(
    el("h1", { id: "idle" }, counter ? counter.name : "Quầy"),
    el("p", {}, "Xin chào! Sau khi được phục vụ, mời bạn đánh giá tại đây."),
    el("p", { class: "en" }, "After your service, please rate it here."));
}

function arm(event) {
  armed = { ticket: event.ticket, label: event.label, until: Date.now() + timeout * 1000 };
  const countdown = el("p", { class: "countdown", id: "countdown" });
  main.replaceChildren(
    el("h1", { id: "ask" }, `Số ${event.label}: bạn có hài lòng không?`),
    el("p", { class: "en" }, "How satisfied are you with the service?"),
    el("div", { class: "rating", id: "rating" }, RATING.map(([score, vi, en]) =>
      el("button", { class: `s${score}`, "data-score": score, onclick: () => rate(score) }, vi, el("br"), el("small", {}, en)))),
    el("p", { class: "error", id: "rating-error" }),
    countdown);
  const tick = () => {
    const left = Math.ceil((armed.until - Date.now()) / 1000);
    if (left <= 0) return idle();
    countdown.textContent = `Còn ${left} giây`;
  };
  clearInterval(timer);
  tick();
  timer = setInterval(tick, 500);
}

async function rate(score) {
  if (!armed) return;
  try {
    await conn.request("rating.submit", { ticket: armed.ticket, score });
  } catch (error) {
    if (error.code !== "rating_duplicate") {
      $("#rating-error").textContent = errorText(error);
      return;
    }
  }
  thanks();
}

function thanks() {
  clearInterval(timer);
  armed = null;
  main.replaceChildren(el("h1", { id: "thanks" }, "Cảm ơn bạn đã đánh giá!"), el("p", { class: "en" }, "Thank you!"));
  setTimeout(() => { if (!armed) idle(); }, 5000);
}

if (!device) main.replaceChildren(el("p", { class: "error" }, "Địa chỉ cần có ?device=… (ví dụ /rate?device=pad-1)."));
else if (storedToken(device)) start(storedToken(device));
else tokenForm(main, device, "", start);
