// The province dashboard (motcua-central, docs/province.md): every site the manager sees,
// live — searched, sorted, filtered and grouped (provincial centre, wards, communes, each
// commune's receiving points), a silent site "mất liên lạc" —; one site's drill-down; reports
// across a group of sites chosen on the server, with CSV and Excel downloads.
import { barChart } from "./charts.js";
import { managerPage } from "./manager_page.js";
import { $, el, errorText, fill, minutes, number, saveFile } from "./mc.js";

const DEVICE = "province";
const REFRESH_MS = 5000;
const BY_VI = { site: "Đơn vị", service: "Lĩnh vực", counter: "Quầy", officer: "Cán bộ", day: "Ngày" };
const STATE_VI = { open: "Đang mở", paused: "Tạm dừng", closed: "Đóng" };
const GROUP_VI = { centre: "Trung tâm tỉnh", ward: "Phường", commune: "Xã", point: "Điểm tiếp nhận", other: "Đơn vị khác" };
const SORTS = {
  name: ["Tên", (a, b) => a.name.localeCompare(b.name, "vi", { numeric: true })],
  waiting: ["Đang chờ nhiều nhất", (a, b) => b.waiting - a.waiting],
  longest: ["Chờ lâu nhất", (a, b) => (b.longest_wait_minutes ?? -1) - (a.longest_wait_minutes ?? -1)],
  alarms: ["Nhiều cảnh báo nhất", (a, b) => alarmsOf(b) - alarmsOf(a)],
  lag: ["Chưa gửi nhiều nhất", (a, b) => b.lag_events - a.lag_events],
};
const FILTERS = {
  all: ["Tất cả", () => true],
  alarms: ["Có cảnh báo", (s) => alarmsOf(s) > 0],
  over_target: ["Chờ quá mục tiêu", (s) => s.over_target > 0],
  offline: ["Mất liên lạc", (s) => s.offline],
  lagging: ["Chưa gửi kịp", (s) => s.lag_events > 0],
};
let chosen = null; // the site drilled into
let timer = null;
let sitesNow = []; // the last province.live: every site the manager sees

// a site's alarms on this page: its own (waits past their limit, devices at fault), its
// overdue dossiers, and being out of touch
function alarmsOf(s) { return s.alarms + s.dossiers_overdue + (s.offline ? 1 : 0); }

// The province's refusals carry their own Vietnamese text; the others are told by code.
function provinceError(error) {
  const own = ["bad_field", "missing_field", "unknown_field", "forbidden", "store_unavailable", "bad_token", "bad_origin"];
  return own.includes(error.code) && error.message ? error.message : errorText(error);
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
  const today = hello.today; // the province's day (its timezone), not the browser's
  const redraw = () => drawSites(sitesNow);
  fill($("#main"),
    el("section", { class: "card" },
      el("h2", {}, "Các đơn vị ", el("span", { class: "en" }, "Sites, live")),
      el("p", { id: "offline-alarm", role: "alert" }),
      el("div", { class: "tools" },
        el("label", {}, "Tìm đơn vị", el("input", { type: "search", id: "site-search", placeholder: "Tên hoặc mã đơn vị", oninput: redraw })),
        el("label", {}, "Nhóm", el("select", { id: "site-group", onchange: redraw }, el("option", { value: "" }, "Tất cả các nhóm"))),
        el("label", {}, "Lọc", el("select", { id: "site-filter", onchange: redraw },
          ...Object.entries(FILTERS).map(([value, [text]]) => el("option", { value }, text)))),
        el("label", {}, "Sắp xếp", el("select", { id: "site-sort", onchange: redraw },
          ...Object.entries(SORTS).map(([value, [text]]) => el("option", { value }, text))))),
      el("p", { id: "live-summary" }),
      el("div", { id: "sites-box" },
        el("table", { id: "sites" },
          el("thead", {}, el("tr", {},
            el("th", {}, "Đơn vị"), el("th", { class: "num" }, "Đang chờ"), el("th", { class: "num" }, "Chờ lâu nhất"),
            el("th", { class: "num" }, "Đã phục vụ"), el("th", { class: "num" }, "Quầy mở"), el("th", { class: "num" }, "Cảnh báo"),
            el("th", { class: "num" }, "Hồ sơ quá hạn / sắp hạn"), el("th", {}, "Liên lạc cuối"), el("th", { class: "num" }, "Chưa gửi (sự kiện)"),
            el("th", { class: "num" }, "Lĩnh vực quá mục tiêu"))),
          el("tbody", {}))),
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
      el("div", { class: "row" },
        el("label", {}, "Đơn vị ", el("select", { id: "report-scope", onchange: countReportSites },
          el("option", { value: "" }, `Tất cả đơn vị anh/chị quản lý (${hello.sites.length})`))),
        el("span", { id: "report-count" })),
      el("div", { class: "row" },
        el("button", { id: "report-show", class: "primary", onclick: showReport }, "Xem báo cáo"),
        el("button", { id: "report-csv", onclick: () => download("csv") }, "Tải CSV"),
        el("button", { id: "report-xlsx", onclick: () => download("xlsx") }, "Tải Excel")),
      el("p", { class: "error", id: "report-error" }),
      el("div", { id: "report-body" })));
}

