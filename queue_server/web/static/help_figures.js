// Help requests on the manager's dashboard (docs/web.md "The manager dashboard", "Help
// requests"): the live view's open requests — the manager's snapshot's `help`, the same list as
// `help.list`, asked again with every event (help.requested/taken/closed reach the manager) —
// and the reports' figures (report.get's `help`).
import { el, hhmm, number } from "/static/mc.js";

// A time to answer, as the volunteers' page says it: seconds under a minute, else minutes.
export function answerTime(seconds) {
  if (seconds === null || seconds === undefined) return "—";
  return seconds < 60 ? `${Math.round(seconds)} giây` : `${number(seconds / 60)} phút`;
}

// The open requests, oldest first: where (a kiosk's name, or "Điện thoại" with the citizen's
// note), when and how long ago, and who is on the way. `name(id)`: a volunteer's device's name.
export function helpLiveCard(requests, name) {
  const rows = (requests || []).map((r) => el("tr", { class: r.taken_by ? "" : "late", "data-request": r.id },
    el("td", {}, r.place_name, r.note ? el("span", { class: "muted" }, ` · ${r.note}`) : null),
    el("td", { class: "num" }, hhmm(r.asked_at)),
    el("td", { class: "num" }, answerTime(r.waited_seconds)),
    el("td", {}, r.taken_by
      ? el("span", { class: "badge open" }, `${name(r.taken_by)} đang đến`)
      : el("span", { class: "badge bad" }, "Chưa có người nhận"))));
  return el("div", { class: "card", id: "live-help" },
    el("h2", {}, `Cần hỗ trợ (${rows.length}) `, el("span", { class: "en" }, "Help requests")),
    rows.length
      ? el("table", { id: "live-help-table" },
        el("thead", {}, el("tr", {}, ["Ở đâu", "Lúc", "Đã chờ", "Tình nguyện viên"].map((h, i) => el("th", { class: i === 1 || i === 2 ? "num" : "" }, h)))),
        el("tbody", {}, rows))
      : el("p", { id: "live-help-none" }, "Không có ai đang chờ hỗ trợ. ", el("span", { class: "en" }, "Nobody is waiting for help.")));
}

// The period's figures: requests (from kiosks, from phones), answered and not, the time to
// answer (average, longest), and the requests each volunteer answered.
export function helpReportCard(help, name) {
  const h = help || { requested: 0, from_kiosks: 0, from_phones: 0, answered: 0, unanswered: 0, average_answer_seconds: null, longest_answer_seconds: null, by_volunteer: {} };
  const card = (id, value, vi, en) => el("div", { class: "card" }, el("b", { id }, value), vi, " ", el("span", { class: "en" }, en));
  const volunteers = Object.entries(h.by_volunteer || {});
  return el("div", { class: "card", id: "report-help" },
    el("h2", {}, "Hỗ trợ công dân ", el("span", { class: "en" }, "Help requests")),
    el("div", { class: "cards" },
      card("report-help-requested", h.requested, "Yêu cầu", "requested"),
      card("report-help-kiosks", h.from_kiosks, "Từ ki-ốt", "from kiosks"),
      card("report-help-phones", h.from_phones, "Từ điện thoại", "from phones"),
      card("report-help-answered", h.answered, "Đã có người đến", "answered"),
      card("report-help-unanswered", h.unanswered, "Chưa ai đến", "unanswered"),
      card("report-help-average", answerTime(h.average_answer_seconds), "Chờ TB đến khi có người", "average time to answer"),
      card("report-help-longest", answerTime(h.longest_answer_seconds), "Chờ lâu nhất", "longest")),
    volunteers.length
      ? el("table", { id: "report-help-volunteers" },
        el("thead", {}, el("tr", {}, el("th", {}, "Tình nguyện viên"), el("th", { class: "num" }, "Đã hỗ trợ"))),
        el("tbody", {}, volunteers.map(([id, count]) => el("tr", {}, el("td", {}, name(id)), el("td", { class: "num" }, count)))))
      : null);
}
