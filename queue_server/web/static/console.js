// Officer console of one counter PC: /console?device=counter-3 (docs/web.md).
import {
  $, QueueConnection, debounce, deviceParam, el, errorText, forgetToken, hhmm, number, showStatus, storedToken, tokenForm,
} from "/static/mc.js";

const device = deviceParam();
const main = $("#main");
const resumeKey = `motcua.resume.${device}`;
let conn = null;
let status = null; // the last counter.status reply
let view = "loading";
let message = { text: "", error: false };
let expiryTimer = null;

const STATE_VI = { waiting: "Đang chờ", called: "Đã gọi", serving: "Đang phục vụ", done: "Hoàn thành" };
const COUNTER_VI = { open: "Đang mở", paused: "Tạm dừng", closed: "Đóng" };

function start(token) {
  conn = new QueueConnection({
    hello: { token },
    onStatus: (s) => showStatus($("#status"), s),
    onFatal: (error) => {
      forgetToken(device);
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
    onEvent: () => refreshSoon(),
  }).start();
}

const refreshSoon = debounce(() => refresh(), 150);

async function refresh() {
  try {
    status = await conn.request("counter.status");
  } catch (error) {
    return say(errorText(error), true);
  }
  if (status.resume) sessionStorage.setItem(resumeKey, status.resume);
  $("#counter-name").replaceChildren(status.counter.name, " ", el("span", { class: "badge " + status.counter.state, id: "counter-state" }, COUNTER_VI[status.counter.state]));
  document.title = `${status.counter.name} – Một Cửa`;
  if (status.signed_in) renderWork();
  else if (view !== "sign-in") renderSignIn(); // never wipe a PIN being typed
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

// ---- working ----

function renderWork() {
  view = "work";
  const c = status.counter;
  const t = status.current;
  $("#officer-name").textContent = status.officer ? `Cán bộ: ${status.officer.name}` : "";
  $("#sign-out").hidden = false;
  $("#expires").textContent = status.expires_at ? `Phiên đến ${hhmm(status.expires_at)}` : "";
  scheduleExpiry(status.expires_at);

  const ticketCard = el("section", { class: "card ticket-now", id: "current" },
    el("h2", {}, "Số đang phục vụ ", el("span", { class: "en" }, "Current ticket")),
    t ? el("div", { class: "now" },
      el("div", { class: "label", id: "current-label" }, t.label),
      el("dl", { class: "facts" },
        el("dt", {}, "Lĩnh vực"), el("dd", {}, t.service_name_vi),
        el("dt", {}, "Trạng thái"), el("dd", { id: "current-state" }, STATE_VI[t.state] || t.state),
        el("dt", {}, "Đã chờ"), el("dd", {}, `${t.waited_minutes} phút`),
        el("dt", {}, "Gọi lúc"), el("dd", {}, hhmm(t.called_at), t.recalls ? ` · gọi lại ${t.recalls} lần` : ""),
        el("dt", {}, "Lịch hẹn"), el("dd", {}, t.slot_start ? `Có, lúc ${hhmm(t.slot_start)}` : "Không"),
        el("dt", {}, "Ưu tiên"), el("dd", {}, t.priority ? el("span", { class: "badge prio" }, status.priorities[t.priority] || t.priority) : "Không"),
      ),
    ) : el("div", { class: "idle", id: "current-label" }, { open: "Chưa gọi số nào. Nhấn “Gọi số tiếp theo”.", paused: "Quầy đang tạm dừng. Nhấn “Mở quầy” để gọi tiếp.", closed: "Quầy chưa mở. Nhấn “Mở quầy”." }[c.state]),
  );

  const called = t && t.state === "called";
  const open = c.state === "open";
  const actions = el("section", { class: "card" },
    el("div", { class: "actions" },
      button("call-next", "Gọi số tiếp theo", "Call next", "N", () => act("ticket.call_next", {}, (r) => `Đã gọi số ${r.ticket.label}.`), !open || !!t, "primary wide"),
      button("recall", "Gọi lại", "Recall", "R", () => act("ticket.recall", { ticket: t.id }, (r) => `Đã gọi lại số ${r.ticket.label}.`), !called),
      button("serve", "Công dân đã đến", "Citizen here", "S", () => act("ticket.serve", { ticket: t.id }, (r) => `Đang phục vụ số ${r.ticket.label}.`), !called),
      button("no-show", "Vắng mặt", "No-show", "V", () => act("ticket.no_show", { ticket: t.id }, (r) => `Số ${r.ticket.label} vắng mặt.`), !called, "danger"),
      button("transfer", "Chuyển", "Transfer", "T", () => openTransfer(), !t),
      button("complete", "Hoàn thành", "Complete", "H", () => act("ticket.complete", { ticket: t.id }, (r) => `Đã hoàn thành số ${r.ticket.label}. Mời công dân đánh giá.`), !t, "good wide"),
      open
        ? button("pause", "Tạm dừng", "Pause", "P", () => act("counter.pause", {}, () => "Quầy tạm dừng nhận số mới."))
        : button("open", "Mở quầy", "Open", "P", () => act("counter.open", {}, () => "Quầy đã mở.")),
      button("close", "Đóng quầy", "Close", null, () => act("counter.close", {}, () => "Quầy đã đóng."), !!t || c.state === "closed"),
    ),
    el("form", { class: "call-number", id: "call-number-form" },
      el("input", { id: "call-number", placeholder: "Gọi số cụ thể, ví dụ A012 (G)", "aria-label": "Gọi số cụ thể", maxlength: "12", autocomplete: "off" }),
      el("button", { type: "submit", id: "call-number-go" }, "Gọi số ", el("span", { class: "en" }, "Call")),
    ),
    el("p", { id: "message", class: message.error ? "error" : "notice" }, message.text),
  );
  actions.querySelector("#call-number-form").addEventListener("submit", (event) => {
    event.preventDefault();
    callNumber(actions.querySelector("#call-number").value);
  });

  const tally = status.tally;
  const tallyCard = el("section", { class: "card", id: "tally" },
    el("h2", {}, "Hôm nay tại quầy ", el("span", { class: "en" }, "Today")),
    el("div", { class: "tally" },
      el("div", {}, el("b", { id: "tally-served" }, tally.served), "Đã phục vụ"),
      el("div", {}, el("b", { id: "tally-no-show" }, tally.no_show), "Vắng mặt"),
      el("div", {}, el("b", {}, tally.transferred), "Chuyển tiếp"),
      el("div", {}, el("b", {}, tally.average_service_minutes === null ? "—" : number(tally.average_service_minutes)), "Phút/lượt TB"),
    ),
    el("p", {}, `Đánh giá: ${tally.rated} lượt`, tally.average_rating !== null ? `, điểm trung bình ${number(tally.average_rating, 2)}/4` : ""),
  );

  const rows = status.waiting.map((w) => el("tr", { class: w.waited_minutes >= 30 ? "late" : "" },
    el("td", {}, el("b", {}, w.label)),
    el("td", {}, serviceName(w.service)),
    el("td", { class: "num" }, `${w.waited_minutes}′`),
    el("td", {}, w.priority ? el("span", { class: "badge prio" }, status.priorities[w.priority] || w.priority) : "", w.appointment ? el("span", { class: "badge" }, "Hẹn") : ""),
    el("td", {}, el("button", { onclick: () => callTicket(w), disabled: !open || !!t, "data-label": w.label }, "Gọi")),
  ));
  const waiting = el("section", { class: "card", id: "waiting" },
    el("h2", {}, `Đang chờ (${status.waiting.length}) `, el("span", { class: "en" }, "Waiting")),
    status.waiting.length
      ? el("table", {}, el("thead", {}, el("tr", {}, el("th", {}, "Số"), el("th", {}, "Lĩnh vực"), el("th", { class: "num" }, "Chờ"), el("th", {}, ""), el("th", {}, ""))), el("tbody", {}, rows))
      : el("p", {}, "Không có ai đang chờ."),
  );

  const typing = $("#call-number");
  const kept = typing ? { value: typing.value, focused: document.activeElement === typing } : null;
  main.replaceChildren(el("div", { class: "console" }, el("div", {}, ticketCard, actions), el("div", {}, waiting, tallyCard)));
  if (kept) {
    $("#call-number").value = kept.value;
    if (kept.focused) $("#call-number").focus();
  }
}

function button(id, vi, en, key, onclick, disabled = false, kind = "") {
  return el("button", { id, class: `big ${kind}`, onclick, disabled, "data-key": key || "" },
    vi, " ", el("span", { class: "en" }, en), key ? el("span", { class: "key" }, key) : null);
}

function serviceName(code) {
  const s = status.targets.services.find((x) => x.code === code);
  return s ? s.name_vi : code;
}

async function act(op, fields, done) {
  try {
    const reply = await conn.request(op, fields);
    say(done(reply));
  } catch (error) {
    if (error.code === "session_expired" || error.code === "sign_in_required") {
      sessionStorage.removeItem(resumeKey);
      await refresh();
      const problem = $("#sign-in-error");
      if (problem) problem.textContent = errorText(error);
      return;
    }
    say(errorText(error), true);
  }
  await refresh();
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
      const reply = await conn.request("ticket.transfer", fields);
      dialog.close();
      say(`Đã chuyển số ${reply.ticket.label}.`);
      await refresh();
    } catch (error) {
      $("#transfer-error").textContent = errorText(error);
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
  const control = document.querySelector(`button[data-key="${key}"]`);
  if (control && !control.disabled) {
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
if (!device) {
  main.replaceChildren(el("p", { class: "error card setup" }, "Địa chỉ cần có tên thiết bị, ví dụ /console?device=counter-1. The address needs ?device=…"));
} else {
  const token = storedToken(device);
  if (token) start(token);
  else tokenForm(main, device, "", start);
}
