// The national dashboard (motcua-national, docs/national.md): the provinces the manager sees,
// each with its sites' figures of a closed day (or week, month); reports by province, site,
// field or day across the country; each province's replication as PostgreSQL reports it.
import { managerPage } from "./manager_page.js";
import { $, el, errorText, fill, minutes, number } from "./mc.js";

const DEVICE = "national";
const BY_VI = { province: "Tỉnh", site: "Đơn vị", field: "Lĩnh vực", day: "Ngày" };
const HEADINGS = ["Đã cấp", "Đã phục vụ", "Vắng mặt", "Chờ TB", "Chờ P90", "Phục vụ TB", "Lượt đánh giá", "Chỉ số hài lòng"];
let hello = null;

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
  const mine = session.conn;
  try {
    const report = (await mine.request("national.report", { ...period(), by: "site" })).report;
    const byProvince = (await mine.request("national.report", { ...period(), by: "province" })).report;
    if (session.conn !== mine) return;
    const totals = Object.fromEntries(byProvince.rows.map((row) => [row.province, row]));
    fill($("#provinces"), report.provinces.map((p) => el("details", { open: true, "data-province": p.province },
      el("summary", {}, `${p.name} (${report.rows.filter((r) => r.province === p.province).length} đơn vị)`),
      table(`sites-${p.province}`, "Đơn vị", report.rows.filter((r) => r.province === p.province).map((r) => line(siteName(r), r)), totals[p.province]))));
    $("#day-error").textContent = "";
  } catch (error) {
    if (session.conn === mine) $("#day-error").textContent = errorText(error);
  }
}

async function showReport() {
  try {
    const provinces = [...document.querySelectorAll(".report-province:checked")].map((box) => box.value).join(",");
    const r = (await session.conn.request("national.report", { ...period(), by: $("#by").value, provinces })).report;
    const name = (row) => (r.by === "site" ? `${row.province_name} — ${siteName(row)}` : row.name);
    fill($("#report-body"), table("report-table", BY_VI[r.by], r.rows.map((row) => line(name(row), row)), r.total));
    $("#report-error").textContent = "";
  } catch (error) {
    $("#report-error").textContent = errorText(error);
  }
}

async function showReplication() {
  try {
    const rows = (await session.conn.request("national.replication")).provinces;
    fill($("#replication-body"), el("table", { id: "replication" },
      el("tr", {}, el("th", {}, "Tỉnh"), el("th", {}, "Trạng thái"), el("th", {}, "Bảng sẵn sàng"), el("th", {}, "Tin nhận cuối")),
      rows.map((p) => el("tr", { class: p.running ? null : "late" }, el("td", {}, p.name),
        el("td", {}, !p.subscribed ? "Chưa đăng ký" : p.running ? "Đang nhận" : "Đang dừng"),
        el("td", {}, `${p.tables_ready}/${p.tables}`), el("td", {}, p.last_message || "—")))));
  } catch (error) {
    $("#replication-body").textContent = errorText(error);
  }
}

const session = managerPage({
  device: DEVICE,
  words: {
    heading: "Đăng nhập — Cả nước",
    headingEn: "National sign-in",
    help: "Nhập mã quản lý (token) của anh/chị trong tệp cấu hình cấp quốc gia.",
  },
  onHello: (reply) => {
    hello = reply;
    $("#national-name").textContent = reply.national;
    document.title = `${reply.national} – Điều hành cả nước`;
    $("#who").textContent = reply.manager.name + (reply.whole_country ? " · cả nước" : ` · ${reply.provinces.length} tỉnh`);
    build();
    showDay();
  },
});
