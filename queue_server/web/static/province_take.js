// The province's public page (/province/take?field=HT&place=…): a number or a booking at any
// centre, through the central database (docs/province.md, "A number or a booking at any centre").
// The page makes each request's id (its idempotency key) and secret, keeps them in this browser
// until answered, asks again with the same id after any loss, and polls the answer.

import { $, el } from "./mc.js";

function randomText(bytes) {
  const data = crypto.getRandomValues(new Uint8Array(bytes));
  return Array.from(data, (b) => "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"[b & 63]).join("");
}

function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const hex = Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0"));
  hex[6] = "4" + hex[6][1];
  hex[8] = ["8", "9", "a", "b"][parseInt(hex[8][0], 16) & 3] + hex[8][1];
  const h = hex.join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const DEVICE_KEY = "motcua.take.device";
const PENDING_KEY = "motcua.take.pending";
const device = localStorage.getItem(DEVICE_KEY) || randomText(24);
localStorage.setItem(DEVICE_KEY, device);

class Connection {
  constructor(onReady, onStatus) {
    this.onReady = onReady;
    this.onStatus = onStatus;
    this.pending = new Map();
    this.nextId = 1;
    this.delay = 500;
  }

  connect() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const ws = new WebSocket(`${scheme}://${location.host}/take/ws`);
    this.ws = ws;
    ws.onopen = async () => {
      try {
        const hello = await this.request("hello", { device });
        zone = hello.timezone || zone;
        $("#province-name").textContent = hello.province;
        this.delay = 500;
        this.onStatus(true);
        await this.onReady();
      } catch (error) {
        showError(error);
      }
    };
    ws.onmessage = (message) => {
      const data = JSON.parse(message.data);
      const waiting = this.pending.get(data.re);
      if (!waiting) return;
      this.pending.delete(data.re);
      if (data.ok) waiting.resolve(data);
      else waiting.reject(data.error);
    };
    ws.onclose = () => {
      for (const { reject } of this.pending.values()) reject({ code: "not_connected", message: "Mất kết nối; đang kết nối lại." });
      this.pending.clear();
      this.onStatus(false);
      setTimeout(() => this.connect(), this.delay * (0.8 + Math.random() * 0.4));
      this.delay = Math.min(this.delay * 2, 8000);
    };
  }

  request(op, fields = {}) {
    return new Promise((resolve, reject) => {
      if (!this.ws || this.ws.readyState !== WebSocket.OPEN) {
        reject({ code: "not_connected", message: "Mất kết nối; đang kết nối lại." });
        return;
      }
      const id = this.nextId++;
      this.pending.set(id, { resolve, reject });
      this.ws.send(JSON.stringify({ id, op, ...fields }));
      setTimeout(() => {
        if (this.pending.delete(id)) reject({ code: "timeout", message: "Máy chủ không trả lời; đang thử lại." });
      }, 30000);
    });
  }
}

const params = new URLSearchParams(location.search);
let chosenField = params.get("field") || "";
let onlySite = params.get("site") || ""; // a link from another page (the province's list of centres): that centre only
let places = [];
let polling = null;
let zone = "Asia/Ho_Chi_Minh"; // the province's (hello): times read as at the centres
const conn = new Connection(ready, (up) => {
  const status = $("#status");
  status.className = `status ${up ? "connected" : "disconnected"}`;
  status.textContent = up ? "Đã kết nối" : "Mất kết nối; đang kết nối lại…";
});

function showError(error) {
  $("#error").textContent = error ? error.message || String(error) : "";
}

function since(iso) {
  if (!iso) return "chưa từng liên lạc";
  const at = new Date(iso);
  const minutes = Math.round((Date.now() - at.getTime()) / 60000);
  return `từ ${at.toLocaleTimeString("vi-VN", { hour: "2-digit", minute: "2-digit", timeZone: zone })} (${minutes} phút trước)`;
}

async function ready() {
  const pending = JSON.parse(localStorage.getItem(PENDING_KEY) || "null");
  if (pending) await send(pending); // asked before a loss or a reload: the same request again
  await loadPlaces();
}