async function refresh() {
  clearTimeout(timer);
  const mine = session.conn;
  try {
    const live = await mine.request("province.live");
    if (session.conn !== mine) return;
    sitesNow = live.sites;
    offlineMinutes = live.offline_minutes;
    drawChoices(live.sites);
    drawSites(live.sites);
    if (chosen) drawDetail((await mine.request("province.site", { site: chosen })).site);
    if (session.conn !== mine) return;
    $("#live-error").textContent = "";
  } catch (error) {
    if (session.conn !== mine) return; // signed out meanwhile
    $("#live-error").textContent = provinceError(error);
  }
  timer = setTimeout(refresh, REFRESH_MS);
}

function ago(iso) {
  if (!iso) return "chưa bao giờ";
  const seconds = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  return seconds < 90 ? `${seconds} giây trước` : `${Math.round(seconds / 60)} phút trước`;
}

let offlineMinutes = 3;

function clock(iso) {
  const at = new Date(iso);
  const time = at.toLocaleTimeString("vi-VN", { hour: "2-digit", minute: "2-digit" });
  return new Date().toDateString() === at.toDateString() ? time : `${time} ${at.toLocaleDateString("vi-VN")}`;
}

// "Mất liên lạc" and since when, in place of the figures' freshness
function contact(s) {
  if (!s.offline) return ago(s.last_contact);
  return el("span", { class: "badge offline" }, s.last_contact ? `Mất liên lạc từ ${clock(s.last_contact)} (${ago(s.last_contact)})` : "Mất liên lạc (chưa bao giờ liên lạc)");
}

// The groups of the province's map: the provincial centre, wards, communes, then each
// commune's (or ward's) receiving points under its name — the ward's or commune's own on the
// 2025 map ([site] ward_code: "Xã Dương Minh Châu"), else its centre's —, then sites that say
// no kind.
function groupsOf(sites) {
  const names = Object.fromEntries(sites.map((s) => [s.site, s.unit || s.name]));
  for (const s of sites) if (s.kind === "point" && s.unit && !names[s.commune]) names[s.commune] = s.unit;
  const groups = new Map();
  const add = (key, title, s) => { if (!groups.has(key)) groups.set(key, { key, title, sites: [] }); groups.get(key).sites.push(s); };
  const order = ["centre", "ward", "commune"];
  for (const kind of order) for (const s of sites) if (s.kind === kind) add(kind, GROUP_VI[kind], s);
  const points = sites.filter((s) => s.kind === "point").sort((a, b) => (names[a.commune] || a.commune).localeCompare(names[b.commune] || b.commune, "vi"));
  for (const s of points) add(`point:${s.commune}`, `Điểm tiếp nhận của ${names[s.commune] || s.commune}`, s);
  for (const s of sites) if (!order.includes(s.kind) && s.kind !== "point") add("other", GROUP_VI.other, s);
  return [...groups.values()];
}

function folded(text) {
  return text.toLocaleLowerCase("vi").replaceAll("đ", "d").normalize("NFD").replace(/\p{M}/gu, "").replace(/\s+/g, " ").trim();
}

// The group and report choices follow the sites the manager sees (kept as chosen).
function drawChoices(sites) {
  const groups = groupsOf(sites);
  const keep = (select, options) => {
    const value = select.value;
    fill(select, options);
    if ([...select.options].some((o) => o.value === value)) select.value = value;
  };
  keep($("#site-group"), [el("option", { value: "" }, "Tất cả các nhóm"),
    ...groups.map((g) => el("option", { value: g.key }, `${g.title} (${g.sites.length})`))]);
  const kinds = ["centre", "ward", "commune", "point", "other"].filter((k) => sites.some((s) => (s.kind || "other") === k || (k === "other" && !GROUP_VI[s.kind])));
  keep($("#report-scope"), [el("option", { value: "" }, `Tất cả đơn vị anh/chị quản lý (${sites.length})`),
    ...kinds.map((k) => el("option", { value: `group:${k}` }, `Nhóm: ${GROUP_VI[k]} (${sites.filter((s) => (GROUP_VI[s.kind] ? s.kind : "other") === k).length})`)),
    ...groups.filter((g) => g.key.startsWith("point:")).map((g) => el("option", { value: `commune:${g.key.slice(6)}` }, `${g.title} (${g.sites.length})`)),
    el("option", { value: "search" }, "Các đơn vị khớp ô “Tìm đơn vị”")]);
  countReportSites();
}

function shownSites(sites) {
  const wanted = folded($("#site-search").value);
  const [, keep] = FILTERS[$("#site-filter").value] || FILTERS.all;
  return sites.filter((s) => keep(s) && (!wanted || matches(s, wanted)));
}

// The search: the site's name, its id, or its ward's or commune's name on the map (as the
// server's province/selection.py).
function matches(s, wanted) {
  return folded(s.name).includes(wanted) || s.site.includes(wanted) || folded(s.unit || "").includes(wanted);
}

