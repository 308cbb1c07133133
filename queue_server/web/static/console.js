// Officer console of one counter PC: /console?device=counter-3 (docs/web.md).
//
// The page keeps the last counter.status reply as its model and keeps it up to date from the
// server's events and its own actions' replies, so that it reacts as fast with 1,000 people
// waiting as with 3: a called ticket is drawn from its event (or the action's reply) at once,
// and the waiting list shows its first WAITING_ROWS rows and a count of the rest (the whole
// list stays in the model, for calling any number with G). counter.status is asked again only
// for what the events do not carry (a new ticket's place in the list, today's averages), a
// moment after the screen shows the change, and several such needs make one request.
//
// console_model.js keeps the model (no DOM); console_view.js draws its parts; console_session.js
// the sign-in's end; console_enrol.js the set-up form (an enrolment code or a token); this file
// holds the connection, signing in, the officer's actions, the keyboard.
import {
  $, QueueConnection, deviceParam, el, errorText, fill, forgetToken, hhmm, showStatus, storedToken,
} from "/static/mc.js";
import { ASK, apply, partial, took } from "/static/console_model.js";
import { button, draw, drawCounter } from "/static/console_view.js";
import { SignInEnd } from "/static/console_session.js";
import { keepEnrolment, refusal, setUpForm } from "/static/console_enrol.js";
import { feeBox } from "/static/fee.js";
import { dossiersBox } from "/static/console_dossiers.js";
import { reentryBox } from "/static/console_reentry.js";

const REFRESH_DELAY = 100; // ms from the first need of a counter.status to asking it
const REFRESH_EVERY = 60_000; // ms: the list's waits grow; ask again once a minute anyway

const device = deviceParam();
const main = $("#main");
const resumeKey = `motcua.resume.${device}`;
let conn = null;
let status = null; // the last counter.status reply, kept up to date by events and replies
let view = "loading";
let message = { text: "", error: false };
let acting = 0; // the officer's requests awaiting their reply
let loading = null; // the counter.status request on its way
let refreshTimer = null;
let stale = false; // something happened while counter.status was on its way: ask again
let pauseReasons = []; // the site's pause reasons (code, name_vi, name_en), from the snapshot

// Under the current ticket's facts: its fee and its receipt (fee.js), the dossiers of the visit
// (console_dossiers.js), and its "Cần bổ sung" box: the dossier marked as missing papers, a
// re-entry code given (console_reentry.js).
const feeOf = (ticket) => [feeBox(conn, ticket), dossiersBox(conn, ticket), reentryBox(conn, ticket)];
const signInEnd = new SignInEnd({
  request: (op, fields) => conn.request(op, fields),
  status: () => status,
  refresh: () => refresh(),
  say: (text) => say(text),
});

