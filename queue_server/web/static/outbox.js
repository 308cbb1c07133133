// The dashboard's outbox tab ("Tin nhắn"): notifications to citizens' phones, webhooks to
// integrators and dossier-linked ratings to the procedures system ([evaluation_sync]) — pending, sent and dead by channel — and the latest dead letters, phone
// numbers masked by the server (outbox.status, docs/notifications.md).
import { el, errorText, hhmm } from "/static/mc.js";

const CHANNELS = [["sms", "SMS"], ["zalo", "Zalo ZNS"], ["webhook", "Webhook"], ["evaluation", "Đánh giá → hệ thống TTHC"]];
const KINDS = { near: "Sắp đến lượt", called: "Mời đến quầy", event: "Sự kiện", evaluation: "Đánh giá hồ sơ" };

// section: the tab's element; conn: the dashboard's QueueConnection.
export function buildOutbox(section, conn) {
  const body = el("div", { id: "outbox-body" });
  const error = el("p", { class: "error", id: "outbox-error" });
  section.replaceChildren(
    el("h2", {}, "Tin nhắn và webhook ", el("span", { class: "en" }, "Notifications and webhooks")),
    el("button", { id: "outbox-refresh", onclick: () => load() }, "Làm mới ", el("span", { class: "en" }, "Refresh")),
    error, body);

  async function load() {
    let status;
    try {
      status = (await conn.request("outbox.status")).outbox;
      error.textContent = "";
    } catch (e) {
      error.textContent = errorText(e);
      return;
    }
    const count = (channel, state) => (status.counts[channel] || {})[state] || 0;
    const table = el("table", { id: "outbox-counts" },
      el("tr", {}, el("th", {}, "Kênh"), el("th", {}, "Đang chờ gửi"), el("th", {}, "Đã gửi"), el("th", {}, "Thất bại")),
      CHANNELS.map(([id, name]) => el("tr", { "data-channel": id },
        el("td", {}, name),
        el("td", { class: "num" }, count(id, "pending")),
        el("td", { class: "num" }, count(id, "sent")),
        el("td", { class: `num ${count(id, "dead") ? "late" : ""}` }, count(id, "dead")))));
    const dead = status.dead.length
      ? el("table", { id: "outbox-dead" },
        el("tr", {}, el("th", {}, "Lúc"), el("th", {}, "Kênh"), el("th", {}, "Gửi tới"), el("th", {}, "Nội dung"), el("th", {}, "Số lần"), el("th", {}, "Lỗi cuối")),
        status.dead.map((d) => el("tr", {},
          el("td", {}, d.at ? hhmm(d.at) : "—"),
          el("td", {}, (CHANNELS.find(([id]) => id === d.channel) || [d.channel, d.channel])[1]),
          el("td", {}, d.phone || d.target),
          el("td", {}, `${KINDS[d.kind] || d.kind} (#${d.seq})`),
          el("td", { class: "num" }, d.attempts),
          el("td", {}, d.error || ""))))
      : el("p", { id: "outbox-no-dead" }, "Không có tin gửi thất bại. ", el("span", { class: "en" }, "No dead letters."));
    body.replaceChildren(table,
      el("h3", {}, "Gửi thất bại (không thử lại nữa) ", el("span", { class: "en" }, "Dead letters")), dead);
  }

  return { load };
}
