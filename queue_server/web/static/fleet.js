// The dashboard's fleet card (tab "Thiết bị"): every device of the site file as device.list
// tells it — role, version against the server's, address, last contact, connected / silent /
// revoked / not enrolled, printer and paper, sound card, last fault — with the manager's
// buttons: "Cấp mã đăng ký" (a one-time code, large, with its QR code and its countdown),
// "Thu hồi" (after a confirm step) and "Cấp lại mã" (docs/web.md, docs/protocol.md "Enrolment").
//
// Live: the server pushes device.status / device.enrolled / device.revoked / device.rotated to
// the manager, and each one asks device.list again at once; a device connecting, going away or
// turning silent has no event, so device.list is asked every FLEET_POLL_MS as well.
import { debounce, el, errorText, fill } from "/static/mc.js";

export const FLEET_POLL_MS = 10_000;

const ROLE = {
  kiosk: ["Ki-ốt", "Kiosk"], display: ["Bảng điện tử", "Board"], counter: ["Máy tính quầy", "Counter PC"],
  pad: ["Bàn phím đánh giá", "Rating pad"], manager: ["Điều hành", "Manager"], integration: ["Tích hợp", "Integration"],
};
const ENROLMENT = {
  enrolled: ["Đã đăng ký", "Enrolled", "open"], site_file: ["Mã trong tệp cấu hình", "Token in the site file", "paused"],
  revoked: ["Đã thu hồi", "Revoked", "bad"], not_enrolled: ["Chưa đăng ký", "Not enrolled", "closed"],
};
const COMPONENT = {
  printer: "Máy in", scanner: "Máy quét", camera: "Camera", pad: "Bàn phím đánh giá", display: "Màn hình", audio: "Âm thanh", network: "Mạng",
};
const DETAIL = {
  paper_out: "Hết giấy", paper_near_end: "Sắp hết giấy", offline: "Mất kết nối", cover_open: "Nắp mở",
  voice_unavailable: "Không có giọng đọc", no_sound_card: "Không có card âm thanh", player_failed: "Không phát được",
  file_failed: "Không ghi được tệp âm thanh", clips_missing: "Thiếu tệp giọng đọc",
};

let poller = null; // one poll however often the dashboard builds its tabs again (each reconnect)

// "2 phút trước" (and its English) from an ISO time and the server's now in ms.
export function ago(iso, nowMs) {
  const seconds = Math.max(0, Math.round((nowMs - Date.parse(iso)) / 1000));
  if (seconds < 60) return ["vừa xong", "just now"];
  const min = Math.floor(seconds / 60);
  if (min < 60) return [`${min} phút trước`, `${min} min ago`];
  const hours = Math.floor(min / 60);
  if (hours < 24) return [`${hours} giờ trước`, `${hours} h ago`];
  const days = Math.floor(hours / 24);
  return [`${days} ngày trước`, `${days} days ago`];
}

// The site's clock time of an instant, by the offset the server wrote its now with ("+07:00").
function siteTime(ms, serverNow) {
  const match = /([+-])(\d\d):(\d\d)$/.exec(serverNow || "");
  const offset = match ? (match[1] === "-" ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3])) : 0;
  return new Date(ms + offset * 60_000).toISOString().slice(11, 16);
}

const both = (vi, en) => [vi, " ", el("span", { class: "en" }, en)];
const badge = (kind, ...text) => el("span", { class: `badge ${kind}` }, ...text);
const nameOf = (d) => d.name || d.id;

// How the device is now: one badge.
function stateOf(d) {
  if (d.enrolment === "revoked") return badge("bad", ...both("Đã thu hồi", "Revoked"));
  if (d.enrolment === "not_enrolled") return badge("closed", ...both("Chưa đăng ký", "Not enrolled"));
  if (d.connected) return badge("open", ...both("Đang kết nối", "Connected"));
  if (d.silent) return badge("bad", ...both("Im lặng", "Silent"));
  return badge("paused", ...both("Mất kết nối", "Disconnected"));
}

