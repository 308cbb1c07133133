// Manager dashboard: /dashboard (device "manager" by default, or ?device=ID). docs/web.md.
import {
  $, QueueConnection, debounce, deviceParam, dmy, el, errorText, forgetToken, hhmm, minutes, number, saveFile, showStatus, storedToken, tokenForm,
} from "/static/mc.js";
import { barChart } from "/static/charts.js";
import { buildInsight, insightLive, pauseReasonName, showInsight } from "/static/insight.js";
import { buildPlanning } from "/static/planning.js";
import { buildDossiers } from "/static/dossiers.js";
import { buildOutbox } from "/static/outbox.js";
import { buildFleet } from "/static/fleet.js";
import { helpLiveCard, helpReportCard } from "/static/help_figures.js";

const device = deviceParam("manager");
const main = $("#main");
let conn = null;
let snapshot = null;
let summary = null;
let tab = "live";
let report = null;
let planning = null;
let dossiers = null;
let outboxTab = null;
let fleet = null;
let fleetAlarms = []; // the fleet's silent devices (fleet.js), shown with the live alarms

const COUNTER_VI = { open: "Đang mở", paused: "Tạm dừng", closed: "Đóng" };
const COMPONENT_VI = { printer: "Máy in", scanner: "Máy quét", camera: "Camera", pad: "Bàn phím đánh giá", display: "Màn hình", audio: "Âm thanh", network: "Mạng" };
const DETAIL_VI = {
  paper_out: "hết giấy", offline: "mất kết nối", cover_open: "nắp mở", paper_near_end: "sắp hết giấy",
  voice_unavailable: "không có giọng đọc", no_sound_card: "không có card âm thanh", player_failed: "không phát được",
  file_failed: "không ghi được tệp âm thanh", clips_missing: "thiếu tệp giọng đọc",
};
const BY_VI = { service: "Lĩnh vực", counter: "Quầy", officer: "Cán bộ", day: "Ngày" };

function start(token) {
  conn = new QueueConnection({
    hello: { token },
    onStatus: (s) => showStatus($("#status"), s),
    onFatal: (error) => {
      forgetToken(device);
      tokenForm(main, device, `Mã thiết bị không đúng (${error.code}). The device token is wrong.`, start);
    },
    onHello: async (hello) => {
      if (hello.role !== "manager" && hello.role !== "integration") {
        main.replaceChildren(el("p", { class: "error card setup" }, `Thiết bị ${hello.device} không phải màn hình điều hành (vai trò ${hello.role}).`));
        conn.stop();
        return;
      }
      snapshot = hello.snapshot;
      layout();
      await refresh();
    },
    onEvent: (event) => {
      refreshSoon();
      if (fleet) fleet.onEvent(event);
    },
  }).start();
}

const refreshSoon = debounce(() => refresh(), 400);

async function refresh() {
  try {
    snapshot = (await conn.request("queue.snapshot")).snapshot;
    summary = (await conn.request("stats.summary")).summary;
  } catch (error) {
    return;
  }
  $("#site-name").replaceChildren(snapshot.site.name, " · Điều hành ", el("span", { class: "en" }, "Dashboard"));
  $("#clock").textContent = `Ngày ${dmy(snapshot.day)}`;
  renderLive();
  renderTicker();
}

