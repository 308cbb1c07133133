// Officer console of one counter PC: /console?device=counter-3 (docs/web.md).
//
// The page keeps the last counter.status reply as its model and keeps it up to date from the
// server's events and its own actions' replies, so that it reacts as fast with 1,000 people
// waiting as with 3: a called ticket is drawn from its event (or the action's reply) at once,
// and the waiting list shows its first WAITING_ROWS rows and a count of the rest (the whole
// list stays in the model, for calling any number with G). counter.status is asked again only
// for what the events do not carry (a new ticket's place in the list, today's averages), a
// moment after the screen shows the change, and several such needs make one request.
import {
  $, QueueConnection, deviceParam, el, errorText, forgetToken, hhmm, number, showStatus, storedToken, tokenForm,
} from "/static/mc.js";
import { feeBox } from "/static/fee.js";

const WAITING_ROWS = 30; // rows of the waiting list drawn: about what fits the screen
const REFRESH_DELAY = 100; // ms from the first need of a counter.status to asking it
const REFRESH_EVERY = 60_000; // ms: the list's waits grow; ask again once a minute anyway

const device = deviceParam();
const main = $("#main");
const resumeKey = `motcua.resume.${device}`;
let conn = null;
let status = null; // the last counter.status reply, kept up to date by events and replies
let view = "loading";
let message = { text: "", error: false };
let expiryTimer = null;
let acting = 0; // the officer's requests awaiting their reply
let loading = null; // the counter.status request on its way
let refreshTimer = null;
let stale = false; // something happened while counter.status was on its way: ask again

const STATE_VI = { waiting: "Đang chờ", called: "Đã gọi", serving: "Đang phục vụ", done: "Hoàn thành" };
const COUNTER_VI = { open: "Đang mở", paused: "Tạm dừng", closed: "Đóng" };
const IDLE_VI = {
  open: "Chưa gọi số nào. Nhấn “Gọi số tiếp theo”.",
  paused: "Quầy đang tạm dừng. Nhấn “Mở quầy” để gọi tiếp.",
  closed: "Quầy chưa mở. Nhấn “Mở quầy”.",
};

function start(token) {
  conn = new QueueConnection({
    hello: { token },
    onStatus: (s) => showStatus($("#status"), s),
    onFatal: (error) => {
      forgetToken(device);
      view = "token";
      tokenForm(main, device, `Mã thiết bị không đúng (${error.code}). The device token is wrong.`, start);
    },
    onHello: async (hello) => {
      if (hello.role !== "counter") {
        main.replaceChildren(el("p", { class: "error card setup" }, `Thiết bị ${hello.device} không phải máy tính quầy (vai trò ${hello.role}).`));
        conn.stop();
        return;
      }
      const resume = sessionStorage.getItem(resumeKey);
      if (resume) {
        try {
          await conn.request("officer.resume", { resume });
        } catch {
          sessionStorage.removeItem(resumeKey);
        }
      }
      await refresh();
    },
    onEvent,
  }).start();
}

// ---- the model: counter.status, then events and replies ----

// Ask counter.status now (after the one on its way, if any) and draw the page from it.
async function refresh() {
  while (loading) await loading;
  clearTimeout(refreshTimer);
  refreshTimer = null;
  stale = false;
  loading = load();
  try {
    await loading;
  } finally {
    loading = null;
  }
  if (stale) refreshLater();
}

// Ask counter.status soon: needs within REFRESH_DELAY (or while one is on its way) make one.
function refreshLater() {
  if (loading) stale = true;
  else if (refreshTimer === null) {
    refreshTimer = setTimeout(() => {
      refreshTimer = null;
      refresh();
    }, REFRESH_DELAY);
  }
}

async function load() {
  try {
    status = await conn.request("counter.status");
  } catch (error) {
    say(errorText(error), true);
    return;
  }
  if (status.resume) sessionStorage.setItem(resumeKey, status.resume);
  drawCounter();
  if (status.signed_in) renderWork();
  else if (view !== "sign-in") renderSignIn(); // never wipe a PIN being typed
}

