// The officer console's "Hồ sơ của lượt này" box (docs/web.md, "The dossiers of a visit"): the
// codes of the dossiers received or returned at this visit, linked to the current ticket
// (visit.link_dossier) so that the citizen's rating carries them to the procedures system.
// A USB barcode scanner types the receipt's code into the box like a keyboard and presses
// Enter; a code may be typed too, several per visit, and a wrong one removed (visit.unlink_dossier).
// The receipt's QR code (<public_url>/d/CODE?k=…) gives its CODE. Key D puts the cursor in the box.
import { $, el, errorText } from "/static/mc.js";

const linked = new Map(); // ticket id → its dossiers' codes, as the server last said
const drafts = new Map(); // ticket id → what is typed in the box (kept when the part is drawn again)

// "https://…/d/000.00.16.H12-261118-0101?k=AB12" → "000.00.16.H12-261118-0101"; else the text, trimmed.
export function codeFrom(text) {
  const typed = text.trim();
  const found = typed.match(/\/d\/([^/?#]+)/);
  return found ? decodeURIComponent(found[1]) : typed;
}

// conn: the console's QueueConnection; ticket: counter.status's current ticket.
export function dossiersBox(conn, ticket) {
  if (!linked.has(ticket.id)) linked.set(ticket.id, ticket.linked_dossiers || []);
  const focused = document.activeElement && document.activeElement.id === "dossier-code";
  const input = el("input", {
    id: "dossier-code", autocomplete: "off", autocapitalize: "characters", spellcheck: "false", maxlength: "200",
    placeholder: "Quét mã vạch biên nhận hoặc nhập mã hồ sơ (D)", "aria-label": "Mã hồ sơ",
    oninput: () => drafts.set(ticket.id, input.value),
  });
  input.value = drafts.get(ticket.id) || "";
  const list = el("ul", { id: "dossier-list", class: "dossier-list" });
  const result = el("p", { id: "dossier-result", role: "status" });
  const say = (text, error = false) => {
    result.textContent = text;
    result.className = error ? "error" : "notice";
  };
  const show = () => {
    const codes = linked.get(ticket.id);
    list.replaceChildren(...codes.map((code) => el("li", { "data-code": code },
      el("b", {}, code), " ",
      el("button", { type: "button", class: "small", "data-remove": code, onclick: () => remove(code) },
        "Bỏ ", el("span", { class: "en" }, "Remove")))));
    if (!codes.length) list.append(el("li", { class: "none" }, "Chưa gắn hồ sơ nào. ", el("span", { class: "en" }, "No dossier linked.")));
  };
  const remove = async (code) => {
    try {
      const reply = await conn.request("visit.unlink_dossier", { ticket: ticket.id, code });
      linked.set(ticket.id, reply.dossiers);
      show();
      say(`Đã bỏ hồ sơ ${code}.`);
    } catch (error) {
      say(errorText(error), true);
    }
  };
  const form = el("form", { id: "dossier-form", class: "dossiers" },
    el("label", { for: "dossier-code" }, "Hồ sơ của lượt này ", el("span", { class: "en" }, "Dossiers of this visit")),
    input, " ",
    el("button", { type: "submit", id: "dossier-link" }, "Gắn ", el("span", { class: "en" }, "Link")),
    list, result);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const code = codeFrom(input.value);
    if (!code) return;
    try {
      const reply = await conn.request("visit.link_dossier", { ticket: ticket.id, code });
      linked.set(ticket.id, reply.dossiers);
      input.value = "";
      drafts.delete(ticket.id);
      show();
      const stored = reply.dossiers.find((c) => c === code.toUpperCase()) || code;
      say(reply.linked ? `Đã gắn hồ sơ ${stored}.` : `Hồ sơ ${stored} đã gắn rồi.`);
    } catch (error) {
      say(errorText(error), true); // the code stays in the box, to be mended
    }
    input.focus(); // ready for the next scan
  });
  show();
  if (focused) queueMicrotask(() => input.focus());
  return form;
}

// Key D: the cursor into the box (a scan then goes there, not to the console's single-key actions).
document.addEventListener("keydown", (event) => {
  if (event.key.toUpperCase() !== "D" || event.ctrlKey || event.altKey || event.metaKey) return;
  const target = event.target;
  if (target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return;
  if (document.querySelector("dialog[open]")) return;
  const box = $("#dossier-code");
  if (!box) return;
  event.preventDefault();
  box.focus();
});
