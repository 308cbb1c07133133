// The province dashboard (motcua-central, docs/province.md): every site the manager sees,
// live; one site's drill-down; reports across sites with CSV and Excel downloads.
import { barChart } from "./charts.js";
import { $, el, errorText, fill, forgetToken, minutes, number, QueueConnection, saveFile, showStatus, storedToken, storeToken } from "./mc.js";

const DEVICE = "province";
const REFRESH_MS = 5000;
const BY_VI = { site: "Đơn vị", service: "Lĩnh vực", counter: "Quầy", officer: "Cán bộ", day: "Ngày" };
const STATE_VI = { open: "Đang mở", paused: "Tạm dừng", closed: "Đóng" };
let conn = null;
let chosen = null; // the site drilled into
let timer = null;

function start(token) {
  const mine = new QueueConnection({
    hello: { token },
    onHello: (reply) => {
      if (conn !== mine) return;
      $("#province-name").textContent = reply.province;
      document.title = `${reply.province} – Điều hành cấp tỉnh`;
      $("#who").textContent = reply.manager.name + (reply.whole_province ? " · toàn tỉnh" : ` · ${reply.sites.length} đơn vị`);
      $("#switch-account").hidden = false;
      build(reply);
      refresh();
    },
    onStatus: (status) => { if (conn === mine) showStatus($("#status"), status); },
    onFatal: (error) => {
      if (conn !== mine) return;
      forgetToken(DEVICE);
      signIn("Mã không đúng. " + errorText(error));
    },
  });
  conn = mine;
  mine.start();
}

// The manager's sign-in: their token, kept in this browser until "Đổi tài khoản".
function signIn(message) {
  const input = el("input", { type: "password", id: "device-token", autocomplete: "off", "aria-label": "Mã quản lý" });
  const error = el("p", { class: "error", id: "token-error" }, message || "");
  const form = el("form", { class: "card setup", id: "token-form" },
    el("h1", {}, "Đăng nhập — Trung tâm tỉnh ", el("span", { class: "en" }, "Province sign-in")),
    el("p", {}, "Nhập mã quản lý (token) của anh/chị trong tệp cấu hình của tỉnh. Mã được lưu trên trình duyệt này cho đến khi bấm “Đổi tài khoản”."),
    el("label", { for: "device-token" }, "Mã quản lý ", el("span", { class: "en" }, "Manager token")),
    input,
    error,
    el("button", { type: "submit", class: "big primary", id: "token-save" }, "Đăng nhập ", el("span", { class: "en" }, "Sign in")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const token = input.value.trim();
    if (!token) {
      error.textContent = "Hãy nhập mã quản lý. Enter your manager token.";
      return;
    }
    storeToken(DEVICE, token);
    start(token);
  });
  document.title = "Đăng nhập — Trung tâm tỉnh · Một Cửa";
  fill($("#main"), form);
  input.focus();
}

// Another manager signs in on this browser: the connection closed, the token forgotten.
function switchAccount() {
  const old = conn;
  conn = null;
  chosen = null;
  clearTimeout(timer);
  if (old) old.stop();
  forgetToken(DEVICE);
  $("#switch-account").hidden = true;
  $("#who").textContent = "";
  $("#province-name").replaceChildren("Điều hành cấp tỉnh ", el("span", { class: "en" }, "Province dashboard"));
  showStatus($("#status"), "stopped");
  signIn("");
}

// A wait: minutes and seconds under 10 minutes ("3 phút 24 giây"), whole minutes above.
function wait(value) {
  if (value === null || value === undefined) return "—";
  if (value >= 10) return minutes(value);
  const seconds = Math.round(value * 60);
  const whole = Math.floor(seconds / 60);
  return seconds % 60 ? `${whole} phút ${String(seconds % 60).padStart(2, "0")} giây` : `${whole} phút`;
}