const SHOWN = 1; // the event changed the page, and it is drawn
const ASK = 2; // the event says something changed that only counter.status tells in full

function onEvent(event) {
  if (!status) {
    if (loading) stale = true; // the first counter.status may be older than this event
    return;
  }
  if (view !== "work") {
    if (event.ev === "counter.changed" && event.counter === status.counter.number) refreshLater();
    return;
  }
  const outcome = apply(event);
  if (outcome && loading) stale = true; // the reply on its way may be older than this event
  if (outcome === ASK) refreshLater();
}

// Bring the model up to date with one event; draw what changed. Applying an event the model
// already reflects changes nothing (each change is keyed on the ticket it names).
function apply(event) {
  const me = status.counter.number;
  const current = status.current;
  const isCurrent = current !== null && current.id === event.ticket;
  switch (event.ev) {
    case "ticket.called": {
      const row = takeWaiting(event.ticket);
      if (event.counter === me && !isCurrent) {
        status.current = calledFrom(event, row);
        status.tally.called += 1;
        drawWork();
        return acting ? SHOWN : ASK; // called by another screen of this counter: fetch the details
      }
      if (row) drawWaiting();
      return row ? SHOWN : 0;
    }
    case "ticket.recalled":
    case "ticket.serving":
      if (!isCurrent) return 0;
      if (event.ev === "ticket.recalled") current.recalls = event.recalls;
      else current.state = "serving";
      drawCurrent();
      drawActions();
      return SHOWN;
    case "ticket.no_show":
    case "ticket.completed":
    case "ticket.transferred":
    case "ticket.cancelled": {
      const row = takeWaiting(event.ticket); // a waiting ticket cancelled
      let outcome = row ? SHOWN : 0;
      if (isCurrent) {
        status.current = null;
        const counted = { "ticket.no_show": "no_show", "ticket.completed": "served", "ticket.transferred": "transferred" }[event.ev];
        if (counted) status.tally[counted] += 1;
        outcome = event.ev === "ticket.completed" ? ASK : SHOWN; // the average service time
        drawWork();
        drawTally();
      } else if (row) {
        drawWaiting();
      }
      if (event.ev === "ticket.transferred" && (event.to_counter === me || serves(event.to_service))) outcome = ASK; // a new row here
      return outcome;
    }
    case "ticket.issued":
      return serves(event.service) ? ASK : 0; // its place in the list: counter.status
    case "ticket.returned":
    case "day.opened":
      return ASK;
    case "counter.changed":
      if (event.counter !== me) {
        const other = status.targets.counters.find((c) => c.number === event.counter);
        if (other) other.state = event.state;
        return 0;
      }
      if ((event.officer || null) !== (status.officer ? status.officer.user : null)) return ASK; // signed in or out
      status.counter.state = event.state;
      drawCounter();
      drawActions();
      drawWaiting();
      return SHOWN;
    case "rating.recorded":
      return event.counter === me ? ASK : 0;
    case "alarm.wait_exceeded": {
      const at = status.waiting.findIndex((w) => w.ticket === event.ticket);
      if (at < 0) return 0;
      status.waiting[at].waited_minutes = Math.max(status.waiting[at].waited_minutes, event.waited_minutes);
      if (at < WAITING_ROWS) drawWaiting();
      return SHOWN;
    }
    default:
      return 0;
  }
}

// The model follows the reply of one of the officer's actions (its events came just before).
function took(reply) {
  const ticket = reply.ticket;
  if (reply.counter) {
    status.counter = { ...status.counter, ...reply.counter };
    drawCounter();
  }
  if (ticket && (ticket.state === "called" || ticket.state === "serving") && ticket.counter === status.counter.number) {
    takeWaiting(ticket.id);
    status.current = { ...ticket, waited_minutes: minutesBetween(ticket.arrival_at, ticket.called_at) };
  } else if (ticket && status.current && (status.current.id === ticket.id || status.current.id === reply.transferred_from)) {
    status.current = null;
  }
  drawWork();
}

