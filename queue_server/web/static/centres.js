// The province's public page (/centres on motcua-central): choose a field, see every centre
// that serves it with its people waiting now and its next free booking slot, sorted by wait
// or by distance from the browser's own position (asked only when chosen; it never leaves
// the browser). No token: hello without one, then public.waits every 15 s.
import { $, el, fill, QueueConnection, showStatus } from "./mc.js";

const REFRESH_MS = 15000;
let reply = null;
let here = null; // { latitude, longitude } once the browser gave it

const connection = new QueueConnection({
  hello: {},
  onHello: (hello) => {
    document.title = `Chờ ở đâu ít nhất – ${hello.province}`;
    refresh();
  },
  onStatus: (status) => showStatus($("#status"), status),
});

async function refresh() {
  const service = $("#field").value || undefined;
  try {
    reply = await connection.request("public.waits", service ? { service } : {});
  } catch (error) {
    $("#note").textContent = error.message;
    return;
  }
  fields(reply.fields);
  show();
}

function fields(list) {
  const select = $("#field");
  const chosen = select.value;
  const known = new Set([...select.options].map((o) => o.value));
  const wanted = new Set(list.map((f) => f.code));
  if (list.every((f) => known.has(f.code)) && known.size === wanted.size + 1) return;
  fill(select, el("option", { value: "" }, "— Chọn lĩnh vực —"),
    ...list.map((f) => el("option", { value: f.code }, `${f.name_vi} (${f.centres} trung tâm)`)));
  select.value = wanted.has(chosen) ? chosen : "";
}

function km(a, b) {
  const rad = (d) => (d * Math.PI) / 180;
  const h = Math.sin(rad(b.latitude - a.latitude) / 2) ** 2
    + Math.cos(rad(a.latitude)) * Math.cos(rad(b.latitude)) * Math.sin(rad(b.longitude - a.longitude) / 2) ** 2;
  return 2 * 6371.0088 * Math.asin(Math.min(1, Math.sqrt(h)));
}

// "2026-12-08T07:30:00+07:00" → "07:30 ngày 08/12": the centre's own time, as the site wrote it
function slotText(iso) {
  return `${iso.slice(11, 16)} ngày ${iso.slice(8, 10)}/${iso.slice(5, 7)}`;
}

function show() {
  const list = $("#centres");
  if (!reply || reply.at === null) {
    fill(list);
    $("#at").textContent = "";
    $("#note").textContent = reply ? reply.message : "";
    return;
  }
  $("#at").textContent = `Cập nhật lúc ${new Date(reply.at).toLocaleTimeString("vi-VN")}`;
  if (!reply.service) {
    fill(list);
    $("#note").textContent = "Chọn một lĩnh vực để xem các trung tâm phục vụ. (Choose a field.)";
    return;
  }
  const rows = reply.centres.map((c) => ({
    ...c,
    distance: here && c.latitude !== null && c.longitude !== null ? km(here, c) : null,
  }));
  const byDistance = $("#sort").value === "distance" && here;
  rows.sort((a, b) => {
    if (a.offline !== b.offline) return a.offline ? 1 : -1; // out of touch: last
    if (byDistance && (a.distance === null) !== (b.distance === null)) return a.distance === null ? 1 : -1;
    if (byDistance && a.distance !== b.distance) return a.distance - b.distance;
    return (a.waiting - b.waiting) || ((a.longest_wait_minutes || 0) - (b.longest_wait_minutes || 0))
      || a.name.localeCompare(b.name, "vi");
  });
  fill(list, ...rows.map(row));
  $("#note").textContent = rows.length ? "" : "Chưa có trung tâm nào phục vụ lĩnh vực này.";
}

function row(c) {
  const lines = [el("strong", { class: "name" }, c.name)];
  if (c.address) lines.push(el("div", { class: "address" }, c.address));
  if (c.offline) {
    const since = c.last_contact ? ` từ ${new Date(c.last_contact).toLocaleTimeString("vi-VN", { hour: "2-digit", minute: "2-digit" })}` : "";
    lines.push(el("div", { class: "offline" }, `Mất liên lạc${since} — không có số liệu (out of touch)`));
  } else {
    lines.push(el("div", { class: "waiting" }, `Đang chờ: ${c.waiting} người · ${c.counters_open} quầy đang mở`));
    lines.push(el("div", { class: "slot" }, c.next_free_slot
      ? `Lịch hẹn trống sớm nhất: ${slotText(c.next_free_slot)}`
      : (c.takes_bookings ? "Có nhận đặt lịch hẹn" : "Không nhận đặt lịch hẹn")));
  }
  if (c.distance !== null) lines.push(el("div", { class: "distance" }, `Cách bạn ${c.distance.toFixed(1).replace(".", ",")} km`));
  return el("li", { class: c.offline ? "centre offline" : "centre", "data-site": c.site }, ...lines);
}

$("#field").addEventListener("change", refresh);
$("#sort").addEventListener("change", () => {
  if ($("#sort").value === "distance" && !here && navigator.geolocation) {
    $("#where").textContent = "Đang lấy vị trí…";
    navigator.geolocation.getCurrentPosition(
      (p) => { here = { latitude: p.coords.latitude, longitude: p.coords.longitude }; $("#where").textContent = ""; show(); },
      () => { $("#where").textContent = "Không lấy được vị trí: xếp theo số người chờ."; show(); },
      { timeout: 10000 },
    );
  }
  show();
});
connection.start();
setInterval(() => connection.status === "connected" && refresh(), REFRESH_MS);
