// The manager dashboard's quality views (docs/web.md, "Chất lượng"): today's service level per
// field and the open follow-ups on the live view; the quality reports (service level, visits
// and transactions, no-show and recall rates, satisfaction, officer time) with charts and
// downloads. dashboard.js owns the connection and the tabs and calls in here.
import { $, dmy, el, errorText, number, saveFile } from "/static/mc.js";
import { barChart } from "/static/charts.js";

const FOLLOW_UP_VI = {
  note_required: "Hãy ghi chú việc đã xử lý.",
  text_too_long: "Ghi chú quá dài (tối đa 500 ký tự).",
  follow_up_closed: "Phản ánh này đã được đóng.",
  follow_up_unknown: "Không có phản ánh này.",
};
const BY_VI = { service: "Lĩnh vực", counter: "Quầy", officer: "Cán bộ", unit: "Đơn vị", hour: "Giờ đến", day: "Ngày" };
let conn = null;
let insight = null;
let liveBox = null; // kept across redraws: a note being typed survives the live view's refreshes

// ---- live: service level today and the open follow-ups ----

// The live view's quality part, brought up to date from the manager's snapshot.
export function insightLive(snapshot, connection) {
  conn = connection;
  if (!liveBox) {
    liveBox = el("div", { class: "two", id: "insight-live" },
      el("div", { class: "card", id: "service-levels" }),
      el("div", { class: "card", id: "follow-ups" },
        el("h2", {}, "Phản ánh cần xử lý ", el("span", { class: "en" }, "Follow-ups of “Không hài lòng”")),
        el("p", { id: "follow-ups-empty" }, "Không có phản ánh nào đang mở. ", el("span", { class: "en" }, "No open follow-ups.")),
        el("ul", { class: "follow-ups", id: "follow-up-list" })));
  }
  drawServiceLevels(snapshot);
  drawFollowUps(snapshot);
  return liveBox;
}

function drawServiceLevels(snapshot) {
  const levels = snapshot.service_levels || [];
  const rows = levels.map((s) => {
    const service = snapshot.services.find((x) => x.code === s.service);
    const below = s.service_level_percent !== null && s.service_level_percent < s.aim_percent;
    return el("tr", { class: below ? "late" : "", "data-service": s.service },
      el("td", {}, service ? service.name_vi : s.service),
      el("td", { class: "num" }, `${s.target_wait_minutes}′`),
      el("td", { class: "num" }, s.called),
      el("td", { class: "num" }, s.within_target),
      el("td", { class: "num level" }, s.service_level_percent === null ? "—" : `${number(s.service_level_percent)} %`),
    );
  });
  const aim = levels.length ? levels[0].aim_percent : null;
  liveBox.querySelector("#service-levels").replaceChildren(
    el("h2", {}, "Mức phục vụ hôm nay ", el("span", { class: "en" }, "Service level today")),
    el("p", {}, aim === null ? "" : `Mục tiêu: ${aim} % công dân được gọi trong thời gian chờ mục tiêu của lĩnh vực. `,
      el("span", { class: "en" }, "Aim: this share called within the field's target wait.")),
    el("table", { id: "live-service-levels" },
      el("thead", {}, el("tr", {}, ["Lĩnh vực", "Chờ mục tiêu", "Đã gọi", "Trong mục tiêu", "Mức phục vụ"].map((h, i) => el("th", { class: i ? "num" : "" }, h)))),
      el("tbody", {}, rows)));
}

function drawFollowUps(snapshot) {
  const items = snapshot.follow_ups || [];
  const list = liveBox.querySelector("#follow-up-list");
  const open = new Set(items.map((i) => String(i.id)));
  for (const node of [...list.children]) if (!open.has(node.dataset.id)) node.remove();
  for (const item of items) {
    if (list.querySelector(`li[data-id="${item.id}"]`)) continue;
    list.append(followUpItem(item, snapshot));
  }
  liveBox.querySelector("#follow-ups-empty").hidden = items.length > 0;
}