// hello: {token} (kept in this browser), or {enrol: CODE} from the set-up form.
function start(hello) {
  conn = new QueueConnection({
    hello,
    onStatus: (s) => showStatus($("#status"), s),
    onFatal: (error) => {
      forgetToken(device);
      view = "token";
      setUpForm(main, device, refusal(error, conn.hello), start, conn.hello.enrol || "");
    },
    onHello: async (hello) => {
      const words = keepEnrolment(device, hello, conn);
      if (words) {
        main.replaceChildren(el("p", { class: "error card setup", id: "enrol-error" }, words));
        conn.stop();
        return;
      }
      if (hello.role !== "counter") {
        main.replaceChildren(el("p", { class: "error card setup" }, `Thiết bị ${hello.device} không phải máy tính quầy (vai trò ${hello.role}).`));
        conn.stop();
        return;
      }
      if (hello.snapshot && hello.snapshot.pause_reasons) pauseReasons = hello.snapshot.pause_reasons;
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
  signInEnd.clock(status.now);
  drawCounter(status, pauseReasons);
  if (status.signed_in || status.finishing) renderWork();
  else if (view !== "sign-in") renderSignIn(); // never wipe a PIN being typed
}

function onEvent(event) {
  if (!status) {
    if (loading) stale = true; // the first counter.status may be older than this event
    return;
  }
  if (view !== "work") {
    if (event.ev === "counter.changed" && event.counter === status.counter.number) refreshLater();
    return;
  }
  const { outcome, draw: parts } = apply(status, event, acting > 0);
  draw(status, parts, callTicket, pauseReasons, feeOf);
  if (outcome && loading) stale = true; // the reply on its way may be older than this event
  if (outcome === ASK) refreshLater();
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
  $("#expires").textContent = !status.expires_at ? ""
    : status.finishing ? `Phiên đã hết lúc ${hhmm(status.expires_at)}` : `Phiên đến ${hhmm(status.expires_at)}`;
  signInEnd.schedule();
  draw(status, ["work", "tally"], callTicket, pauseReasons, feeOf);
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
      button("pause", "Tạm dừng", "Pause", "P", () => openPause()),
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
    el("div", {}, signInEnd.build(), el("section", { class: "card ticket-now", id: "current" }), controls),
    el("div", {}, el("section", { class: "card", id: "waiting" }), el("section", { class: "card", id: "tally" })),
  ));
}

// One of the officer's requests; the model follows its reply at once.
async function perform(op, fields) {
  acting += 1;
  try {
    const reply = await conn.request(op, fields);
    draw(status, took(status, reply), callTicket, pauseReasons, feeOf);
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
      else say(errorText(error), true); // the sign-in ended mid-service: only that ticket may be finished
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

async function callNumber(text) {
  const label = text.trim().toUpperCase();
  let found = status.waiting.find((w) => w.label === label);
  if (!found && label && partial(status)) {
    // beyond the rows counter.status sent: ask the server for that number's row
    try {
      found = (await conn.request("queue.waiting", { label })).waiting[0];
    } catch (error) {
      return say(errorText(error), true);
    }
  }
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

// ---- pausing, with the reason the officer picks (the site's list; keys 1–9 pick) ----

function openPause() {
  if (!pauseReasons.length) return act("counter.pause", {}, () => "Quầy tạm dừng nhận số mới.");
  const dialog = $("#pause-dialog");
  fill(dialog.querySelector("#pause-reasons"), pauseReasons.map((r, i) =>
    button(`pause-${r.code}`, r.name_vi, r.name_en, i < 9 ? String(i + 1) : null, () => {
      dialog.close();
      act("counter.pause", { reason: r.code }, () => `Quầy tạm dừng nhận số mới: ${r.name_vi}.`);
    })));
  dialog.showModal();
}

function setUpPause() {
  const dialog = el("dialog", { id: "pause-dialog" },
    el("h2", {}, "Lý do tạm dừng ", el("span", { class: "en" }, "Why pause?")),
    el("div", { class: "actions", id: "pause-reasons" }),
    el("button", { type: "button", id: "pause-cancel", onclick: () => dialog.close() }, "Huỷ ", el("span", { class: "en" }, "Cancel")));
  dialog.addEventListener("keydown", (event) => {
    const pick = dialog.querySelector(`#pause-reasons button[data-key="${event.key}"]`);
    if (pick) {
      event.preventDefault();
      pick.click();
    }
  });
  document.body.append(dialog);
}

// ---- keyboard, signing out ----

function onKey(event) {
  if (view !== "work" || event.ctrlKey || event.altKey || event.metaKey || $("#transfer-dialog").open || $("#pause-dialog").open) return;
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
setUpPause();
setInterval(() => {
  if (view === "work" && conn && conn.status === "connected") refreshLater();
}, REFRESH_EVERY);
if (!device) {
  main.replaceChildren(el("p", { class: "error card setup" }, "Địa chỉ cần có tên thiết bị, ví dụ /console?device=counter-1. The address needs ?device=…"));
} else {
  const token = storedToken(device);
  if (token) start({ token });
  else setUpForm(main, device, "", start);
}