function drawSites(sites) {
  const offline = sites.filter((s) => s.offline);
  $("#offline-alarm").textContent = offline.length
    ? `Cảnh báo: ${offline.length} đơn vị mất liên lạc quá ${offlineMinutes} phút: ${offline.slice(0, 8).map((s) => s.name).join(", ")}${offline.length > 8 ? "…" : ""}`
    : "";
  const shown = shownSites(sites);
  const only = $("#site-group").value;
  const [, order] = SORTS[$("#site-sort").value] || SORTS.name;
  const groups = groupsOf(shown).filter((g) => !only || g.key === only);
  const count = groups.reduce((n, g) => n + g.sites.length, 0);
  $("#live-summary").textContent = `Đang hiện ${count} / ${sites.length} đơn vị · ${sites.filter((s) => alarmsOf(s) > 0).length} có cảnh báo · ${offline.length} mất liên lạc`;
  const rows = [];
  for (const group of groups) {
    rows.push(el("tr", { class: "group", "data-group": group.key }, el("th", { colspan: 10 }, `${group.title} (${group.sites.length})`)));
    for (const s of [...group.sites].sort((a, b) => order(a, b) || a.name.localeCompare(b.name, "vi", { numeric: true }))) rows.push(siteRow(s));
  }
  if (!rows.length) rows.push(el("tr", {}, el("td", { colspan: 10 }, "Không có đơn vị nào khớp.")));
  fill($("#sites tbody"), rows);
}

function siteRow(s) {
  return el("tr", { "data-site": s.site, class: alarmsOf(s) ? "late" : null },
    el("td", {}, el("a", { href: "#", onclick: (e) => { e.preventDefault(); chosen = s.site; refresh(); } }, s.name),
      s.unit ? el("span", { class: "unit", title: `Mã đơn vị hành chính ${s.ward_code}` }, s.unit) : null),
    el("td", { class: "num" }, s.waiting), el("td", { class: "num" }, wait(s.longest_wait_minutes)),
    el("td", { class: "num" }, s.served), el("td", { class: "num" }, `${s.counters_open}/${s.counters}`),
    el("td", { class: "num" }, s.alarms ? el("span", { class: "badge bad" }, s.alarms) : "0"),
    el("td", { class: "num dossiers" }, s.dossiers_overdue ? el("span", { class: "badge bad" }, s.dossiers_overdue) : "0", ` / ${s.dossiers_due_soon}`),
    el("td", { class: "contact" }, contact(s)), el("td", { class: "num" }, s.lag_events),
    el("td", { class: "num" }, s.over_target ? el("span", { class: "badge bad" }, s.over_target) : "0"));
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

// The report's sites are chosen by the server from a group, a commune or the search: the
// request names the choice, never the sites one by one.
function reportChoice() {
  const scope = $("#report-scope").value;
  if (scope.startsWith("group:")) return { group: scope.slice(6) };
  if (scope.startsWith("commune:")) return { group: "point", commune: scope.slice(8) };
  if (scope === "search") return { search: $("#site-search").value.trim() };
  return {};
}

function countReportSites() {
  const choice = reportChoice();
  const wanted = choice.search !== undefined ? folded(choice.search) : "";
  const n = sitesNow.filter((s) => (!choice.group || (GROUP_VI[s.kind] ? s.kind : "other") === choice.group)
    && (!choice.commune || s.commune === choice.commune)
    && (!wanted || matches(s, wanted))).length;
  $("#report-count").textContent = `${n} đơn vị`;
}

function reportArgs() {
  return { period: $("#period").value, date: $("#date").value, by: $("#by").value, ...reportChoice() };
}

async function showReport() {
  try {
    const r = (await session.conn.request("province.report", reportArgs())).report;
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
    $("#report-error").textContent = provinceError(error);
  }
}

async function download(format) {
  try {
    const reply = await session.conn.request("province.export", { ...reportArgs(), format });
    saveFile(reply);
    $("#report-error").textContent = "";
  } catch (error) {
    $("#report-error").textContent = provinceError(error);
  }
}

const session = managerPage({
  device: DEVICE,
  words: {
    heading: "Đăng nhập — Trung tâm tỉnh",
    headingEn: "Province sign-in",
    help: "Nhập mã quản lý (token) của anh/chị trong tệp cấu hình của tỉnh. Mã được lưu trên trình duyệt này cho đến khi bấm “Đổi tài khoản”.",
    title: "Đăng nhập — Trung tâm tỉnh · Một Cửa",
  },
  onHello: (reply) => {
    $("#province-name").textContent = reply.province;
    document.title = `${reply.province} – Điều hành cấp tỉnh`;
    $("#who").textContent = reply.manager.name + (reply.whole_province ? " · toàn tỉnh" : ` · ${reply.sites.length} đơn vị`);
    build(reply);
    refresh();
  },
  onSwitch: () => {
    chosen = null;
    clearTimeout(timer);
    $("#province-name").replaceChildren("Điều hành cấp tỉnh ", el("span", { class: "en" }, "Province dashboard"));
  },
});
