// The dashboard's planning tab ("Kế hoạch"): a day's forecast arrivals and the counters each
// field needs per half-hour (planning.forecast), the weekday × hour heat maps of arrivals and
// waits (planning.heatmap), and both as CSV / Excel files (planning.export). docs/web.md.
import { $, dmy, el, errorText, number, saveFile } from "/static/mc.js";
import { barChart } from "/static/charts.js";

const NS = "http://www.w3.org/2000/svg";
const WEEKDAYS = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật"];

function addDays(iso, days) {
  const date = new Date(`${iso}T12:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

// section: the tab's element; conn: the dashboard's QueueConnection; today: the site's day.
export function buildPlanning(section, conn, today) {
  const date = el("input", { id: "planning-date", type: "date", value: addDays(today, 1) });
  const weeks = el("select", { id: "planning-weeks" }, [2, 3, 4, 6, 8, 12].map((n) => el("option", { value: n, selected: n === 4 }, `${n} tuần`)));
  const from = el("input", { id: "heat-from", type: "date", value: addDays(today, -27) });
  const to = el("input", { id: "heat-to", type: "date", value: today });
  const forecastArgs = () => ({ date: date.value || null, weeks: Number(weeks.value) });
  const heatArgs = () => ({ from: from.value || null, to: to.value || null });
  const error = el("p", { class: "error", id: "planning-error" });

  async function run(op, args, render) {
    try {
      const reply = await conn.request(op, args);
      error.textContent = "";
      render(reply);
    } catch (e) {
      error.textContent = errorText(e);
    }
  }
  const loadForecast = () => run("planning.forecast", forecastArgs(), (r) => renderForecast(r.forecast));
  const loadHeat = () => run("planning.heatmap", heatArgs(), (r) => renderHeat(r.heatmap));
  const exportTable = (table, format) => run("planning.export", { table, format, ...(table === "staffing" ? forecastArgs() : heatArgs()) }, saveFile);

  const forecastForm = el("form", { class: "card controls", id: "planning-form" },
    el("div", {}, el("label", { for: "planning-date" }, "Ngày cần dự báo"), date),
    el("div", {}, el("label", { for: "planning-weeks" }, "Số tuần lịch sử"), weeks),
    el("button", { type: "submit", class: "primary", id: "planning-show" }, "Dự báo ", el("span", { class: "en" }, "Forecast")),
    el("button", { type: "button", id: "planning-csv", onclick: () => exportTable("staffing", "csv") }, "Tải CSV"),
    el("button", { type: "button", id: "planning-xlsx", onclick: () => exportTable("staffing", "xlsx") }, "Tải Excel (.xlsx)"));
  forecastForm.addEventListener("submit", (event) => { event.preventDefault(); loadForecast(); });
  const heatForm = el("form", { class: "card controls", id: "heat-form" },
    el("div", {}, el("label", { for: "heat-from" }, "Từ ngày"), from),
    el("div", {}, el("label", { for: "heat-to" }, "Đến ngày"), to),
    el("button", { type: "submit", class: "primary", id: "heat-show" }, "Xem giờ cao điểm ", el("span", { class: "en" }, "Peak view")),
    el("button", { type: "button", id: "heat-csv", onclick: () => exportTable("heatmap", "csv") }, "Tải CSV"),
    el("button", { type: "button", id: "heat-xlsx", onclick: () => exportTable("heatmap", "xlsx") }, "Tải Excel (.xlsx)"));
  heatForm.addEventListener("submit", (event) => { event.preventDefault(); loadHeat(); });

  section.replaceChildren(forecastForm, error, el("div", { id: "planning-body" }), heatForm, el("div", { id: "heat-body" }));
  return { load: () => Promise.all([loadForecast(), loadHeat()]) };
}

function renderForecast(f) {
  const basis = f.days_used.length
    ? `Trung bình ${f.days_used.length} ngày cùng thứ: ${f.days_used.map(dmy).join(", ")}; cộng lịch hẹn đã đặt.`
    : "Chưa có lịch sử cùng thứ: chỉ tính lịch hẹn đã đặt.";
  const head = el("tr", {}, el("th", {}, "Lĩnh vực"), f.slots.map((s) => el("th", { class: "num" }, s)), el("th", { class: "num" }, "Cả ngày"));
  const cell = (counters, arrivals) => el("td", { class: `num need${Math.min(counters, 5)}`, title: `${number(arrivals, 2)} lượt đến dự báo` },
    el("b", {}, counters), el("small", {}, number(arrivals)));
  const rows = f.fields.map((field) => el("tr", { "data-service": field.service },
    el("td", {}, field.name_vi, el("br"), el("span", { class: "en" }, `${number(field.service_minutes)} phút/lượt${field.measured ? "" : " (mặc định)"} · chờ ≤ ${field.target_wait_minutes}′`)),
    field.counters.map((c, i) => cell(c, field.arrivals[i])),
    el("td", { class: "num" }, el("b", {}, number(field.total_arrivals)), el("small", {}, "lượt"))));
  const total = el("tr", { class: "total" }, el("td", {}, el("b", {}, "Tổng cộng")),
    f.total.counters.map((c, i) => cell(c, f.total.arrivals[i])),
    el("td", { class: "num" }, el("b", {}, number(f.total.arrivals.reduce((a, b) => a + b, 0)))));
  const table = el("div", { class: "card wide-table" },
    el("h2", {}, `Số quầy cần ngày ${dmy(f.date)} `, el("span", { class: "en" }, `Counters needed for ${f.level_percent} % called within the target wait`)),
    el("p", { id: "planning-basis" }, basis),
    f.slots.length
      ? el("table", { id: "staffing-table" }, el("thead", {}, head), el("tbody", {}, rows, total))
      : el("p", { id: "staffing-empty" }, "Không có lượt đến nào được dự báo cho ngày này. ", el("span", { class: "en" }, "No arrivals expected.")));
  const wide = { width: Math.max(520, 48 * f.slots.length), height: 280 };
  const charts = el("div", {},
    el("div", { class: "card chart", id: "chart-forecast" }, barChart(f.total.arrivals.map((v) => Math.round(v)), f.slots, { ...wide, title: "Lượt đến dự báo mỗi nửa giờ, mọi lĩnh vực (Forecast arrivals)" })),
    el("div", { class: "card chart", id: "chart-counters" }, barChart(f.total.counters, f.slots, { ...wide, title: "Số quầy cần, mọi lĩnh vực (Counters needed)", colors: "#1b6e20" })));
  $("#planning-body").replaceChildren(table, charts);
}

function renderHeat(h) {
  const used = h.arrivals.flatMap((row) => row.map((v, hour) => (v ? hour : null))).filter((x) => x !== null);
  const hours = used.length ? Array.from({ length: Math.max(...used) - Math.min(...used) + 1 }, (_, i) => Math.min(...used) + i) : [...Array(24).keys()];
  $("#heat-body").replaceChildren(el("div", { class: "charts" },
    el("div", { class: "card chart", id: "heat-arrivals" }, heatMap(h.arrivals_per_day, hours, `Lượt đến TB mỗi ngày, ${dmy(h.from)} – ${dmy(h.to)} (Arrivals per day)`, [11, 79, 156])),
    el("div", { class: "card chart", id: "heat-wait" }, heatMap(h.average_wait, hours, "Phút chờ trung bình (Average wait, min)", [179, 38, 30]))));
}

// values[weekday][hour] (null: none); a cell's colour runs from white to `rgb` at the maximum.
function heatMap(values, hours, title, rgb) {
  const cellW = 34, cellH = 30, left = 78, top = 40;
  const width = left + cellW * hours.length + 8, height = top + cellH * 7 + 26;
  const max = Math.max(0, ...values.flat().filter((v) => v !== null));
  const root = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": title });
  root.append(svg("text", { x: 4, y: 18, class: "title" }, title));
  values.forEach((row, w) => {
    root.append(svg("text", { x: left - 6, y: top + w * cellH + 20, "text-anchor": "end" }, WEEKDAYS[w]));
    hours.forEach((hour, i) => {
      const value = row[hour];
      const share = value === null || max === 0 ? 0 : value / max;
      const fill = value === null ? "#f3f5f8" : `rgb(${rgb.map((c) => Math.round(255 - (255 - c) * share)).join(",")})`;
      const rect = svg("rect", { x: left + i * cellW, y: top + w * cellH, width: cellW - 2, height: cellH - 2, fill, "data-weekday": w, "data-hour": hour });
      rect.append(svg("title", {}, `${WEEKDAYS[w]} ${String(hour).padStart(2, "0")}:00: ${value === null ? "—" : number(value)}`));
      root.append(rect);
      if (value !== null && value > 0) {
        root.append(svg("text", { x: left + i * cellW + cellW / 2 - 1, y: top + w * cellH + 19, "text-anchor": "middle", class: share > 0.55 ? "on-dark" : "" }, number(value, 0)));
      }
    });
  });
  hours.forEach((hour, i) => root.append(svg("text", { x: left + i * cellW + cellW / 2, y: top + 7 * cellH + 18, "text-anchor": "middle" }, String(hour).padStart(2, "0"))));
  return root;
}

function svg(tag, attrs = {}, text = null) {
  const node = document.createElementNS(NS, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  if (text !== null) node.textContent = text;
  return node;
}

