// The national dashboard (motcua-national, docs/national.md): the provinces the manager sees,
// each with its sites' figures of a closed day (or week, month); reports by province, site,
// field or day across the country; each province's replication as PostgreSQL reports it.
import { $, el, errorText, fill, forgetToken, minutes, number, QueueConnection, showStatus, storedToken, storeToken } from "./mc.js";

const DEVICE = "national";
const BY_VI = { province: "Tỉnh", site: "Đơn vị", field: "Lĩnh vực", day: "Ngày" };
const HEADINGS = ["Đã cấp", "Đã phục vụ", "Vắng mặt", "Chờ TB", "Chờ P90", "Phục vụ TB", "Lượt đánh giá", "Chỉ số hài lòng"];
let conn = null;
let hello = null;

function start(token) {
  const mine = new QueueConnection({
    hello: { token },
    onHello: (reply) => {
      if (conn !== mine) return;
      hello = reply;
      $("#national-name").textContent = reply.national;
      document.title = `${reply.national} – Điều hành cả nước`;
      $("#who").textContent = reply.manager.name + (reply.whole_country ? " · cả nước" : ` · ${reply.provinces.length} tỉnh`);
      $("#switch-account").hidden = false;
      build();
      showDay();
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

function signIn(message) {
  const input = el("input", { type: "password", id: "device-token", autocomplete: "off", "aria-label": "Mã quản lý" });
  const error = el("p", { class: "error", id: "token-error" }, message || "");
  const form = el("form", { class: "card setup", id: "token-form" },
    el("h1", {}, "Đăng nhập — Cả nước ", el("span", { class: "en" }, "National sign-in")),
    el("p", {}, "Nhập mã quản lý (token) của anh/chị trong tệp cấu hình cấp quốc gia."),
    el("label", { for: "device-token" }, "Mã quản lý ", el("span", { class: "en" }, "Manager token")),
    input, error,
    el("button", { type: "submit", class: "big primary", id: "token-save" }, "Đăng nhập ", el("span", { class: "en" }, "Sign in")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const token = input.value.trim();
    if (!token) { error.textContent = "Hãy nhập mã quản lý. Enter your manager token."; return; }
    storeToken(DEVICE, token);
    start(token);
  });
  fill($("#main"), form);
  input.focus();
}

function switchAccount() {
  const old = conn;
  conn = null;
  if (old) old.stop();
  forgetToken(DEVICE);
  $("#switch-account").hidden = true;
  $("#who").textContent = "";
  showStatus($("#status"), "stopped");
  signIn("");
}

function wait(value) {
  return value === null || value === undefined ? "—" : minutes(value);
}

function yesterday() {
  const now = new Date(Date.now() - 86400000);
  return new Date(now.getTime() - now.getTimezoneOffset() * 60000).toISOString().slice(0, 10);
}

function build() {
  const boxes = hello.provinces.map((p) =>
    el("label", {}, el("input", { type: "checkbox", class: "report-province", value: p.province, checked: true }), p.name));
  fill($("#main"),
    el("section", { class: "card" },
      el("h2", {}, "Các tỉnh và đơn vị ", el("span", { class: "en" }, "Provinces and their sites")),
      el("div", { class: "row" },
        el("label", {}, "Kỳ ", el("select", { id: "period" },
          el("option", { value: "day" }, "Ngày"), el("option", { value: "week" }, "Tuần"), el("option", { value: "month" }, "Tháng"))),
        el("label", {}, "Ngày ", el("input", { type: "date", id: "date", value: yesterday() })),
        el("button", { id: "day-show", class: "primary", onclick: showDay }, "Xem")),
      el("p", { class: "hint" }, "Số liệu của các ngày đã kết thúc, do các tỉnh tổng hợp. Figures of closed days, as the provinces sum them."),
      el("div", { id: "provinces" }),
      el("p", { class: "error", id: "day-error" })),
    el("section", { class: "card" },
      el("h2", {}, "Báo cáo ", el("span", { class: "en" }, "Reports")),
      el("div", { class: "row" },
        el("label", {}, "Theo ", el("select", { id: "by" }, ...Object.entries(BY_VI).map(([value, text]) => el("option", { value }, text))))),
      el("div", { class: "choice", id: "report-provinces" }, boxes),
      el("button", { id: "report-show", class: "primary", onclick: showReport }, "Xem báo cáo"),
      el("p", { class: "error", id: "report-error" }),
      el("div", { id: "report-body" })),
    el("section", { class: "card" },
      el("h2", {}, "Đồng bộ từ các tỉnh ", el("span", { class: "en" }, "Replication")),
      el("button", { id: "replication-show", onclick: showReplication }, "Kiểm tra"),
      el("div", { id: "replication-body" })));
}

function line(name, f) {
  return el("tr", {}, el("td", {}, name), el("td", { class: "num" }, f.issued), el("td", { class: "num" }, f.served),
    el("td", { class: "num" }, f.no_show), el("td", { class: "num" }, wait(f.average_wait_minutes)), el("td", { class: "num" }, wait(f.p90_wait_minutes)),
    el("td", { class: "num" }, wait(f.average_service_minutes)), el("td", { class: "num" }, f.rating_count), el("td", { class: "num" }, number(f.satisfaction_index)));
}

function table(id, first, rows, total) {
  return el("table", { id }, el("tr", {}, el("th", {}, first), ...HEADINGS.map((h) => el("th", { class: "num" }, h))),
    rows, total ? line("Tổng cộng", total) : []);
}

function period() {
  return { period: $("#period").value, date: $("#date").value };
}

// A site as the nation names it: its own name and its ward's or commune's on the 2025 map.
function siteName(row) {
  return row.unit ? `${row.name} (${row.unit})` : row.name;
}

// Provinces → their sites: one table a province, its sites' figures and the province's total.
async function showDay() {
  const mine = conn;
  try {
    const report = (await mine.request("national.report", { ...period(), by: "site" })).report;
    const byProvince = (await mine.request("national.report", { ...period(), by: "province" })).report;
    if (conn !== mine) return;
    const totals = Object.fromEntries(byProvince.rows.map((row) => [row.province, row]));
    fill($("#provinces"), report.provinces.map((p) => el("details", { open: true, "data-province": p.province },
      el("summary", {}, `${p.name} (${report.rows.filter((r) => r.province === p.province).length} đơn vị)`),
      table(`sites-${p.province}`, "Đơn vị", report.rows.filter((r) => r.province === p.province).map((r) => line(siteName(r), r)), totals[p.province]))));
    $("#day-error").textContent = "";
  } catch (error) {
    if (conn === mine) $("#day-error").textContent = errorText(error);
  }
}

async function showReport() {
  try {
    const provinces = [...document.querySelectorAll(".report-province:checked")].map((box) => box.value).join(",");
    const r = (await conn.request("national.report", { ...period(), by: $("#by").value, provinces })).report;
    const name = (row) => (r.by === "site" ? `${row.province_name} — ${siteName(row)}` : row.name);
    fill($("#report-body"), table("report-table", BY_VI[r.by], r.rows.map((row) => line(name(row), row)), r.total));
    $("#report-error").textContent = "";
  } catch (error) {
    $("#report-error").textContent = errorText(error);
  }
}

async function showReplication() {
  try {
    const rows = (await conn.request("national.replication")).provinces;
    fill($("#replication-body"), el("table", { id: "replication" },
      el("tr", {}, el("th", {}, "Tỉnh"), el("th", {}, "Trạng thái"), el("th", {}, "Bảng sẵn sàng"), el("th", {}, "Tin nhận cuối")),
      rows.map((p) => el("tr", { class: p.running ? null : "late" }, el("td", {}, p.name),
        el("td", {}, !p.subscribed ? "Chưa đăng ký" : p.running ? "Đang nhận" : "Đang dừng"),
        el("td", {}, `${p.tables_ready}/${p.tables}`), el("td", {}, p.last_message || "—")))));
  } catch (error) {
    $("#replication-body").textContent = errorText(error);
  }
}

$("#switch-account").addEventListener("click", switchAccount);
const token = storedToken(DEVICE);
if (token) start(token);
else signIn("");