async function loadPlaces() {
  const reply = await conn.request("take.places", chosenField ? { service: chosenField } : {});
  const select = $("#field");
  select.replaceChildren(el("option", { value: "" }, "— Chọn lĩnh vực —"));
  for (const field of reply.fields) select.append(el("option", { value: field.code, selected: field.code === chosenField }, field.name_vi));
  places = chosenField ? reply.places : [];
  if (onlySite) {
    const chosen = places.filter((p) => p.place === onlySite || p.sites.some((s) => s.site === onlySite));
    if (chosen.length) places = chosen;
  }
  renderPlaces();
}

function renderPlaces() {
  const box = $("#places");
  box.replaceChildren();
  for (const place of places) {
    const card = el("article", { class: `card place${place.offline ? " offline" : ""}`, "data-place": place.place });
    card.append(el("h2", {}, place.name));
    if (place.points) card.append(el("p", { class: "note" }, `Điểm tiếp nhận: ${place.sites.map((s) => s.name).join("; ")}`));
    if (place.offline) {
      const last = place.sites.map((s) => s.last_contact).filter(Boolean).sort().pop();
      card.append(el("p", { class: "error offline-note" }, `Mất liên lạc ${since(last)}: chưa lấy số hay đặt lịch từ xa được.`));
    }
    for (const site of place.sites) {
      if (!site.phone_queue) continue;
      const label = place.points ? `Lấy số tại ${site.name}` : "Lấy số";
      const button = el("button", { class: "take", "data-site": site.site, disabled: site.offline }, site.offline ? `${label} (mất liên lạc)` : label);
      button.addEventListener("click", () => ask({ kind: "take", site: site.site, service: chosenField, where: site.name }));
      card.append(button);
    }
    if (place.sites.some((s) => s.bookings && !s.offline)) {
      const button = el("button", { class: "book", "data-place": place.place }, "Đặt lịch hẹn");
      button.addEventListener("click", () => openBooking(place));
      card.append(button);
    }
    box.append(card);
  }
  if (chosenField && !places.length) box.append(el("p", {}, "Không có trung tâm nào nhận lĩnh vực này."));
  if (onlySite && places.length) {
    const all = el("a", { href: "#", id: "all-places" }, "Xem mọi trung tâm");
    all.addEventListener("click", (event) => {
      event.preventDefault();
      onlySite = "";
      loadPlaces().catch(showError);
    });
    box.append(el("p", {}, all));
  }
}

function openBooking(place) {
  $("#booking").hidden = false;
  $("#booking-title").textContent = `Đặt lịch tại ${place.name}`;
  const day = $("#day");
  day.replaceChildren();
  const today = new Date(`${new Date().toLocaleDateString("en-CA", { timeZone: zone })}T12:00:00Z`); // today there
  for (let i = 0; i <= Math.min(place.days_ahead, 30); i++) {
    const d = new Date(today.getTime() + i * 86400000);
    const iso = d.toISOString().slice(0, 10);
    day.append(el("option", { value: iso }, d.toLocaleDateString("vi-VN", { weekday: "long", day: "2-digit", month: "2-digit", timeZone: "UTC" })));
  }
  day.onchange = () => loadSlots(place);
  loadSlots(place);
}

let slotsAsked = 0; // the newest take.slots asked: an older answer (another day's) is not shown over it

async function loadSlots(place) {
  const box = $("#slots");
  box.replaceChildren();
  $("#slots-note").textContent = "Đang hỏi các điểm tiếp nhận…";
  const asked = ++slotsAsked;
  try {
    const reply = await conn.request("take.slots", { place: place.place, service: chosenField, day: $("#day").value });
    if (asked !== slotsAsked) return; // the citizen chose another day meanwhile
    const notes = [];
    if (reply.offline.length) notes.push(`Mất liên lạc: ${reply.offline.join(", ")}.`);
    if (reply.unanswered.length) notes.push(`Chưa trả lời: ${reply.unanswered.join(", ")}.`);
    if (!reply.slots.length) notes.push("Ngày này không còn giờ trống.");
    $("#slots-note").textContent = notes.join(" ");
    for (const slot of reply.slots) {
      const time = new Date(slot.start).toLocaleTimeString("vi-VN", { hour: "2-digit", minute: "2-digit", timeZone: zone });
      const button = el("button", { class: "slot", "data-start": slot.start, "data-site": slot.site }, `${time} — ${slot.site_name} (còn ${slot.free} chỗ)`);
      button.addEventListener("click", () => ask({ kind: "book", site: slot.site, service: chosenField, slot_start: slot.start, where: slot.site_name }));
      box.append(button);
    }
  } catch (error) {
    if (asked !== slotsAsked) return;
    $("#slots-note").textContent = "";
    showError(error);
  }
}

