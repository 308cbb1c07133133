// The volunteers' page (/volunteer?device=ID), on a volunteer's or floor staff's phone:
// the citizens' help requests from the kiosks and phones ("Cần hỗ trợ"), taken and closed;
// and for the citizen in front of them a number in any field (priority if it applies), a
// booking checked in by its code, a dossier looked up. Each action is an event carrying this
// phone's device id (docs/web.md "The volunteers' page", docs/protocol.md "help.*").
// Set up once by the enrolment code the manager's dashboard gives (or a device token).
import { $, QueueConnection, deviceParam, el, errorText, fill, forgetToken, hhmm, showStatus, storeToken, storedToken } from "/static/mc.js";
import { enrolmentForm } from "/static/enrolment_form.js";

const main = $("#main");
const device = deviceParam();
let conn = null;
let requests = [];
let services = [];
let priorities = [];

const HELP_ERRORS = {
  help_taken: "Yêu cầu này đã có người khác nhận.",
  help_closed: "Yêu cầu này đã xong.",
  help_unknown: "Không còn yêu cầu này.",
  dossier_unknown: "Không tìm thấy hồ sơ có mã này.",
  dossier_invalid: "Mã hồ sơ không đúng dạng (ví dụ 000.00.16.H57-261201-0002).",
  dossier_source_failed: "Chưa hỏi được phần mềm một cửa; vui lòng thử lại.",
};

function problem(error) {
  return HELP_ERRORS[error.code] ? `${HELP_ERRORS[error.code]} · ${error.message}` : errorText(error);
}

