// A citizen's phone following one dossier: /d/CODE, opened from the receipt's QR code.
// Where the dossier is, in plain Vietnamese: who has it, how many working days are left or
// how late it is, its steps; when the result is ready, where to collect it (the page asks
// again every 30 s and alerts once when the result becomes ready). docs/dossiers.md.
// Only with the link's check (?k=…, on the receipt's QR code and the kiosk's slip); a typed
// code alone shows a form for the last 4 digits of the applicant's ID number (docs/web.md).
import { $, dmy, el } from "/static/mc.js";

const code = decodeURIComponent((location.pathname.split("/d/")[1] || "").split("/")[0]);
const main = $("#main");
const params = new URLSearchParams(location.search);
const check = params.get("k") || "";
// every 30 s; ?every=N (2–300 seconds) for a kiosk-side screen or a test
const asked = Number(params.get("every"));
const EVERY_MS = (asked >= 2 && asked <= 300 ? asked : 30) * 1000;
let lastStatus = null;

const STATUS_VI = {
  received: ["Đã tiếp nhận hồ sơ", "Received"],
  processing: ["Đang xử lý", "Being processed"],
  supplement: ["Cần bổ sung giấy tờ", "Documents to add"],
  ready: ["Đã có kết quả", "Result ready"],
  collected: ["Đã trả kết quả", "Result collected"],
  returned: ["Hồ sơ được trả lại", "Returned"],
  overdue: ["Đang xử lý (quá hạn)", "Late"],
};

async function load() {
  let reply;
  try {
    const response = await fetch(`/d/${encodeURIComponent(code)}/status.json?k=${encodeURIComponent(check)}`, { cache: "no-store" });
    reply = await response.json();
  } catch {
    showOffline();
    return;
  }
  $("#status").hidden = true;
  if (!reply.ok && reply.error.code === "dossier_check_required") {
    askDigits();
    return;
  }
  if (!reply.ok) {
    showError(reply.error);
    return;
  }
  render(reply.dossier);
}

// A typed code: nothing about the dossier, only a form for what the applicant alone has.
function askDigits() {
  clearInterval(timer);
  if ($("#factor-form")) return;
  const input = el("input", { id: "digits", inputmode: "numeric", autocomplete: "off", maxlength: "4", pattern: "[0-9]{4}", required: "" });
  const form = el("form", { id: "factor-form", class: "card" },
    el("h1", {}, "Tra cứu hồ sơ ", el("span", { class: "en" }, "Follow a dossier")),
    el("p", {}, `Mã hồ sơ: ${code}`),
    el("label", { for: "digits" }, "Nhập 4 số cuối của số căn cước (CCCD) của người nộp hồ sơ ",
      el("span", { class: "en" }, "The last 4 digits of the applicant's ID number")),
    input,
    el("button", { id: "factor-send", type: "submit", class: "primary" }, "Xem hồ sơ ", el("span", { class: "en" }, "Show")),
    el("p", { id: "factor-error", class: "error", role: "alert" }),
    el("p", {}, "Hoặc quét mã QR trên giấy biên nhận. ", el("span", { class: "en" }, "Or scan the QR code on the receipt.")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    unlock(input.value.trim());
  });
  main.replaceChildren(form);
  input.focus();
}

async function unlock(digits) {
  const error = $("#factor-error");
  let reply;
  try {
    const response = await fetch(`/d/${encodeURIComponent(code)}/unlock.json?digits=${encodeURIComponent(digits)}`, { cache: "no-store" });
    reply = await response.json();
  } catch {
    error.textContent = "Mất kết nối, vui lòng thử lại. Offline, please retry.";
    return;
  }
  if (reply.ok) {
    location.replace(reply.url);
    return;
  }
  const minutes = Math.max(1, Math.ceil((reply.error.retry_after || 60) / 60));
  error.textContent = {
    dossier_factor_wrong: "Mã hồ sơ hoặc 4 số cuối căn cước không đúng. Vui lòng kiểm tra lại giấy biên nhận. · The code and the digits do not match.",
    dossier_factor_budget: `Ông/bà đã nhập sai quá nhiều lần. Vui lòng thử lại sau ${minutes} phút hoặc hỏi cán bộ hướng dẫn. · Too many wrong tries.`,
    dossier_invalid: "Vui lòng nhập đúng 4 chữ số. · Please type 4 digits.",
  }[reply.error.code] || reply.error.message;
  error.dataset.code = reply.error.code;
  const form = $("#factor-form");
  form.dataset.answered = String(Number(form.dataset.answered || 0) + 1);  // tests wait on it
}

function showOffline() {
  const node = $("#status");
  node.textContent = "Mất kết nối — đang thử lại · Offline, retrying";
  node.hidden = false;
}