// A silent device raises the alarm unless it is not meant to talk (revoked, never enrolled).
const alarming = (d) => d.silent && (d.enrolment === "enrolled" || d.enrolment === "site_file");

function partCell(d, component) {
  const part = d.parts.find((p) => p.component === component);
  if (!part) return "—";
  const words = part.detail ? DETAIL[part.detail] || part.detail : part.ok ? "Tốt" : "Lỗi";
  return badge(part.ok ? "open" : "bad", words);
}

// Where the code is typed, by the device's role (docs/deployment.md section 3).
function howTo(role) {
  const command = { kiosk: "motcua-kiosk", display: "motcua-display", pad: "motcua-pads" }[role];
  if (role === "counter") {
    return both("Dùng một lần, trong 15 phút: nhập mã vào ô «Mã đăng ký» của trang quầy trên máy tính quầy.", "One use: type it in the console's set-up form.");
  }
  if (command) {
    return [...both("Dùng một lần, trong 15 phút, trên máy đó:", "One use, on that machine:"), " ",
      el("code", {}, `${command} enrol --server ws://… --state … MÃ`), role === "kiosk" ? " (hoặc quét mã QR bằng máy quét của ki-ốt)" : ""];
  }
  return both("Dùng một lần, trong 15 phút.", "One use, within 15 minutes.");
}

