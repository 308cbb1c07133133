// The officer console's fee box: the fee of the counter's current ticket where its field has
// one (fee.qr), and its receipt printed on the counter's printer with the VietQR code a bank
// app pays (fee.print), referenced by the dossier's code when the officer types it. docs/web.md.
import { el, errorText } from "/static/mc.js";

const known = new Map(); // ticket id → its fee, or null: asked once a ticket

// conn: the console's QueueConnection; ticket: counter.status's current ticket.
export function feeBox(conn, ticket) {
  const box = el("div", { class: "fee", id: "fee", hidden: true });
  fill(box, conn, ticket);
  return box;
}

async function fill(box, conn, ticket) {
  let fee = known.get(ticket.id);
  if (fee === undefined) {
    try {
      fee = (await conn.request("fee.qr", { ticket: ticket.id })).fee;
    } catch {
      fee = null; // no fee for this field, or none paid by VietQR here
    }
    known.set(ticket.id, fee);
  }
  if (!fee) return;
  const dossier = el("input", { id: "fee-dossier", maxlength: 25, placeholder: "Mã hồ sơ (nếu có)", "aria-label": "Mã hồ sơ" });
  const result = el("span", { id: "fee-result", role: "status" });
  const print = async () => {
    const args = { ticket: ticket.id };
    if (dossier.value.trim()) args.dossier = dossier.value.trim();
    try {
      const reply = await conn.request("fee.print", args);
      result.textContent = `Đã in phiếu thu phí, nội dung ${reply.fee.reference}.`;
    } catch (error) {
      result.textContent = errorText(error);
    }
  };
  box.replaceChildren(
    el("b", { id: "fee-amount" }, `Phí, lệ phí: ${fee.amount.toLocaleString("vi-VN")} đ`), " ",
    dossier, " ",
    el("button", { id: "fee-print", onclick: print }, "In phiếu thu phí (VietQR) ", el("span", { class: "en" }, "Print fee receipt")),
    " ", result);
  box.hidden = false;
}