function layout() {
  const tabs = [["live", "Trực tiếp", "Live"], ["reports", "Báo cáo", "Reports"], ["insight", "Chất lượng", "Quality"], ["planning", "Kế hoạch", "Planning"], ["dossiers", "Hồ sơ", "Dossiers"], ["outbox", "Tin nhắn", "Outbox"], ["devices", "Thiết bị", "Devices"], ["ticker", "Bảng tin", "Ticker"]];
  main.replaceChildren(
    el("nav", { class: "tabs", role: "tablist" }, tabs.map(([id, vi, en]) =>
      el("button", { id: `tab-${id}`, role: "tab", "aria-selected": String(tab === id), onclick: () => show(id) }, vi, " ", el("span", { class: "en" }, en)))),
    el("section", { id: "live", hidden: tab !== "live" }),
    el("section", { id: "reports", hidden: tab !== "reports" }),
    el("section", { id: "insight", hidden: tab !== "insight" }),
    el("section", { id: "planning", hidden: tab !== "planning" }),
    el("section", { id: "dossiers", hidden: tab !== "dossiers" }),
    el("section", { id: "devices", hidden: tab !== "devices" }),
    el("section", { id: "ticker", hidden: tab !== "ticker" }),
    el("section", { id: "outbox", hidden: tab !== "outbox" }),
  );
  buildReports();
  buildInsight($("#insight"), conn, snapshot.day);
  planning = buildPlanning($("#planning"), conn, snapshot.day);
  dossiers = buildDossiers($("#dossiers"), conn, snapshot.day, (counts) => {
    const late = counts.overdue + counts.due_soon;
    $("#tab-dossiers").classList.toggle("alarm", counts.overdue > 0);
    $("#tab-dossiers").dataset.alarms = String(late);
    $("#tab-dossiers").title = `${counts.overdue} quá hạn, ${counts.due_soon} sắp đến hạn`;
  });
  outboxTab = buildOutbox($("#outbox"), conn);
  fleet = buildFleet($("#devices"), conn, {
    self: device,
    onAlarms: (lines) => {
      fleetAlarms = lines;
      const shown = $("#alarms");
      if (shown && snapshot && summary) shown.replaceWith(alarmsCard());
    },
  });
}

function show(id) {
  tab = id;
  for (const name of ["live", "reports", "insight", "planning", "dossiers", "outbox", "devices", "ticker"]) {
    $(`#${name}`).hidden = name !== id;
    $(`#tab-${name}`).setAttribute("aria-selected", String(name === id));
  }
  if (id === "reports" && !report) loadReport();
  if (id === "insight") showInsight();
  if (id === "planning") planning.load();
  if (id === "dossiers") dossiers.load();
  if (id === "outbox") outboxTab.load();
}

// ---- live ----