function build(hello) {
  const now = new Date();
  const today = new Date(now.getTime() - now.getTimezoneOffset() * 60000).toISOString().slice(0, 10); // local day
  const siteBoxes = hello.sites.map((site) =>
    el("label", {}, el("input", { type: "checkbox", class: "report-site", value: site, checked: true }), hello.site_names[site] || site));
  fill($("#main"),
    el("section", { class: "card" },
      el("h2", {}, "Các đơn vị ", el("span", { class: "en" }, "Sites, live")),
      el("table", { id: "sites" },
        el("thead", {}, el("tr", {},
          el("th", {}, "Đơn vị"), el("th", { class: "num" }, "Đang chờ"), el("th", { class: "num" }, "Chờ lâu nhất"),
          el("th", { class: "num" }, "Đã phục vụ"), el("th", { class: "num" }, "Quầy mở"), el("th", { class: "num" }, "Cảnh báo"),
          el("th", { class: "num" }, "Hồ sơ quá hạn / sắp hạn"), el("th", {}, "Liên lạc cuối"), el("th", { class: "num" }, "Chưa gửi (sự kiện)"))),
        el("tbody", {})),
      el("p", { class: "error", id: "live-error" })),
    el("section", { class: "card", id: "detail", hidden: true }),
    el("section", { class: "card" },
      el("h2", {}, "Báo cáo ", el("span", { class: "en" }, "Reports")),
      el("div", { class: "row" },
        el("label", {}, "Kỳ ", el("select", { id: "period" },
          el("option", { value: "day" }, "Ngày"), el("option", { value: "week" }, "Tuần"), el("option", { value: "month" }, "Tháng"))),
        el("label", {}, "Ngày ", el("input", { type: "date", id: "date", value: today })),
        el("label", {}, "Theo ", el("select", { id: "by" },
          ...Object.entries(BY_VI).map(([value, text]) => el("option", { value }, text))))),
      el("div", { class: "choice", id: "report-sites" }, siteBoxes),
      el("div", { class: "row" },
        el("button", { id: "report-show", class: "primary", onclick: showReport }, "Xem báo cáo"),
        el("button", { id: "report-csv", onclick: () => download("csv") }, "Tải CSV"),
        el("button", { id: "report-xlsx", onclick: () => download("xlsx") }, "Tải Excel")),
      el("p", { class: "error", id: "report-error" }),
      el("div", { id: "report-body" })));
}

async function refresh() {
  clearTimeout(timer);
  const mine = conn;
  try {
    const live = await mine.request("province.live");
    if (conn !== mine) return;
    drawSites(live.sites);
    if (chosen) drawDetail((await mine.request("province.site", { site: chosen })).site);
    if (conn !== mine) return;
    $("#live-error").textContent = "";
  } catch (error) {
    if (conn !== mine) return; // signed out meanwhile
    $("#live-error").textContent = errorText(error);
  }
  timer = setTimeout(refresh, REFRESH_MS);
}

function ago(iso) {
  if (!iso) return "chưa bao giờ";
  const seconds = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  return seconds < 90 ? `${seconds} giây trước` : `${Math.round(seconds / 60)} phút trước`;
}

function drawSites(sites) {
  fill($("#sites tbody"), sites.map((s) =>
    el("tr", { "data-site": s.site, class: s.alarms || s.dossiers_overdue ? "late" : null },
      el("td", {}, el("a", { href: "#", onclick: (e) => { e.preventDefault(); chosen = s.site; refresh(); } }, s.name)),
      el("td", { class: "num" }, s.waiting), el("td", { class: "num" }, wait(s.longest_wait_minutes)),
      el("td", { class: "num" }, s.served), el("td", { class: "num" }, `${s.counters_open}/${s.counters}`),
      el("td", { class: "num" }, s.alarms ? el("span", { class: "badge bad" }, s.alarms) : "0"),
      el("td", { class: "num dossiers" }, s.dossiers_overdue ? el("span", { class: "badge bad" }, s.dossiers_overdue) : "0", ` / ${s.dossiers_due_soon}`),
      el("td", {}, ago(s.last_contact)), el("td", { class: "num" }, s.lag_events))));
}