function takeWaiting(id) {
  const at = status.waiting.findIndex((w) => w.ticket === id);
  return at < 0 ? null : status.waiting.splice(at, 1)[0];
}

// The current ticket as far as its ticket.called event and its row in the list tell.
function calledFrom(event, row) {
  return {
    id: event.ticket,
    label: event.label,
    service: event.service,
    service_name_vi: serviceName(event.service),
    state: "called",
    priority: event.priority !== undefined ? event.priority : row ? row.priority : null,
    arrival_at: row ? row.arrival_at : null,
    called_at: event.at,
    recalls: 0,
    slot_start: null,
    waited_minutes: row ? minutesBetween(row.arrival_at, event.at) : null,
  };
}

function minutesBetween(from, to) {
  const ms = (iso) => Date.parse(iso.replace(/(\.\d{3})\d+/, "$1"));
  return from && to ? Math.max(0, Math.floor((ms(to) - ms(from)) / 60000)) : null;
}

function serves(service) {
  return !!service && status.counter.services.includes(service);
}

function say(text, error = false) {
  message = { text, error };
  const node = $("#message");
  if (node) {
    node.textContent = text;
    node.className = error ? "error" : "notice";
  }
}

// ---- signing in ----

function renderSignIn(problem = "") {
  view = "sign-in";
  sessionStorage.removeItem(resumeKey);
  $("#sign-out").hidden = true;
  $("#officer-name").textContent = "";
  $("#expires").textContent = "";
  const user = el("input", { id: "user", autocomplete: "username", autocapitalize: "none", spellcheck: "false" });
  const pin = el("input", { id: "pin", type: "password", inputmode: "numeric", autocomplete: "current-password" });
  const error = el("p", { class: "error", id: "sign-in-error" }, problem);
  const taken = status && status.officer
    ? el("p", {}, "Đang đăng nhập tại quầy: ", el("b", {}, status.officer.name), status.current ? ` — số ${status.current.label}` : "")
    : null;
  const form = el(
    "form",
    { class: "card setup", id: "sign-in-form" },
    el("h1", {}, "Đăng nhập ", el("span", { class: "en" }, "Sign in")),
    taken,
    el("label", { for: "user" }, "Tên đăng nhập ", el("span", { class: "en" }, "User")),
    user,
    el("label", { for: "pin" }, "Mã PIN ", el("span", { class: "en" }, "PIN")),
    pin,
    error,
    el("button", { type: "submit", class: "big primary", id: "sign-in" }, "Đăng nhập ", el("span", { class: "en" }, "Sign in")),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await conn.request("officer.sign_in", { user: user.value.trim(), pin: pin.value });
      pin.value = "";
      say("");
      await refresh();
    } catch (e) {
      pin.value = "";
      error.textContent = errorText(e);
      pin.focus();
    }
  });
  main.replaceChildren(form);
  (status && status.officer ? pin : user).focus();
  if (status && status.officer) user.value = status.officer.user;
}

// ---- working: the page is made once, then each part is drawn again when it changes ----

function renderWork() {
  if (view !== "work" || !$("#current")) buildWork();
  view = "work";
  $("#officer-name").textContent = status.officer ? `Cán bộ: ${status.officer.name}` : "";
  $("#sign-out").hidden = false;
  $("#expires").textContent = status.expires_at ? `Phiên đến ${hhmm(status.expires_at)}` : "";
  scheduleExpiry(status.expires_at);
  drawWork();
  drawTally();
}