function renderLive() {
  const waiting = snapshot.waiting || [];
  const longest = {};
  for (const w of waiting) longest[w.service] = Math.max(longest[w.service] || 0, w.waited_minutes);
  const late = lateTickets();
  const longestAll = waiting.reduce((m, w) => Math.max(m, w.waited_minutes), 0);
  const open = snapshot.counters.filter((c) => c.state === "open").length;
  const paused = snapshot.counters.filter((c) => c.state === "paused").length;

  const cards = el("div", { class: "cards" },
    el("div", { class: "card" }, el("b", { id: "live-waiting" }, waiting.length), "Đang chờ ", el("span", { class: "en" }, "waiting")),
    el("div", { class: `card ${late.length ? "alarm" : ""}` }, el("b", { id: "live-longest" }, `${longestAll}′`), "Chờ lâu nhất ", el("span", { class: "en" }, "longest wait")),
    el("div", { class: "card" }, el("b", { id: "live-served" }, summary.served), "Đã phục vụ hôm nay ", el("span", { class: "en" }, "served today")),
    el("div", { class: "card" }, el("b", { id: "live-open" }, `${open}/${snapshot.counters.length}`), `Quầy mở${paused ? `, ${paused} tạm dừng` : ""} `, el("span", { class: "en" }, "counters open")),
    el("div", { class: "card" }, el("b", {}, summary.average_wait_minutes === null ? "—" : number(summary.average_wait_minutes)), "Phút chờ TB ", el("span", { class: "en" }, "avg wait")),
  );

  const serviceRows = snapshot.services.map((s) => el("tr", { class: (longest[s.code] || 0) > s.max_wait_minutes ? "late" : "" },
    el("td", {}, s.name_vi, el("br"), el("span", { class: "en" }, s.name_en)),
    el("td", { class: "num" }, s.waiting),
    el("td", { class: "num" }, longest[s.code] !== undefined ? `${longest[s.code]}′` : "—"),
    el("td", { class: "num" }, s.max_wait_minutes ? `${s.max_wait_minutes}′` : "—"),
    el("td", { class: "num" }, s.estimated_wait_minutes === null ? "—" : `${s.estimated_wait_minutes}′`),
    el("td", { class: "num" }, s.issued),
    el("td", { class: "num" }, s.counters_open),
    el("td", {}, s.open ? (s.full ? el("span", { class: "badge bad" }, "Hết số") : el("span", { class: "badge open" }, "Mở")) : el("span", { class: "badge closed" }, "Đóng")),
  ));
  const services = el("div", { class: "card" },
    el("h2", {}, "Theo lĩnh vực ", el("span", { class: "en" }, "By field")),
    el("table", { id: "live-services" },
      el("thead", {}, el("tr", {}, ["Lĩnh vực", "Đang chờ", "Chờ lâu nhất", "Giới hạn", "Ước tính", "Đã cấp", "Quầy mở", ""].map((h, i) => el("th", { class: i && i < 7 ? "num" : "" }, h)))),
      el("tbody", {}, serviceRows)));

  const counterRows = snapshot.counters.map((c) => el("tr", {},
    el("td", {}, c.name),
    el("td", {}, el("span", { class: `badge ${c.state}` }, COUNTER_VI[c.state]), c.pause_reason ? ` ${pauseReasonName(snapshot, c.pause_reason)}` : null),
    el("td", {}, c.officer ? officerName(c.officer) : "—"),
    el("td", {}, c.current_label || "—"),
  ));
  const counters = el("div", { class: "card" },
    el("h2", {}, "Quầy ", el("span", { class: "en" }, "Counters")),
    el("table", { id: "live-counters" }, el("thead", {}, el("tr", {}, ["Quầy", "Trạng thái", "Cán bộ", "Đang phục vụ"].map((h) => el("th", {}, h)))), el("tbody", {}, counterRows)));

  $("#live").replaceChildren(cards, alarmsCard(), helpLiveCard(snapshot.help, deviceName), insightLive(snapshot, conn), el("div", { class: "two" }, services, counters));
}

// Tickets past their field's limit, parts failing, and the fleet's silent devices (fleet.js).
function alarmsCard() {
  const late = lateTickets();
  const faults = (snapshot.device_status || []).filter((d) => !d.ok);
  const alarmItems = [
    ...late.map((w) => el("li", {}, `Số ${w.label} (${serviceName(w.service)}) đã chờ ${w.waited_minutes} phút, quá ${limitOf(w.service)} phút.`)),
    ...faults.map((d) => el("li", {}, `${deviceName(d.device)}: ${COMPONENT_VI[d.component] || d.component} lỗi${d.detail ? ` (${DETAIL_VI[d.detail] || d.detail})` : ""} từ ${hhmm(d.since)}.`)),
    ...fleetAlarms.map((line) => el("li", { class: "fleet-silent" }, line)),
  ];
  return el("div", { class: "card alarms", id: "alarms" },
    el("h2", {}, "Cảnh báo ", el("span", { class: "en" }, "Alarms")),
    alarmItems.length ? el("ul", {}, alarmItems) : el("p", {}, "Không có cảnh báo. ", el("span", { class: "en" }, "No alarms.")));
}

function lateTickets() {
  return (snapshot.waiting || []).filter((w) => {
    const s = snapshot.services.find((x) => x.code === w.service);
    return s && s.max_wait_minutes && w.waited_minutes > s.max_wait_minutes;
  });
}

function serviceName(code) {
  const s = snapshot.services.find((x) => x.code === code);
  return s ? s.name_vi : code;
}

function limitOf(code) {
  const s = snapshot.services.find((x) => x.code === code);
  return s ? s.max_wait_minutes : "?";
}

function officerName(user) {
  const o = (snapshot.officers || []).find((x) => x.user === user);
  return o ? o.name : user;
}

function deviceName(id) {
  const d = (snapshot.devices || []).find((x) => x.id === id);
  return d && d.name ? d.name : id;
}

// ---- ticker ----