async function ask(what) {
  showError(null);
  const request = { id: uuid(), secret: randomText(32), ...what };
  localStorage.setItem(PENDING_KEY, JSON.stringify(request));
  await send(request);
}

async function send(request) {
  const result = $("#result");
  result.hidden = false;
  result.replaceChildren(el("p", { id: "waiting" }, `Đang gửi yêu cầu đến ${request.where}…`));
  const fields = { request: request.id, secret: request.secret, site: request.site, kind: request.kind, service: request.service };
  if (request.slot_start) fields.slot_start = request.slot_start;
  try {
    const reply = await conn.request("take.request", fields);
    follow(request, reply);
  } catch (error) {
    if (error.code === "not_connected" || error.code === "timeout" || error.code === "store_unavailable") {
      result.replaceChildren(el("p", { id: "waiting" }, "Mất kết nối; yêu cầu sẽ được gửi lại (không tạo thêm số)…"));
      return; // sent again with the same id once connected (ready())
    }
    localStorage.removeItem(PENDING_KEY);
    result.replaceChildren();
    showError(error);
  }
}

function follow(request, reply) {
  clearTimeout(polling);
  if (reply.state === "answered" || reply.state === "expired") {
    localStorage.removeItem(PENDING_KEY);
    showAnswer(request, reply);
    return;
  }
  const waiting = reply.state === "claimed" ? "Trung tâm đã nhận yêu cầu, đang xử lý…" : `Đang chờ ${request.where} trả lời…`;
  $("#result").replaceChildren(el("p", { id: "waiting" }, waiting));
  polling = setTimeout(async () => {
    try {
      follow(request, await conn.request("take.answer", { request: request.id, secret: request.secret }));
    } catch (error) {
      if (error.code !== "not_connected") showError(error);
    }
  }, 1000);
}

function showAnswer(request, reply) {
  const result = $("#result");
  const answer = reply.answer;
  if (reply.state === "expired") {
    result.replaceChildren(el("p", { class: "error", id: "refused" }, "Trung tâm không nhận được yêu cầu kịp thời (mất liên lạc). Chưa có số hay lịch hẹn nào được tạo; vui lòng thử lại."));
    return;
  }
  if (!answer.ok) {
    result.replaceChildren(el("p", { class: "error", id: "refused" }, answer.error.message));
    return;
  }
  const link = answer.url ? el("p", {}, el("a", { href: answer.url, id: "answer-link" }, "Mở trang theo dõi")) : "";
  if (answer.kind === "take") {
    const t = answer.ticket;
    result.replaceChildren(
      el("h2", {}, answer.site_name),
      el("p", { class: "ticket-number", id: "answer-number" }, t.label),
      el("p", {}, `${t.service_name_vi} — còn ${t.people_ahead ?? 0} người trước bạn.`),
      el("p", {}, "Khi đến trung tâm, đưa mã này tại ki-ốt để xác nhận: ", el("strong", { id: "answer-code" }, t.code)),
      link,
    );
  } else {
    const a = answer.appointment;
    const at = new Date(a.slot_start);
    result.replaceChildren(
      el("h2", {}, answer.site_name),
      el("p", {}, `${a.service_name_vi}: ${at.toLocaleString("vi-VN", { weekday: "long", hour: "2-digit", minute: "2-digit", day: "2-digit", month: "2-digit", timeZone: zone })}`),
      el("p", {}, "Mã lịch hẹn: ", el("strong", { id: "answer-code" }, a.code_display)),
      link,
    );
  }
}

$("#field").addEventListener("change", async () => {
  chosenField = $("#field").value;
  $("#booking").hidden = true;
  const url = new URL(location.href);
  url.searchParams.set("field", chosenField);
  history.replaceState(null, "", url);
  try {
    await loadPlaces();
  } catch (error) {
    showError(error);
  }
});

conn.connect();