// "3 phút trước" / "45 giây trước"
export function ago(seconds) {
  if (seconds < 60) return `${Math.max(0, Math.floor(seconds))} giây trước`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} phút trước`;
  return `${Math.floor(seconds / 3600)} giờ ${Math.floor((seconds % 3600) / 60)} phút trước`;
}

// ---- set-up: the enrolment code (or a token), once ----

// the token box only with a device id in the address (a token is kept under it)
function setUp(message = "") {
  enrolmentForm(main, { device, title: ["Cài đặt điện thoại tình nguyện viên", "Volunteer's phone set-up"], withToken: Boolean(device), role: "volunteer", message }, connect);
}

function connect(hello) {
  if (conn) conn.stop();
  conn = new QueueConnection({
    hello,
    onStatus: (s) => {
      const node = $("#status");
      showStatus(node, s);
      node.hidden = s === "connected";
    },
    onHello: (reply) => {
      if (reply.role !== "volunteer") {
        conn.stop();
        setUp(`Mã này là của thiết bị ${reply.device} (vai trò ${reply.role}), không phải điện thoại tình nguyện viên. `
          + `The code was ${reply.device}'s, not a volunteer's phone.`);
        return;
      }
      if (reply.token) {
        storeToken(reply.device, reply.token);
        conn.hello = { token: reply.token };
        if (reply.device !== device) history.replaceState(null, "", `/volunteer?device=${encodeURIComponent(reply.device)}`);
      }
      const snapshot = reply.snapshot;
      if (snapshot) {
        services = snapshot.services;
        priorities = snapshot.priorities;
        requests = stamped(snapshot.help);
        if (!$("#help")) page(reply.device);
        drawRequests();
      } else {
        refresh();
      }
    },
    onEvent: (event) => {
      if (event.ev.startsWith("help.") || event.ev === "day.opened") refresh();
    },
    onFatal: (error) => {
      if (device) forgetToken(device);
      setUp(error.message || "Mã thiết bị không đúng. The device token is wrong.");
    },
  }).start();
}

// each request keeps the moment it was read, so "… phút trước" moves on between reads
function stamped(list) {
  const now = Date.now();
  return list.map((r) => ({ ...r, loadedAt: now }));
}

async function refresh() {
  try {
    const reply = await conn.request("help.list");
    requests = stamped(reply.help);
    drawRequests();
  } catch {
    // reconnecting: the next hello's snapshot brings them
  }
}

// ---- the page ----

function page(me) {
  const serviceSelect = el("select", { id: "issue-service" },
    services.map((s) => el("option", { value: s.code, disabled: !s.open || s.full }, `${s.name_vi}${s.open ? "" : " (đóng)"}`)));
  const prioritySelect = el("select", { id: "issue-priority" },
    el("option", { value: "" }, "Không ưu tiên"),
    priorities.map((p) => el("option", { value: p.code }, p.name_vi)));
  const booking = el("input", { id: "booking-code", autocomplete: "off", autocapitalize: "characters", placeholder: "ABCD-2345" });
  const dossier = el("input", { id: "dossier-code", autocomplete: "off", placeholder: "000.00.16.H57-261201-0002" });
  const result = el("div", { id: "result", "aria-live": "polite" });
  const error = el("p", { class: "error", id: "action-error", role: "alert" });
  const act = async (button, run) => {
    error.textContent = "";
    button.disabled = true;
    try {
      await run();
    } catch (e) {
      error.textContent = problem(e);
    } finally {
      button.disabled = false;
    }
  };
  main.replaceChildren(
    el("h1", {}, "Hỗ trợ công dân ", el("span", { class: "en" }, "Helping citizens")),
    el("p", { id: "me" }, "Điện thoại: ", el("b", {}, me)),
    el("section", { class: "card", id: "help-card" },
      el("h2", {}, "Yêu cầu hỗ trợ ", el("span", { class: "en" }, "Help requests")),
      el("ul", { id: "help", class: "help-list" })),
    el("section", { class: "card", id: "for-citizen" },
      el("h2", {}, "Cho công dân trước mặt ", el("span", { class: "en" }, "For the citizen in front of you")),
      el("label", { for: "issue-service" }, "Lĩnh vực ", el("span", { class: "en" }, "Field")), serviceSelect,
      el("label", { for: "issue-priority" }, "Ưu tiên (người cao tuổi, khuyết tật…) ", el("span", { class: "en" }, "Priority")), prioritySelect,
      el("button", { class: "big primary", id: "issue", onclick: (e) => act(e.currentTarget, async () => {
        const args = { service: serviceSelect.value };
        if (prioritySelect.value) args.priority = prioritySelect.value;
        showTicket(result, (await conn.request("ticket.issue", args)).ticket, "Đã lấy số");
      }) }, "Lấy số ", el("span", { class: "en" }, "Issue a number")),
      el("label", { for: "booking-code" }, "Mã lịch hẹn ", el("span", { class: "en" }, "Booking code")), booking,
      el("button", { class: "big", id: "check-in", onclick: (e) => act(e.currentTarget, async () => {
        const reply = await conn.request("appointment.check_in", { booking: booking.value.trim() });
        showTicket(result, reply.ticket, reply.late ? "Đã xác nhận lịch hẹn (đến muộn: xếp hàng như số thường)" : "Đã xác nhận lịch hẹn");
        booking.value = "";
      }) }, "Xác nhận lịch hẹn ", el("span", { class: "en" }, "Check in")),
      el("label", { for: "dossier-code" }, "Mã hồ sơ (trên giấy biên nhận) ", el("span", { class: "en" }, "Dossier code")), dossier,
      el("button", { class: "big", id: "look-up", onclick: (e) => act(e.currentTarget, async () => {
        showDossier(result, (await conn.request("dossier.get", { code: dossier.value.trim() })).dossier);
      }) }, "Tra cứu hồ sơ ", el("span", { class: "en" }, "Look up a dossier")),
      error,
      result),
  );
  setInterval(drawRequests, 15000); // "… phút trước" moves on
}

function drawRequests() {
  const list = $("#help");
  if (!list) return;
  const now = Date.now();
  if (!requests.length) {
    fill(list, el("li", { id: "no-help", class: "muted" }, "Chưa có ai cần hỗ trợ. ", el("span", { class: "en" }, "Nobody is waiting for help.")));
    return;
  }
  const me = new URLSearchParams(location.search).get("device");
  fill(list, requests.map((r) => {
    const waited = r.waited_seconds + (now - r.loadedAt) / 1000;
    const mine = r.taken_by === me;
    const take = el("button", { class: "big primary take", "data-request": r.id, onclick: (e) => act(e.currentTarget, "help.take", r.id) }, "Tôi đến ", el("span", { class: "en" }, "Take"));
    const close = el("button", { class: "big close", "data-request": r.id, onclick: (e) => act(e.currentTarget, "help.close", r.id) }, "Xong ", el("span", { class: "en" }, "Done"));
    return el("li", { class: `help-request${r.taken_by ? " taken" : ""}`, id: `help-${r.id}` },
      el("b", { class: "place" }, r.place_name),
      r.note ? el("span", { class: "note" }, ` — ${r.note}`) : null,
      el("p", { class: "ago" }, `${r.kind === "phone" ? "Từ điện thoại" : "Tại ki-ốt"} · lúc ${hhmm(r.asked_at)} · ${ago(waited)}`),
      r.taken_by ? el("p", { class: "who" }, mine ? "Bạn đang đến" : `${r.taken_by} đang đến`) : null,
      !r.taken_by ? take : null,
      !r.taken_by || mine ? close : null);
  }));

  async function act(button, op, id) {
    button.disabled = true;
    const error = $("#action-error");
    if (error) error.textContent = "";
    try {
      await conn.request(op, { request: id });
      await refresh();
    } catch (e) {
      if (error) error.textContent = problem(e);
      button.disabled = false;
    }
  }
}

function showTicket(node, ticket, title) {
  const wait = ticket.estimated_wait_minutes;
  fill(node, el("div", { class: "card ticket-card", id: "ticket" },
    el("p", {}, title),
    el("p", { class: "big-number", id: "ticket-label" }, ticket.label),
    el("p", { id: "ticket-service" }, ticket.service_name_vi, " ", el("span", { class: "en" }, ticket.service_name_en)),
    ticket.counters && ticket.counters.length ? el("p", {}, `Quầy: ${ticket.counters.join(", ")}`) : null,
    el("p", { id: "ticket-ahead" }, `Trước số này: ${ticket.people_ahead ?? 0} người`, wait === null || wait === undefined ? "" : ` · khoảng ${wait} phút`),
    el("p", {}, "Công dân theo dõi lượt trên điện thoại: ", el("a", { href: ticket.url, id: "ticket-url", target: "_blank", rel: "noopener" }, ticket.url))));
}

const DOSSIER_STATUS = {
  received: "Đã tiếp nhận", processing: "Đang xử lý", supplement: "Cần bổ sung giấy tờ", ready: "Đã có kết quả, chờ trả",
  collected: "Đã trả kết quả", overdue: "Quá hạn", returned: "Trả lại hồ sơ, không giải quyết",
};

function showDossier(node, dossier) {
  fill(node, el("div", { class: "card", id: "dossier" },
    el("p", {}, "Hồ sơ ", el("b", {}, dossier.code)),
    dossier.procedure ? el("p", {}, dossier.procedure) : null,
    el("p", { id: "dossier-status" }, DOSSIER_STATUS[dossier.status] || dossier.status),
    dossier.due_date ? el("p", {}, `Hẹn trả: ${dossier.due_date.split("-").reverse().join("/")}`) : null,
    dossier.collect_at ? el("p", {}, `Nơi nhận kết quả: ${dossier.collect_at}`) : null));
}

function start() {
  const token = device ? storedToken(device) : null;
  if (token) connect({ token });
  else setUp();
}

start();