function renderTicker() {
  if ($("#ticker").childElementCount) {
    $("#ticker-current").textContent = snapshot.announcement.text_vi || "(trống)";
    return;
  }
  const vi = el("textarea", { id: "ticker-vi", rows: 3, maxlength: 500 });
  const en = el("textarea", { id: "ticker-en", rows: 2, maxlength: 500 });
  vi.value = snapshot.announcement.text_vi;
  en.value = snapshot.announcement.text_en;
  const note = el("p", { id: "ticker-note", class: "notice" });
  const form = el("form", { class: "card", id: "ticker-form" },
    el("h2", {}, "Dòng chữ chạy trên bảng điện tử ", el("span", { class: "en" }, "Display boards' ticker")),
    el("p", {}, "Đang hiển thị: ", el("b", { id: "ticker-current" }, snapshot.announcement.text_vi || "(trống)")),
    el("label", { for: "ticker-vi" }, "Tiếng Việt (để trống để tắt)"), vi,
    el("label", { for: "ticker-en" }, "English"), en, note,
    el("button", { type: "submit", class: "primary", id: "ticker-save" }, "Cập nhật ", el("span", { class: "en" }, "Update")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await conn.request("announcement.set", { text_vi: vi.value.trim(), text_en: en.value.trim() });
      note.className = "notice";
      note.textContent = "Đã cập nhật bảng tin. Updated.";
    } catch (error) {
      note.className = "error";
      note.textContent = errorText(error);
    }
  });
  $("#ticker").replaceChildren(form);
}

// ---- reports ----

function buildReports() {
  const today = snapshot.day;
  const period = el("select", { id: "report-period" }, el("option", { value: "day" }, "Ngày"), el("option", { value: "week" }, "Tuần"), el("option", { value: "month" }, "Tháng"));
  const date = el("input", { id: "report-date", type: "date", value: today });
  const by = el("select", { id: "report-by" }, Object.entries(BY_VI).map(([v, t]) => el("option", { value: v }, t)));
  const controls = el("form", { class: "card controls", id: "report-form" },
    el("div", {}, el("label", { for: "report-period" }, "Kỳ báo cáo"), period),
    el("div", {}, el("label", { for: "report-date" }, "Ngày trong kỳ"), date),
    el("div", {}, el("label", { for: "report-by" }, "Theo"), by),
    el("button", { type: "submit", class: "primary", id: "report-show" }, "Xem ", el("span", { class: "en" }, "Show")),
    el("button", { type: "button", id: "export-csv", onclick: () => exportReport("csv") }, "Tải CSV"),
    el("button", { type: "button", id: "export-xlsx", onclick: () => exportReport("xlsx") }, "Tải Excel (.xlsx)"),
    el("p", { class: "error", id: "report-error" }));
  controls.addEventListener("submit", (event) => {
    event.preventDefault();
    loadReport();
  });
  $("#reports").replaceChildren(controls, el("div", { id: "report-body" }));
}

function reportArgs() {
  return { period: $("#report-period").value, date: $("#report-date").value || null, by: $("#report-by").value };
}

async function loadReport() {
  try {
    report = (await conn.request("report.get", reportArgs())).report;
    $("#report-error").textContent = "";
  } catch (error) {
    $("#report-error").textContent = errorText(error);
    return;
  }
  renderReport();
}