// section: the tab's element; conn: the dashboard's QueueConnection; self: the dashboard's own
// device (it may not revoke itself); onAlarms(lines): the silent devices for the live alarms.
export function buildFleet(section, conn, { self = "", onAlarms = () => {} } = {}) {
  let fleet = null;
  let skew = 0; // ms the server's clock is ahead of this PC's (device.list's now)
  let countdown = null;
  const alarm = el("div", { class: "alarms", id: "fleet-alarm", role: "alert", hidden: true });
  const note = el("p", { class: "notice", id: "fleet-note" });
  const body = el("div", { id: "fleet-body" });
  const heading = el("p", { id: "fleet-server" });
  section.replaceChildren(el("div", { class: "card" },
    el("h2", {}, ...both("Thiết bị", "Devices")),
    alarm, heading, note,
    el("button", { type: "button", id: "fleet-refresh", onclick: () => load() }, ...both("Làm mới", "Refresh")),
    body));
  const codeDialog = buildCodeDialog();
  const revokeDialog = buildRevokeDialog();

  async function load() {
    try {
      fleet = await conn.request("device.list");
    } catch (error) {
      say(errorText(error), true);
      return;
    }
    skew = Date.parse(fleet.now) - Date.now();
    render();
  }

  function say(text, error = false) {
    note.textContent = text;
    note.className = error ? "error" : "notice";
  }

  function render() {
    const now = Date.now() + skew;
    const silent = fleet.devices.filter(alarming);
    const never = silent.filter((d) => !d.last_seen).map(nameOf);
    const lines = [
      ...silent.filter((d) => d.last_seen).map((d) => `${nameOf(d)} (liên lạc cuối ${ago(d.last_seen, now)[0]})`),
      ...(never.length ? [`chưa liên lạc từ khi máy chủ khởi động: ${never.join(", ")}`] : []),
    ];
    alarm.hidden = !silent.length;
    fill(alarm, silent.length ? el("p", {}, el("b", {}, `Thiết bị im lặng quá ${fleet.silent_minutes} phút: `), lines.join("; "), " ",
      el("span", { class: "en" }, `Silent for over ${fleet.silent_minutes} min`)) : null);
    onAlarms(silent.length ? [`Thiết bị im lặng quá ${fleet.silent_minutes} phút: ${lines.join("; ")}.`] : []);
    fill(heading, ...both(`Phiên bản máy chủ ${fleet.server_version}; im lặng sau ${fleet.silent_minutes} phút.`,
      `Server version ${fleet.server_version}; silent after ${fleet.silent_minutes} min.`));
    const head = ["Thiết bị", "Vai trò", "Phiên bản", "Địa chỉ", "Liên lạc cuối", "Tình trạng", "Đăng ký", "Máy in, giấy", "Âm thanh", "Lỗi gần nhất", ""];
    fill(body, el("table", { id: "device-table" },
      el("thead", {}, el("tr", {}, head.map((h) => el("th", {}, h)))),
      el("tbody", {}, fleet.devices.map((d) => row(d, now)))));
  }

  function row(d, now) {
    const role = ROLE[d.role] || [d.role, d.role];
    const [enrolVi, enrolEn, enrolKind] = ENROLMENT[d.enrolment] || [d.enrolment, d.enrolment, "closed"];
    const seen = d.last_seen ? ago(d.last_seen, now) : ["chưa liên lạc", "never"];
    const fault = d.last_fault;
    const actions = [
      el("button", { type: "button", class: "fleet-enrol", onclick: () => giveCode(d, "device.enrolment_code") }, ...both("Cấp mã đăng ký", "Enrolment code")),
      d.id !== self && d.enrolment !== "revoked" && d.enrolment !== "not_enrolled"
        ? el("button", { type: "button", class: "fleet-revoke danger", onclick: () => askRevoke(d) }, ...both("Thu hồi", "Revoke")) : null,
      d.enrolment === "enrolled" || d.enrolment === "site_file"
        ? el("button", { type: "button", class: "fleet-rotate", onclick: () => giveCode(d, "device.rotate") }, ...both("Cấp lại mã", "Rotate")) : null,
    ];
    return el("tr", { "data-device": d.id, class: alarming(d) ? "late" : "" },
      el("td", {}, nameOf(d), el("br"), el("span", { class: "en" }, d.id, d.counter ? ` · quầy ${d.counter}` : "")),
      el("td", {}, ...both(role[0], role[1])),
      el("td", { class: "fleet-version" }, d.version === null ? "—"
        : d.version_differs ? badge("bad", d.version, ` ≠ ${fleet.server_version}`) : d.version),
      el("td", { class: "fleet-address" }, d.address || "—"),
      el("td", { class: "fleet-seen", title: d.last_seen || "" }, ...both(seen[0], seen[1])),
      el("td", { class: "fleet-state" }, stateOf(d)),
      el("td", { class: "fleet-enrolment" }, badge(enrolKind, ...both(enrolVi, enrolEn))),
      el("td", { class: "fleet-printer" }, partCell(d, "printer")),
      el("td", { class: "fleet-sound" }, partCell(d, "audio")),
      el("td", { class: "fleet-fault" }, fault
        ? `${COMPONENT[fault.component] || fault.component}: ${DETAIL[fault.detail] || fault.detail || "lỗi"} (${ago(fault.since, now)[0]})` : "—"),
      el("td", { class: "fleet-actions" }, actions));
  }

  // ---- a code: device.enrolment_code, or device.rotate (the old token lives until it enrols) ----

  function buildCodeDialog() {
    document.querySelector("#fleet-code-dialog")?.remove();
    const dialog = el("dialog", { id: "fleet-code-dialog" },
      el("h2", { id: "fleet-code-for" }),
      el("p", { class: "enrol-code", id: "fleet-code" }),
      el("img", { id: "fleet-qr", alt: "Mã QR của mã đăng ký (Enrolment code as a QR code)" }),
      el("p", { id: "fleet-code-expiry" }),
      el("p", { id: "fleet-code-rotated", class: "notice" }),
      el("p", { id: "fleet-code-how" }),
      el("button", { type: "button", id: "fleet-code-close", onclick: () => dialog.close() }, ...both("Đóng", "Close")));
    dialog.addEventListener("close", () => clearInterval(countdown));
    document.body.append(dialog);
    return dialog;
  }

  async function giveCode(d, op) {
    let reply;
    try {
      reply = await conn.request(op, { device: d.id });
    } catch (error) {
      say(errorText(error), true);
      return;
    }
    say("");
    const rotated = op === "device.rotate";
    fill(codeDialog.querySelector("#fleet-code-for"), ...both(`${rotated ? "Mã đăng ký mới" : "Mã đăng ký"} — ${nameOf(d)}`, rotated ? "New enrolment code" : "Enrolment code"));
    const code = codeDialog.querySelector("#fleet-code");
    code.textContent = reply.code;
    code.classList.remove("expired");
    const svg = new TextEncoder().encode(reply.qr_svg); // an image, never markup in the page
    codeDialog.querySelector("#fleet-qr").src = `data:image/svg+xml;base64,${btoa(String.fromCharCode(...svg))}`;
    fill(codeDialog.querySelector("#fleet-code-how"), ...howTo(d.role));
    codeDialog.querySelector("#fleet-code-rotated").textContent = rotated
      ? "Mã cũ của thiết bị vẫn dùng được cho đến khi thiết bị đăng ký bằng mã mới này. The old token works until the device enrols with this code."
      : "";
    const expires = Date.parse(reply.expires_at);
    const tick = () => {
      const left = Math.round((expires - (Date.now() + skew)) / 1000);
      const at = siteTime(expires, fleet ? fleet.now : "");
      const text = codeDialog.querySelector("#fleet-code-expiry");
      if (left > 0) {
        const mmss = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")}`;
        fill(text, ...both(`Còn hiệu lực ${mmss} (hết hạn lúc ${at})`, `Valid for ${mmss}`));
      } else {
        code.classList.add("expired");
        fill(text, el("b", {}, "Mã đã hết hạn — hãy cấp mã mới. "), el("span", { class: "en" }, "Expired: make a new code."));
        clearInterval(countdown);
      }
    };
    clearInterval(countdown);
    tick();
    countdown = setInterval(tick, 1000);
    if (!codeDialog.open) codeDialog.showModal();
  }

  // ---- revoking, after the manager has read what it does ----

  function buildRevokeDialog() {
    document.querySelector("#fleet-revoke-dialog")?.remove();
    const dialog = el("dialog", { id: "fleet-revoke-dialog" },
      el("h2", { id: "fleet-revoke-for" }),
      el("p", {}, "Thiết bị bị ngắt kết nối ngay bây giờ và bị từ chối mỗi lần kết nối lại, cho đến khi được cấp mã đăng ký mới và đăng ký lại. ",
        el("span", { class: "en" }, "The device is disconnected now and refused until it is enrolled again with a new code.")),
      el("p", { class: "error", id: "fleet-revoke-error" }),
      el("div", { class: "row" },
        el("button", { type: "button", id: "fleet-revoke-cancel", onclick: () => dialog.close() }, ...both("Hủy", "Cancel")),
        el("button", { type: "button", class: "danger", id: "fleet-revoke-confirm" }, ...both("Thu hồi", "Revoke"))));
    document.body.append(dialog);
    return dialog;
  }

  function askRevoke(d) {
    fill(revokeDialog.querySelector("#fleet-revoke-for"), ...both(`Thu hồi ${nameOf(d)} (${d.id})?`, "Revoke this device?"));
    revokeDialog.querySelector("#fleet-revoke-error").textContent = "";
    revokeDialog.querySelector("#fleet-revoke-confirm").onclick = async () => {
      try {
        await conn.request("device.revoke", { device: d.id });
      } catch (error) {
        revokeDialog.querySelector("#fleet-revoke-error").textContent = errorText(error);
        return;
      }
      revokeDialog.close();
      say(`Đã thu hồi ${nameOf(d)}: thiết bị đã bị ngắt kết nối. ${d.id} revoked and disconnected.`);
      await load();
    };
    revokeDialog.showModal();
  }

  const loadSoon = debounce(load, 200);
  clearInterval(poller);
  poller = setInterval(() => {
    if (conn.status === "connected") load();
  }, FLEET_POLL_MS);
  load();
  return {
    load,
    onEvent(event) {
      if (event.ev.startsWith("device.")) loadSoon();
    },
  };
}