function drawDetail(site) {
  const box = $("#detail");
  box.hidden = false;
  fill(box,
    el("h2", {}, site.name, " ", el("span", { class: "en" }, site.day)),
    el("button", { id: "detail-close", onclick: () => { chosen = null; box.hidden = true; } }, "Đóng"),
    el("h3", {}, "Lĩnh vực"),
    el("table", { id: "detail-fields" },
      el("tr", {}, el("th", {}, "Lĩnh vực"), el("th", { class: "num" }, "Đang chờ"), el("th", { class: "num" }, "Chờ lâu nhất"),
        el("th", { class: "num" }, "Giới hạn"), el("th", { class: "num" }, "Đã cấp"), el("th", { class: "num" }, "Đã phục vụ")),
      site.fields.map((f) => el("tr", { class: f.longest_wait_minutes > f.limit_minutes ? "late" : null },
        el("td", {}, f.name), el("td", { class: "num" }, f.waiting), el("td", { class: "num" }, wait(f.longest_wait_minutes)),
        el("td", { class: "num" }, minutes(f.limit_minutes)), el("td", { class: "num" }, f.issued), el("td", { class: "num" }, f.served)))),
    el("h3", {}, "Quầy"),
    el("table", { id: "detail-counters" },
      el("tr", {}, el("th", {}, "Quầy"), el("th", {}, "Trạng thái"), el("th", {}, "Số đang phục vụ"), el("th", {}, "Cán bộ")),
      site.counters.map((c) => el("tr", {}, el("td", {}, c.name), el("td", {}, el("span", { class: `badge ${c.state}` }, STATE_VI[c.state] || c.state)),
        el("td", {}, c.current || "—"), el("td", {}, c.officer || "—")))),
    el("h3", {}, "Cảnh báo"),
    site.alarms.length ? el("ul", { id: "detail-alarms" }, site.alarms.map((a) => el("li", {},
      a.kind === "wait" ? `Số ${a.label} chờ quá ${a.limit_minutes} phút` : `Thiết bị ${a.device}: ${a.component} — ${a.detail}`)))
      : el("p", {}, "Không có cảnh báo."),
    el("h3", {}, `Hồ sơ quá hạn ${site.dossiers.overdue}, sắp đến hạn ${site.dossiers.due_soon}`),
    site.dossiers.items.length ? el("table", { id: "detail-dossiers" },
      el("tr", {}, el("th", {}, "Thủ tục"), el("th", {}, "Lĩnh vực"), el("th", {}, "Đơn vị xử lý"), el("th", {}, "Hẹn trả"), el("th", {}, "Tình trạng")),
      site.dossiers.items.map((d) => el("tr", { class: d.progress === "overdue" ? "late" : null },
        el("td", {}, d.procedure || "—"), el("td", {}, d.field || "—"), el("td", {}, d.unit || "—"), el("td", {}, d.due_date || "—"),
        el("td", {}, d.progress === "overdue" ? `Quá hạn ${d.days_late} ngày làm việc` : `Còn ${d.days_left} ngày làm việc`))))
      : el("p", {}, "Không có hồ sơ trễ hạn."));
}

function reportArgs() {
  const sites = [...document.querySelectorAll(".report-site:checked")].map((box) => box.value);
  return { period: $("#period").value, date: $("#date").value, by: $("#by").value, sites: sites.join(",") };
}

async function showReport() {
  try {
    const r = (await conn.request("province.report", reportArgs())).report;
    const t = r.total;
    const head = el("tr", {}, el("th", {}, BY_VI[r.by]), ...["Đã cấp", "Đã phục vụ", "Vắng mặt", "Chờ TB", "Chờ P90", "Phục vụ TB", "Đánh giá", "Chỉ số hài lòng"].map((h) => el("th", { class: "num" }, h)));
    const line = (name, f) => el("tr", {}, el("td", {}, name), el("td", { class: "num" }, f.issued), el("td", { class: "num" }, f.served),
      el("td", { class: "num" }, f.no_show), el("td", { class: "num" }, wait(f.average_wait_minutes)), el("td", { class: "num" }, wait(f.p90_wait_minutes)),
      el("td", { class: "num" }, wait(f.average_service_minutes)), el("td", { class: "num" }, f.rating_count), el("td", { class: "num" }, number(f.satisfaction_index)));
    const siteName = Object.fromEntries(r.sites.map((s) => [s.site, s.name]));
    const acrossSites = !(r.by === "site" || r.by === "day" || r.sites.length < 2);
    const label = (row) => (acrossSites ? `${siteName[row.site]} — ${row.name}` : row.name);
    // under a bar: the field, counter or officer, then its site on a second line (each cut apart)
    const barLabel = (row) => (acrossSites ? `${row.name}\n${siteName[row.site]}` : row.name);
    fill($("#report-body"),
      el("table", { id: "report-table" }, head, r.rows.map((row) => line(label(row), row)), line("Tổng cộng", t)),
      el("div", { class: "card chart", id: "chart-served" }, barChart(r.rows.map((row) => row.served), r.rows.map(barLabel), { title: "Đã phục vụ (Served)" })),
      el("div", { class: "card chart", id: "chart-wait" }, barChart(r.rows.map((row) => Math.round(row.average_wait_minutes || 0)), r.rows.map(barLabel), { title: "Phút chờ trung bình (Average wait, min)", colors: "#8a5a00" })));
    $("#report-error").textContent = "";
  } catch (error) {
    $("#report-error").textContent = errorText(error);
  }
}

async function download(format) {
  try {
    const reply = await conn.request("province.export", { ...reportArgs(), format });
    saveFile(reply);
    $("#report-error").textContent = "";
  } catch (error) {
    $("#report-error").textContent = errorText(error);
  }
}

$("#switch-account").addEventListener("click", switchAccount);
const token = storedToken(DEVICE);
if (token) start(token);
else signIn("");