function buildWork() {
  const controls = el("section", { class: "card", id: "controls" },
    el("div", { class: "actions" },
      button("call-next", "Gọi số tiếp theo", "Call next", "N", () => act("ticket.call_next", {}, (r) => `Đã gọi số ${r.ticket.label}.`), "primary wide"),
      button("recall", "Gọi lại", "Recall", "R", () => act("ticket.recall", { ticket: status.current.id }, (r) => `Đã gọi lại số ${r.ticket.label}.`)),
      button("serve", "Công dân đã đến", "Citizen here", "S", () => act("ticket.serve", { ticket: status.current.id }, (r) => `Đang phục vụ số ${r.ticket.label}.`)),
      button("no-show", "Vắng mặt", "No-show", "V", () => act("ticket.no_show", { ticket: status.current.id }, (r) => `Số ${r.ticket.label} vắng mặt.`), "danger"),
      button("transfer", "Chuyển", "Transfer", "T", () => openTransfer()),
      button("complete", "Hoàn thành", "Complete", "H", () => act("ticket.complete", { ticket: status.current.id }, (r) => `Đã hoàn thành số ${r.ticket.label}. Mời công dân đánh giá.`), "good wide"),
      button("pause", "Tạm dừng", "Pause", "P", () => act("counter.pause", {}, () => "Quầy tạm dừng nhận số mới.")),
      button("open", "Mở quầy", "Open", "P", () => act("counter.open", {}, () => "Quầy đã mở.")),
      button("close", "Đóng quầy", "Close", null, () => act("counter.close", {}, () => "Quầy đã đóng.")),
    ),
    el("form", { class: "call-number", id: "call-number-form" },
      el("input", { id: "call-number", placeholder: "Gọi số cụ thể, ví dụ A012 (G)", "aria-label": "Gọi số cụ thể", maxlength: "12", autocomplete: "off" }),
      el("button", { type: "submit", id: "call-number-go" }, "Gọi số ", el("span", { class: "en" }, "Call")),
    ),
    el("p", { id: "message", class: message.error ? "error" : "notice" }, message.text),
  );
  controls.querySelector("#call-number-form").addEventListener("submit", (event) => {
    event.preventDefault();
    callNumber(controls.querySelector("#call-number").value);
  });
  main.replaceChildren(el("div", { class: "console" },
    el("div", {}, el("section", { class: "card ticket-now", id: "current" }), controls),
    el("div", {}, el("section", { class: "card", id: "waiting" }), el("section", { class: "card", id: "tally" })),
  ));
}

// The called ticket first: it is what the officer waits to see.
function drawWork() {
  drawCurrent();
  drawActions();
  drawWaiting();
}

function drawCounter() {
  const state = status.counter.state;
  $("#counter-name").replaceChildren(status.counter.name, " ", el("span", { class: "badge " + state, id: "counter-state" }, COUNTER_VI[state]));
  document.title = `${status.counter.name} – Một Cửa`;
}

function drawCurrent() {
  const t = status.current;
  $("#current").replaceChildren(
    el("h2", {}, "Số đang phục vụ ", el("span", { class: "en" }, "Current ticket")),
    t ? el("div", { class: "now" },
      el("div", { class: "label", id: "current-label" }, t.label),
      el("dl", { class: "facts" },
        el("dt", {}, "Lĩnh vực"), el("dd", {}, t.service_name_vi),
        el("dt", {}, "Trạng thái"), el("dd", { id: "current-state" }, STATE_VI[t.state] || t.state),
        el("dt", {}, "Đã chờ"), el("dd", {}, t.waited_minutes === null ? "—" : `${t.waited_minutes} phút`),
        el("dt", {}, "Gọi lúc"), el("dd", {}, hhmm(t.called_at), t.recalls ? ` · gọi lại ${t.recalls} lần` : ""),
        el("dt", {}, "Lịch hẹn"), el("dd", {}, t.slot_start ? `Có, lúc ${hhmm(t.slot_start)}` : "Không"),
        el("dt", {}, "Ưu tiên"), el("dd", {}, t.priority ? el("span", { class: "badge prio" }, status.priorities[t.priority] || t.priority) : "Không"),
      ),
      feeBox(conn, t),
    ) : el("div", { class: "idle", id: "current-label" }, IDLE_VI[status.counter.state]),
  );
}

function drawActions() {
  const t = status.current;
  const called = !!t && t.state === "called";
  const state = status.counter.state;
  const enable = { "call-next": state === "open" && !t, recall: called, serve: called, "no-show": called, transfer: !!t, complete: !!t, pause: true, open: true, close: !t && state !== "closed" };
  for (const [id, on] of Object.entries(enable)) $(`#${id}`).disabled = !on;
  $("#pause").hidden = state !== "open";
  $("#open").hidden = state === "open";
}

