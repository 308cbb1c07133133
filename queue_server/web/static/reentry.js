// A re-entry code's page: /r/CODE (the link in the SMS of a dossier marked "cần bổ sung"):
// its QR code, to show to the kiosk's scanner, and the code written out. The server serves this
// page for any code of the right form (it says nothing of whether the code is known) and draws
// /r/CODE/qr.svg only for a live code.
import { $, el } from "/static/mc.js";

const code = (location.pathname.split("/r/")[1] || "").split("/")[0];

// "ABCD2345EFGH" → "ABCD-2345-EFGH", as the server writes it (codes.format_reentry_code)
export function formatCode(text) {
  return text.match(/.{1,4}/g)?.join("-") ?? "";
}

$("#reentry-qr-box").replaceChildren(
  el("img", { id: "reentry-qr", src: `/r/${code}/qr.svg`, alt: "Mã QR quay lại", width: "280", height: "280" }));
$("#reentry-code").textContent = formatCode(code);
