// The officer console's drawing (docs/web.md): each part of the working page drawn from the
// model (console_model.js) into the elements buildWork() of console.js made. No state here.
import { $, el, fill, hhmm, number } from "/static/mc.js";
import { WAITING_ROWS, serviceName } from "/static/console_model.js";

const STATE_VI = { waiting: "Đang chờ", called: "Đã gọi", serving: "Đang phục vụ", done: "Hoàn thành" };
const COUNTER_VI = { open: "Đang mở", paused: "Tạm dừng", closed: "Đóng" };
const IDLE_VI = {
  open: "Chưa gọi số nào. Nhấn “Gọi số tiếp theo”.",
  paused: "Quầy đang tạm dừng. Nhấn “Mở quầy” để gọi tiếp.",
  closed: "Quầy chưa mở. Nhấn “Mở quầy”.",
};

// Draw `parts` again ("counter", "current", "actions", "waiting", "tally"; "work" is the
// called ticket first, it is what the officer waits to see, then actions and the list).
// `onCall(row)`: a row's Gọi button; `pauseReasons`: the site's (code, name_vi, name_en);
// `feeOf(ticket)`: the box drawn under the current ticket's facts (its fee, fee.js), or null.
export function draw(status, parts, onCall, pauseReasons = [], feeOf = () => null) {
  for (const part of parts) {
    if (part === "work") {
      drawCurrent(status, feeOf);
      drawActions(status);
      drawWaiting(status, onCall);
    } else if (part === "counter") drawCounter(status, pauseReasons);
    else if (part === "current") drawCurrent(status, feeOf);
    else if (part === "actions") drawActions(status);
    else if (part === "waiting") drawWaiting(status, onCall);
    else if (part === "tally") drawTally(status);
  }
}

// The counter's name and state; while paused, the reason the officer picked.
export function drawCounter(status, pauseReasons = []) {
  const state = status.counter.state;
  const code = state === "paused" ? status.counter.pause_reason : null;
  const reason = code ? pauseReasons.find((r) => r.code === code) : null;
  fill($("#counter-name"), status.counter.name, " ",
    el("span", { class: "badge " + state, id: "counter-state" }, COUNTER_VI[state], reason ? ` – ${reason.name_vi}` : null));
  document.title = `${status.counter.name} – Một Cửa`;
}

function drawCurrent(status, feeOf) {
  const t = status.current;
  fill($("#current"),
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
        t.dossier ? [el("dt", {}, "Nhận kết quả hồ sơ"), el("dd", { id: "current-dossier" }, el("b", {}, t.dossier))] : null,
      ),
      feeOf(t),
    ) : el("div", { class: "idle", id: "current-label" }, IDLE_VI[status.counter.state]),
  );
}

function drawActions(status) {
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
function drawWaiting(status, onCall) {
  const waiting = status.waiting;
  const shown = waiting.slice(0, WAITING_ROWS);
  const callable = status.counter.state === "open" && !status.current;
  const rows = shown.map((w) => el("tr", { class: w.waited_minutes >= 30 ? "late" : "" },
    el("td", {}, el("b", {}, w.label)),
    el("td", {}, serviceName(status, w.service)),
    el("td", { class: "num" }, `${w.waited_minutes}′`),
    el("td", {}, w.priority ? el("span", { class: "badge prio" }, status.priorities[w.priority] || w.priority) : "", w.appointment ? el("span", { class: "badge" }, "Hẹn") : ""),
    el("td", {}, el("button", { onclick: () => onCall(w), disabled: !callable, "data-label": w.label }, "Gọi")),
  ));
  const count = status.waiting_count !== undefined ? status.waiting_count : waiting.length; // the list may hold only the first rows
  const more = count - shown.length;
  fill($("#waiting"),
    el("h2", {}, `Đang chờ (${number(count, 0)}) `, el("span", { class: "en" }, "Waiting")),
    shown.length
      ? el("table", {}, el("thead", {}, el("tr", {}, el("th", {}, "Số"), el("th", {}, "Lĩnh vực"), el("th", { class: "num" }, "Chờ"), el("th", {}, ""), el("th", {}, ""))), el("tbody", {}, rows))
      : el("p", {}, "Không có ai đang chờ."),
    more > 0
      ? el("p", { class: "more", id: "waiting-more" }, `… và ${number(more, 0)} số khác đang chờ. Gọi số bất kỳ: phím G. `,
        el("span", { class: "en" }, `and ${more.toLocaleString("en-GB")} more waiting; G calls any number`))
      : null,
  );
}

function drawTally(status) {
  const tally = status.tally;
  fill($("#tally"),
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

export function button(id, vi, en, key, onclick, kind = "") {
  return el("button", { id, class: `big ${kind}`, onclick, "data-key": key || "" },
    vi, " ", el("span", { class: "en" }, en), key ? el("span", { class: "key" }, key) : null);
}
