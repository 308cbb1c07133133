// The dashboard's dossier tab: the late-dossier alarms (dossier.alarms), the pull's last run,
// and the on-time figures per field and unit (dossier.report). docs/dossiers.md.
import { $, dmy, el, errorText, hhmm, number } from "/static/mc.js";

const REFRESH_MS = 60000;
let timer = null; // one refresh loop, whatever the number of (re)connections

function standingText(s) {
  if (s.progress === "overdue") return s.days_late ? `Quá hạn ${s.days_late} ngày LV` : "Quá hạn";
  if (s.progress === "due_soon") return s.days_left === 0 ? "Đến hạn hôm nay" : `Còn ${s.days_left} ngày LV`;
  return s.progress;
}

export function buildDossiers(section, conn, today, onCounts) {
  const period = el("select", { id: "dossier-period" }, el("option", { value: "month" }, "Tháng"), el("option", { value: "week" }, "Tuần"), el("option", { value: "day" }, "Ngày"));
  const date = el("input", { id: "dossier-date", type: "date", value: today });
  const form = el("form", { class: "card controls", id: "dossier-form" },
    el("div", {}, el("label", { for: "dossier-period" }, "Kỳ"), period),
    el("div", {}, el("label", { for: "dossier-date" }, "Ngày trong kỳ"), date),
    el("button", { type: "submit", class: "primary", id: "dossier-show" }, "Xem đúng hạn ", el("span", { class: "en" }, "On-time figures")),
    el("p", { class: "error", id: "dossier-error" }));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    loadReport();
  });
  section.replaceChildren(el("div", { id: "dossier-alarms" }), form, el("div", { id: "dossier-report" }));

  async function loadAlarms() {
    let reply;
    try {
      reply = await conn.request("dossier.alarms");
    } catch (error) {
      $("#dossier-alarms").replaceChildren(el("p", { class: "error" }, errorText(error)));
      return;
    }
    if (onCounts) onCounts(reply.counts);
    const pull = reply.pull;
    const pullLine = !pull ? null : el("p", { id: "dossier-pull", class: pull.last_run && pull.last_run.failure ? "error" : "notice" },
      pull.last_run && pull.last_run.failure
        ? `Không lấy được dữ liệu từ hệ thống một cửa (${pull.last_run.failure}); lần thành công gần nhất: ${pull.last_ok_at ? hhmm(pull.last_ok_at) : "chưa có"}.`
        : `Đồng bộ với hệ thống một cửa lúc ${pull.last_run_at ? hhmm(pull.last_run_at) : "—"}.`);
    const rows = reply.alarms.map((a) => el("tr", { class: a.standing.progress === "overdue" ? "late" : "soon", "data-code": a.code },
      el("td", {}, a.code), el("td", {}, a.procedure || "—"), el("td", {}, a.field || "—"), el("td", {}, a.department || "—"),
      el("td", {}, a.officer || "—"), el("td", {}, dmy(a.due_date)), el("td", {}, el("b", {}, standingText(a.standing)))));
    $("#dossier-alarms").replaceChildren(...[
      el("div", { class: "cards" },
        el("div", { class: `card ${reply.counts.overdue ? "alarm" : ""}` }, el("b", { id: "dossier-overdue" }, reply.counts.overdue), "Hồ sơ quá hạn ", el("span", { class: "en" }, "overdue")),
        el("div", { class: "card" }, el("b", { id: "dossier-due-soon" }, reply.counts.due_soon), `Sắp đến hạn (≤ ${reply.warn_working_days} ngày LV) `, el("span", { class: "en" }, "due soon"))),
      pullLine,
      el("div", { class: "card" }, el("h2", {}, "Cảnh báo hồ sơ ", el("span", { class: "en" }, "Dossier alarms")),
        rows.length ? el("table", { id: "dossier-alarm-table" },
          el("thead", {}, el("tr", {}, ["Mã hồ sơ", "Thủ tục", "Lĩnh vực", "Đơn vị", "Cán bộ", "Hẹn trả", "Tình trạng"].map((h) => el("th", {}, h)))),
          el("tbody", {}, rows)) : el("p", { id: "dossier-no-alarm" }, "Không có hồ sơ quá hạn hay sắp đến hạn."))].filter(Boolean));
  }

  async function loadReport() {
    let r;
    try {
      r = (await conn.request("dossier.report", { period: period.value, date: date.value || null })).report;
      $("#dossier-error").textContent = "";
    } catch (error) {
      $("#dossier-error").textContent = errorText(error);
      return;
    }
    const head = ["Lĩnh vực", "Đơn vị", "Tiếp nhận", "Trước hạn", "Đúng hạn", "Quá hạn", "Trả lại", "Đang xử lý trong hạn", "Đang xử lý quá hạn", "% đúng hạn"];
    const cells = (x) => [x.received, x.early, x.on_time, x.late, x.returned, x.pending_in_time, x.pending_overdue, x.on_time_percent === null ? "—" : `${number(x.on_time_percent)} %`];
    $("#dossier-report").replaceChildren(el("div", { class: "card" },
      el("h2", {}, `Giải quyết hồ sơ ${dmy(r.from)} – ${dmy(r.to)}`),
      el("table", { id: "dossier-report-table" },
        el("thead", {}, el("tr", {}, head.map((h, i) => el("th", { class: i > 1 ? "num" : "" }, h)))),
        el("tbody", {},
          r.rows.map((row) => el("tr", {}, el("td", {}, row.field || "—"), el("td", {}, row.unit || "—"), cells(row).map((v) => el("td", { class: "num" }, v)))),
          el("tr", { class: "total" }, el("td", {}, el("b", {}, "Tổng cộng")), el("td", {}), cells(r.total).map((v) => el("td", { class: "num" }, el("b", {}, v))))))));
  }

  clearInterval(timer);
  timer = setInterval(loadAlarms, REFRESH_MS);
  loadAlarms();
  return { load: () => Promise.all([loadAlarms(), loadReport()]) };
}