function renderReport() {
  const r = report;
  const t = r.total;
  const levels = r.scale;
  // the cards say the figures as the table does (1,2 phút), not rounded to whole minutes
  const exactMinutes = (value) => (value === null || value === undefined ? "—" : `${number(value)} phút`);
  const span = r.from === r.to ? dmy(r.from) : `${dmy(r.from)} – ${dmy(r.to)}`;
  const cards = el("div", { class: "cards", id: "report-cards" },
    el("div", { class: "card" }, el("b", { id: "report-issued" }, t.issued), "Số đã cấp"),
    el("div", { class: "card" }, el("b", { id: "report-served" }, t.served), "Đã phục vụ"),
    el("div", { class: "card" }, el("b", {}, t.no_show), "Vắng mặt"),
    el("div", { class: "card" }, el("b", { id: "report-wait" }, exactMinutes(t.average_wait_minutes)), "Chờ trung bình"),
    el("div", { class: "card" }, el("b", { id: "report-p90" }, exactMinutes(t.p90_wait_minutes)), "Chờ P90"),
    el("div", { class: "card" }, el("b", { id: "report-service" }, exactMinutes(t.average_service_minutes)), "Phục vụ trung bình"),
    el("div", { class: "card" }, el("b", { id: "report-satisfaction" }, t.satisfaction_index === null ? "—" : number(t.satisfaction_index)), `Chỉ số hài lòng (${t.rating_count} lượt)`),
  );
  // the counts balance on every row: Cấp + Nhận chuyển = Phục vụ + Vắng + Hủy + Chuyển đi + Chờ + Tại quầy (docs/web.md)
  const head = [BY_VI[r.by], "Cấp", "Nhận chuyển", "Phục vụ", "Vắng", "Hủy", "Chuyển đi", "Chờ", "Tại quầy", "Chờ TB", "Chờ P90", "Phục vụ TB", ...levels.map((l) => l.name_vi), "Chỉ số HL", "Gắn hồ sơ %"];
  const line = (name, f, strong = false) => el("tr", strong ? { class: "total" } : {},
    el("td", {}, strong ? el("b", {}, name) : name),
    ...[f.issued, f.transferred_in, f.served, f.no_show, f.cancelled, f.transferred, f.waiting, f.at_counter, number(f.average_wait_minutes), number(f.p90_wait_minutes), number(f.average_service_minutes), ...levels.map((l) => f.ratings[String(l.score)] || 0), number(f.satisfaction_index), number(f.dossier_ratings_percent)]
      .map((v) => el("td", { class: "num" }, strong ? el("b", {}, v) : v)));
  const table = el("div", { class: "card" },
    el("h2", {}, `Báo cáo ${span}`),
    el("table", { id: "report-table" },
      el("thead", {}, el("tr", {}, head.map((h, i) => el("th", { class: i ? "num" : "" }, h)))),
      el("tbody", {}, r.rows.map((row) => line(row.name, row)), line("Tổng cộng", t, true))));
  const hours = r.arrivals_by_hour.map((_, h) => String(h).padStart(2, "0"));
  const charts = el("div", { class: "charts" },
    el("div", { class: "card chart", id: "chart-arrivals" }, barChart(r.arrivals_by_hour, hours, { title: "Lượt đến theo giờ (Arrivals per hour)" })),
    el("div", { class: "card chart", id: "chart-satisfaction" }, barChart(levels.map((l) => t.ratings[String(l.score)] || 0), levels.map((l) => l.name_vi), { title: "Mức độ hài lòng (Satisfaction)", colors: ["#1b6e20", "#4a7d16", "#8a5a00", "#b3261e"] })),
    el("div", { class: "card chart", id: "chart-served" }, barChart(r.rows.map((row) => row.served), r.rows.map((row) => row.name), { title: `Đã phục vụ theo ${BY_VI[r.by].toLowerCase()} (Served)` })),
    el("div", { class: "card chart", id: "chart-wait" }, barChart(r.rows.map((row) => row.average_wait_minutes === null ? 0 : Math.round(row.average_wait_minutes)), r.rows.map((row) => row.name), { title: "Phút chờ trung bình (Average wait, min)", colors: "#8a5a00" })),
  );
  $("#report-body").replaceChildren(cards, table, charts, helpReportCard(r.help, deviceName));
}

async function exportReport(format) {
  try {
    const reply = await conn.request("report.export", { ...reportArgs(), format });
    saveFile(reply);
    $("#report-error").textContent = "";
  } catch (error) {
    $("#report-error").textContent = errorText(error);
  }
}

const token = storedToken(device);
if (!device) main.replaceChildren(el("p", { class: "error" }, "Tên thiết bị không hợp lệ."));
else if (token) start(token);
else tokenForm(main, device, "", start);