// The first WAITING_ROWS rows (the next to be called) and how many more: drawing costs the
// same whatever the queue's length. Any number in the list can still be called with G.
function drawWaiting() {
  const waiting = status.waiting;
  const shown = waiting.slice(0, WAITING_ROWS);
  const callable = status.counter.state === "open" && !status.current;
  const rows = shown.map((w) => el("tr", { class: w.waited_minutes >= 30 ? "late" : "" },
    el("td", {}, el("b", {}, w.label)),
    el("td", {}, serviceName(w.service)),
    el("td", { class: "num" }, `${w.waited_minutes}′`),
    el("td", {}, w.priority ? el("span", { class: "badge prio" }, status.priorities[w.priority] || w.priority) : "", w.appointment ? el("span", { class: "badge" }, "Hẹn") : ""),
    el("td", {}, el("button", { onclick: () => callTicket(w), disabled: !callable, "data-label": w.label }, "Gọi")),
  ));
  const more = waiting.length - shown.length;
  $("#waiting").replaceChildren(
    el("h2", {}, `Đang chờ (${number(waiting.length, 0)}) `, el("span", { class: "en" }, "Waiting")),
    shown.length
      ? el("table", {}, el("thead", {}, el("tr", {}, el("th", {}, "Số"), el("th", {}, "Lĩnh vực"), el("th", { class: "num" }, "Chờ"), el("th", {}, ""), el("th", {}, ""))), el("tbody", {}, rows))
      : el("p", {}, "Không có ai đang chờ."),
    more > 0
      ? el("p", { class: "more", id: "waiting-more" }, `… và ${number(more, 0)} số khác đang chờ. Gọi số bất kỳ: phím G. `,
        el("span", { class: "en" }, `and ${more.toLocaleString("en-GB")} more waiting; G calls any number`))
      : null,
  );
}

function drawTally() {
  const tally = status.tally;
  $("#tally").replaceChildren(
    el("h2", {}, "Hôm nay tại quầy ", el("span", { class: "en" }, "Today")),
    el("div", { class: "tally" },
      el("div", {}, el("b", { id: "tally-served" }, tally.served), "Đã phục vụ"),
      el("div", {}, el("b", { id: "tally-no-show" }, tally.no_show), "Vắng mặt"),
      el("div", {}, el("b", { id: "tally-transferred" }, tally.transferred), "Chuyển tiếp"),
      el("div", {}, el("b", {}, tally.average_service_minutes === null ? "—" : number(tally.average_service_minutes)), "Phút/lượt TB"),
    ),
    el("p", {}, `Đánh giá: ${tally.rated} lượt`, tally.average_rating !== null ? `, điểm trung bình ${number(tally.average_rating, 2)}/4` : ""),
  );
}

function button(id, vi, en, key, onclick, kind = "") {
  return el("button", { id, class: `big ${kind}`, onclick, "data-key": key || "" },
    vi, " ", el("span", { class: "en" }, en), key ? el("span", { class: "key" }, key) : null);
}

function serviceName(code) {
  const s = status.targets.services.find((x) => x.code === code);
  return s ? s.name_vi : code;
}

// One of the officer's requests; the model follows its reply at once.
async function perform(op, fields) {
  acting += 1;
  try {
    const reply = await conn.request(op, fields);
    took(reply);
    return reply;
  } finally {
    acting -= 1;
  }
}

async function act(op, fields, done) {
  let reply;
  try {
    reply = await perform(op, fields);
  } catch (error) {
    if (error.code === "session_expired" || error.code === "sign_in_required") {
      sessionStorage.removeItem(resumeKey);
      await refresh();
      const problem = $("#sign-in-error");
      if (problem) problem.textContent = errorText(error);
      return;
    }
    say(errorText(error), true);
    refreshLater(); // the screen may be behind (another screen of this counter acted first)
    return;
  }
  say(done(reply));
}