function showError(error) {
  const texts = {
    dossier_unknown: ["Không tìm thấy hồ sơ này", "Vui lòng kiểm tra mã trên giấy biên nhận hoặc hỏi cán bộ hướng dẫn.", "No dossier has this code."],
    dossier_invalid: ["Mã hồ sơ không hợp lệ", "Mã trên giấy biên nhận gồm chữ, số và các dấu . - /.", "This is not a dossier code."],
    dossier_source_failed: ["Chưa tra cứu được hồ sơ", "Hệ thống một cửa điện tử đang không trả lời. Trang sẽ tự thử lại.", "The one-stop system is not answering; retrying."],
  }[error.code] || ["Chưa tra cứu được hồ sơ", error.message, ""];
  main.replaceChildren(el("div", { class: "card", id: "unknown", "data-code": error.code },
    el("h1", {}, texts[0]), el("p", {}, texts[1]), el("p", { class: "en" }, texts[2]), el("p", {}, `Mã hồ sơ: ${code}`)));
}

// The sentence about the due date: days left, due today, or how late.
function dueText(d) {
  const s = d.standing;
  if (!d.due_date) return null;
  const day = dmy(d.due_date);
  if (s.progress === "overdue") {
    return s.days_late ? [`Đã quá hạn ${s.days_late} ngày làm việc (hẹn trả ${day}).`, `${s.days_late} working day(s) late.`]
      : [`Đã quá ngày hẹn trả (${day}).`, "Past its due date."];
  }
  if (s.progress === "in_time" || s.progress === "due_soon") {
    return s.days_left === 0 ? [`Hẹn trả kết quả hôm nay, ${day}.`, "Due today."]
      : [`Hẹn trả ngày ${day} — còn ${s.days_left} ngày làm việc.`, `${s.days_left} working day(s) left.`];
  }
  if (s.progress === "done_late") return [`Hẹn trả ngày ${day}; kết quả có trễ ${s.days_late} ngày làm việc.`, "Finished late."];
  return [`Hẹn trả ngày ${day}.`, ""];
}

function whereText(d) {
  if (d.status === "ready") return [d.collect_at ? `Mời ông/bà đến nhận kết quả tại ${d.collect_at}.` : "Mời ông/bà đến bộ phận một cửa nhận kết quả.",
    "Please collect your result. At the kiosk, scan your receipt to get a pick-up number."];
  if (d.status === "collected") return ["Kết quả đã được trả.", "The result was collected."];
  if (d.status === "returned") {
    const last = d.steps.length ? d.steps[d.steps.length - 1] : null;
    return [`Hồ sơ được trả lại${last && last.note ? `: ${last.note}` : ""}. Vui lòng liên hệ bộ phận một cửa.`, "The dossier was returned; please ask at the desk."];
  }
  if (d.status === "supplement") return [`${d.department || "Cơ quan giải quyết"} đề nghị bổ sung giấy tờ. Vui lòng liên hệ bộ phận một cửa.`, "Documents are to be added."];
  if (d.department) return [`Hồ sơ đang ở ${d.department}${d.officer ? `, cán bộ ${d.officer}` : ""}.`, "Where it is now."];
  return null;
}

function render(d) {
  const [vi, en] = STATUS_VI[d.status] || [d.status, ""];
  const progress = d.standing.progress;
  const tone = d.status === "ready" ? "ready" : progress === "overdue" ? "late" : progress === "due_soon" ? "soon" : "";
  const where = whereText(d);
  const due = dueText(d);
  const parts = [
    el("p", { class: "dossier-code" }, "Mã hồ sơ ", el("b", { id: "dossier-code" }, d.code)),
    d.procedure ? el("p", { class: "service", id: "procedure" }, d.procedure) : null,
    el("div", { class: `card dossier-state ${tone}`, id: "state", role: d.status === "ready" ? "alert" : null },
      el("h1", { id: "state-text" }, vi, " ", el("span", { class: "en" }, en)),
      where ? el("p", { id: "where" }, where[0], " ", el("span", { class: "en" }, where[1])) : null,
      due ? el("p", { id: "due" }, due[0], " ", el("span", { class: "en" }, due[1])) : null),
  ];
  if (d.steps.length) {
    parts.push(el("div", { class: "card" }, el("h2", {}, "Quá trình xử lý ", el("span", { class: "en" }, "Steps")),
      el("ol", { id: "steps", class: "steps" }, d.steps.map((s) => el("li", {},
        el("b", {}, dmy(s.at)), " ", (STATUS_VI[s.status] || [s.status])[0], s.unit ? ` — ${s.unit}` : "", s.note ? ` (${s.note})` : "")))));
  }
  parts.push(el("p", { class: "hint" }, "Trang tự cập nhật. ", el("span", { class: "en" }, "This page updates itself.")));
  main.replaceChildren(...parts.filter(Boolean));
  if (d.status === "ready" && lastStatus !== null && lastStatus !== "ready") {
    document.title = "ĐÃ CÓ KẾT QUẢ – Một Cửa";
    if (navigator.vibrate) navigator.vibrate([300, 150, 300]);
  }
  lastStatus = d.status;
}

const timer = setInterval(load, EVERY_MS);
load();