function followUpItem(item, snapshot) {
  const service = snapshot.services.find((x) => x.code === item.service);
  const counter = snapshot.counters.find((x) => x.number === item.counter);
  const note = el("textarea", { rows: 2, maxlength: 500, "aria-label": `Ghi chú xử lý số ${item.label}`, class: "follow-up-note" });
  const problem = el("p", { class: "error follow-up-error" });
  const close = el("button", { type: "submit", class: "primary follow-up-close" }, "Đóng phản ánh ", el("span", { class: "en" }, "Close"));
  const form = el("form", {}, note, problem, close);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    close.disabled = true;
    try {
      await conn.request("follow_up.close", { item: item.id, note: note.value });
      form.closest("li").remove();
      liveBox.querySelector("#follow-ups-empty").hidden = liveBox.querySelector("#follow-up-list").childElementCount > 0;
    } catch (error) {
      problem.textContent = FOLLOW_UP_VI[error.code] ? `${FOLLOW_UP_VI[error.code]} ${error.message}` : errorText(error);
      close.disabled = false;
    }
  });
  return el("li", { "data-id": item.id, class: "follow-up" },
    el("b", {}, `Số ${item.label}`), ` · ${service ? service.name_vi : item.service} · ${counter ? counter.name : `Quầy ${item.counter}`}`,
    ` · cán bộ ${officerName(snapshot, item.officer)} · ${item.opened_at.slice(11, 16)} ${dmy(item.opened_at.slice(0, 10))}`,
    form);
}

// An officer's name from the manager's snapshot's officers (the user id if not configured).
function officerName(snapshot, user) {
  if (!user) return "—";
  const officer = (snapshot.officers || []).find((o) => o.user === user);
  return officer ? officer.name : user;
}

// The name of a pause reason (for the counters' table), or "".
export function pauseReasonName(snapshot, code) {
  if (!code) return "";
  const reason = (snapshot.pause_reasons || []).find((r) => r.code === code);
  return reason ? reason.name_vi : code;
}

// ---- the quality reports tab ----

export function buildInsight(section, connection, today) {
  conn = connection;
  const period = el("select", { id: "insight-period" }, el("option", { value: "day" }, "Ngày"), el("option", { value: "week" }, "Tuần"), el("option", { value: "month" }, "Tháng"));
  const date = el("input", { id: "insight-date", type: "date", value: today });
  const by = el("select", { id: "insight-by" }, Object.entries(BY_VI).map(([v, t]) => el("option", { value: v }, t)));
  const controls = el("form", { class: "card controls", id: "insight-form" },
    el("div", {}, el("label", { for: "insight-period" }, "Kỳ báo cáo"), period),
    el("div", {}, el("label", { for: "insight-date" }, "Ngày trong kỳ"), date),
    el("div", {}, el("label", { for: "insight-by" }, "Theo"), by),
    el("button", { type: "submit", class: "primary", id: "insight-show" }, "Xem ", el("span", { class: "en" }, "Show")),
    el("button", { type: "button", id: "insight-csv", onclick: () => download("csv") }, "Tải CSV"),
    el("button", { type: "button", id: "insight-xlsx", onclick: () => download("xlsx") }, "Tải Excel (.xlsx)"),
    el("p", { class: "error", id: "insight-error" }));
  controls.addEventListener("submit", (event) => {
    event.preventDefault();
    loadInsight();
  });
  section.replaceChildren(controls, el("div", { id: "insight-body" }));
}

export function showInsight() {
  if (!insight) loadInsight();
}

function insightArgs() {
  return { period: $("#insight-period").value, date: $("#insight-date").value || null, by: $("#insight-by").value };
}

async function loadInsight() {
  try {
    insight = (await conn.request("insight.get", insightArgs())).insight;
    $("#insight-error").textContent = "";
  } catch (error) {
    $("#insight-error").textContent = errorText(error);
    return;
  }
  drawInsight();
}

const pct = (value) => (value === null ? "—" : `${number(value)} %`);

