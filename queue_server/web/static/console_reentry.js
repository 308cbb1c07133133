// The officer console's "Cần bổ sung" box: the current citizen's dossier is marked as missing
// papers with a note (reentry.mark); the citizen gets a re-entry code on the counter's printer
// and/or by SMS/Zalo to the phone they give, and scanned at the kiosk within the centre's working
// days it brings them back ahead of the plain queue. docs/web.md "Cần bổ sung".
import { el, errorText } from "/static/mc.js";

// What the officer typed and what the server answered, by ticket id: the console redraws the
// current ticket at every event, and neither may be lost when it does.
const typed = new Map();
const answered = new Map();

const ERRORS = {
  note_required: "Hãy ghi giấy tờ còn thiếu.",
  consent_required: "Công dân cần đồng ý nhận tin nhắn và cho lưu số điện thoại.",
  notifications_off: "Trung tâm không gửi tin nhắn (hoặc Zalo chưa có mẫu tin cho mã quay lại): hãy in phiếu.",
  text_too_long: "Ghi chú quá dài.",
};

// conn: the console's QueueConnection; ticket: counter.status's current ticket.
export function reentryBox(conn, ticket) {
  const values = typed.get(ticket.id) || { open: false, note: "", dossier: "", phone: "", consent: false, print: true };
  typed.set(ticket.id, values);
  const box = el("div", { class: "reentry", id: "reentry" });
  const result = el("p", { id: "reentry-result", role: "status" });
  const done = answered.get(ticket.id);
  if (done) result.replaceChildren(...said(done));

  const opener = el("button", { id: "reentry-open", type: "button" },
    "Cần bổ sung hồ sơ ", el("span", { class: "en" }, "Papers missing"));
  const note = el("textarea", { id: "reentry-note", rows: 2, maxlength: 300, "aria-label": "Giấy tờ còn thiếu",
    placeholder: "Giấy tờ còn thiếu (bắt buộc)" });
  const dossier = el("input", { id: "reentry-dossier", maxlength: 40, "aria-label": "Mã hồ sơ", placeholder: "Mã hồ sơ (nếu có)" });
  const phone = el("input", { id: "reentry-phone", maxlength: 30, inputmode: "tel", "aria-label": "Số điện thoại",
    placeholder: "Số điện thoại nhận mã (nếu có)" });
  const consent = el("input", { id: "reentry-consent", type: "checkbox" });
  const print = el("input", { id: "reentry-print", type: "checkbox" });
  note.value = values.note; dossier.value = values.dossier; phone.value = values.phone;
  consent.checked = values.consent; print.checked = values.print;
  for (const [input, key] of [[note, "note"], [dossier, "dossier"], [phone, "phone"]]) {
    input.addEventListener("input", () => { values[key] = input.value; });
  }
  consent.addEventListener("change", () => { values.consent = consent.checked; });
  print.addEventListener("change", () => { values.print = print.checked; });

  const mark = el("button", { id: "reentry-mark", type: "button", class: "primary" },
    "Cấp mã quay lại ", el("span", { class: "en" }, "Give a re-entry code"));
  mark.addEventListener("click", async () => {
    const args = { ticket: ticket.id, note: note.value, print: print.checked };
    if (dossier.value.trim()) args.dossier = dossier.value.trim();
    if (phone.value.trim()) Object.assign(args, { phone: phone.value.trim(), consent: consent.checked });
    mark.disabled = true;
    try {
      const reply = await conn.request("reentry.mark", args);
      answered.set(ticket.id, reply);
      result.replaceChildren(...said(reply));
    } catch (error) {
      result.textContent = ERRORS[error.code] || errorText(error);
    } finally {
      mark.disabled = false;
    }
  });

  const form = el("div", { id: "reentry-form", hidden: !values.open },
    note, " ", dossier, " ", phone, " ",
    el("label", {}, consent, " Đồng ý nhận tin nhắn"), " ",
    el("label", {}, print, " In phiếu"), " ", mark);
  opener.addEventListener("click", () => { values.open = !values.open; form.hidden = !values.open; });
  box.replaceChildren(opener, form, result);
  return box;
}

// The answer in words: the code (to read out when there is no paper), its last day, the paper, the SMS.
function said(reply) {
  const r = reply.reentry;
  const parts = [
    "Đã ghi hồ sơ cần bổ sung. Mã quay lại ", el("b", { id: "reentry-code" }, r.code),
    `, dùng đến hết ${r.valid_until_text}. `,
  ];
  parts.push(reply.printed ? "Đã in phiếu. " : `${reply.print_error || "Không in phiếu."} `);
  if (reply.sent_to) parts.push(`Đã gửi tin nhắn đến ${reply.sent_to}.`);
  return parts;
}