function callTicket(w) {
  return act("ticket.call", { ticket: w.ticket }, (r) => {
    const field = $("#call-number");
    if (field) field.value = "";
    return `Đã gọi số ${r.ticket.label}.`;
  });
}

function callNumber(text) {
  const label = text.trim().toUpperCase();
  const found = status.waiting.find((w) => w.label === label);
  if (!found) return say(`Số ${label || "?"} không có trong danh sách chờ của quầy.`, true);
  return callTicket(found);
}

// ---- transfer ----

function openTransfer() {
  const dialog = $("#transfer-dialog");
  $("#transfer-label").textContent = status.current.label;
  $("#transfer-service").replaceChildren(...status.targets.services.map((s) => el("option", { value: s.code }, `${s.name_vi}${s.open ? "" : " (đóng)"}`)));
  $("#transfer-counter").replaceChildren(...status.targets.counters.map((c) => el("option", { value: c.number }, `${c.name} — ${c.state === "open" ? "đang mở" : c.state === "paused" ? "tạm dừng" : "đóng"}`)));
  $("#transfer-note").value = "";
  $("#transfer-error").textContent = "";
  dialog.showModal();
}

function setUpTransfer() {
  const dialog = $("#transfer-dialog");
  for (const radio of dialog.querySelectorAll("input[name=to]")) {
    radio.addEventListener("change", () => {
      const toService = dialog.querySelector("input[name=to]:checked").value === "service";
      $("#transfer-service").hidden = !toService;
      $("#transfer-counter").hidden = toService;
    });
  }
  $("#transfer-cancel").addEventListener("click", () => dialog.close());
  $("#transfer-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const toService = dialog.querySelector("input[name=to]:checked").value === "service";
    const fields = { ticket: status.current.id, note: $("#transfer-note").value.trim() || null };
    if (toService) fields.service = $("#transfer-service").value;
    else fields.counter = Number($("#transfer-counter").value);
    try {
      const reply = await perform("ticket.transfer", fields);
      dialog.close();
      say(`Đã chuyển số ${reply.ticket.label}.`);
    } catch (error) {
      $("#transfer-error").textContent = errorText(error);
      refreshLater();
    }
  });
}

// ---- keyboard, expiry, signing out ----

function onKey(event) {
  if (view !== "work" || event.ctrlKey || event.altKey || event.metaKey || $("#transfer-dialog").open) return;
  const target = event.target;
  if (target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) {
    if (event.key === "Escape") target.blur();
    return;
  }
  const key = event.key.toUpperCase();
  if (key === "G") {
    event.preventDefault();
    $("#call-number").focus();
    return;
  }
  const control = [...document.querySelectorAll(`button[data-key="${key}"]`)].find((b) => !b.hidden && !b.disabled);
  if (control) {
    event.preventDefault();
    control.click();
  }
}

function scheduleExpiry(expiresAt) {
  clearTimeout(expiryTimer);
  if (!expiresAt) return;
  const left = Date.parse(expiresAt) - Date.now();
  expiryTimer = setTimeout(() => {
    sessionStorage.removeItem(resumeKey);
    status.signed_in = false;
    renderSignIn("Phiên làm việc đã hết hạn; vui lòng đăng nhập lại. The session has expired.");
  }, Math.max(0, Math.min(left, 2 ** 31 - 1)));
}

async function signOut() {
  try {
    await conn.request("officer.sign_out");
    sessionStorage.removeItem(resumeKey);
    say("");
  } catch (error) {
    say(errorText(error), true);
  }
  await refresh();
}

document.addEventListener("keydown", onKey);
$("#sign-out").addEventListener("click", signOut);
setUpTransfer();
setInterval(() => {
  if (view === "work" && conn && conn.status === "connected") refreshLater();
}, REFRESH_EVERY);
if (!device) {
  main.replaceChildren(el("p", { class: "error card setup" }, "Địa chỉ cần có tên thiết bị, ví dụ /console?device=counter-1. The address needs ?device=…"));
} else {
  const token = storedToken(device);
  if (token) start(token);
  else tokenForm(main, device, "", start);
}