function drawInsight() {
  const r = insight;
  const t = r.total;
  const levels = r.scale;
  const span = r.from === r.to ? dmy(r.from) : `${dmy(r.from)} – ${dmy(r.to)}`;
  const cards = el("div", { class: "cards", id: "insight-cards" },
    el("div", { class: `card ${t.service_level_percent !== null && t.service_level_percent < r.aim_percent ? "alarm" : ""}` },
      el("b", { id: "insight-level" }, pct(t.service_level_percent)), `Mức phục vụ (mục tiêu ${r.aim_percent} %)`),
    el("div", { class: "card" }, el("b", { id: "insight-visits" }, t.visits), "Lượt công dân"),
    el("div", { class: "card" }, el("b", { id: "insight-return-visits" }, t.return_visits), "Quay lại bổ sung hồ sơ"),
    el("div", { class: "card" }, el("b", { id: "insight-transactions" }, t.transactions), "Giao dịch"),
    el("div", { class: "card" }, el("b", { id: "insight-no-show" }, pct(t.no_show_rate)), "Tỷ lệ vắng mặt"),
    el("div", { class: "card" }, el("b", { id: "insight-recall" }, pct(t.recall_rate)), "Tỷ lệ gọi lại"),
    el("div", { class: "card" }, el("b", { id: "insight-satisfaction" }, t.satisfaction_index === null ? "—" : number(t.satisfaction_index)), `Chỉ số hài lòng (${t.rating_count} lượt)`),
  );
  const head = [BY_VI[r.by], "Chờ mục tiêu", "Lượt", "Giao dịch", "Đã gọi", "Trong mục tiêu", "Mức phục vụ", "Vắng mặt", "Gọi lại", ...levels.map((l) => l.name_vi), "Chỉ số HL"];
  const line = (name, target, q, strong = false) => el("tr", strong ? { class: "total" } : {},
    el("td", {}, strong ? el("b", {}, name) : name),
    ...[target === null ? "—" : `${target}′`, q.visits, q.transactions, q.called, q.within_target, pct(q.service_level_percent), pct(q.no_show_rate), pct(q.recall_rate),
      ...levels.map((l) => q.ratings[String(l.score)] || 0), number(q.satisfaction_index)]
      .map((v) => el("td", { class: "num" }, strong ? el("b", {}, v) : v)));
  const table = el("div", { class: "card" },
    el("h2", {}, `Mức phục vụ và hài lòng ${span}`),
    el("table", { id: "insight-table" },
      el("thead", {}, el("tr", {}, head.map((h, i) => el("th", { class: i ? "num" : "" }, h)))),
      el("tbody", {}, r.rows.map((row) => line(row.name, row.target_wait_minutes, row)), line("Tổng cộng", null, t, true))));

  const reasons = [...r.pause_reasons.map((p) => [p.code, p.name_vi]), ["", "Không nêu lý do"]];
  const officerRows = r.officer_time.map((d) => el("tr", {},
    el("td", {}, d.name), el("td", {}, dmy(d.day)),
    ...[number(d.serving_minutes, 0), number(d.idle_minutes, 0), number(d.paused_total_minutes, 0),
      ...reasons.map(([code]) => number(d.paused_minutes[code] || 0, 0)), pct(d.no_show_rate), pct(d.recall_rate)]
      .map((v) => el("td", { class: "num" }, v))));
  const time = el("div", { class: "card" },
    el("h2", {}, "Thời gian cán bộ (phút) ", el("span", { class: "en" }, "Officer time, minutes")),
    el("table", { id: "officer-time" },
      el("thead", {}, el("tr", {}, ["Cán bộ", "Ngày", "Phục vụ", "Rảnh", "Tạm dừng", ...reasons.map(([, name]) => `TD: ${name}`), "Vắng mặt", "Gọi lại"]
        .map((h, i) => el("th", { class: i > 1 ? "num" : "" }, h)))),
      el("tbody", {}, officerRows)));

  const paused = reasons.map(([code]) => Math.round(r.officer_time.reduce((sum, d) => sum + (d.paused_minutes[code] || 0), 0)));
  const perOfficer = {};
  for (const d of r.officer_time) {
    const o = (perOfficer[d.name] = perOfficer[d.name] || [0, 0]);
    o[0] += d.serving_minutes;
    o[1] += d.serving_minutes + d.idle_minutes + d.paused_total_minutes;
  }
  const names = Object.keys(perOfficer);
  const charts = el("div", { class: "charts" },
    el("div", { class: "card chart", id: "chart-service-level" }, barChart(r.rows.map((row) => row.service_level_percent === null ? 0 : Math.round(row.service_level_percent)), r.rows.map((row) => row.name), { title: `Mức phục vụ theo ${BY_VI[r.by].toLowerCase()}, % (Service level)`, unit: " %" })),
    el("div", { class: "card chart", id: "chart-insight-satisfaction" }, barChart(r.rows.map((row) => row.satisfaction_index === null ? 0 : Math.round(row.satisfaction_index)), r.rows.map((row) => row.name), { title: "Chỉ số hài lòng 0–100 (Satisfaction index)", colors: "#1b6e20" })),
    el("div", { class: "card chart", id: "chart-paused" }, barChart(paused, reasons.map(([, name]) => name), { title: "Tạm dừng theo lý do, phút (Paused by reason)", colors: "#8a5a00" })),
    el("div", { class: "card chart", id: "chart-busy" }, barChart(names.map((n) => perOfficer[n][1] ? Math.round((perOfficer[n][0] / perOfficer[n][1]) * 100) : 0), names, { title: "Tỷ lệ thời gian phục vụ, % (Share of time serving)", unit: " %" })),
  );
  $("#insight-body").replaceChildren(cards, table, charts, time);
}

async function download(format) {
  try {
    const reply = await conn.request("insight.export", { ...insightArgs(), format });
    saveFile(reply);
    $("#insight-error").textContent = "";
  } catch (error) {
    $("#insight-error").textContent = errorText(error);
  }
}
