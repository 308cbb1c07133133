// Một Cửa Queue — what every page shares: the websocket connection (docs/protocol.md),
// device tokens kept in localStorage, safe DOM building, formatting.

export class RequestError extends Error {
  constructor(code, message, details) {
    super(message || code);
    this.code = code;
    this.details = details || {};
  }
}

// One connection to the queue server, kept up: it says hello (with a device token or a
// ticket code), reconnects with a growing pause (0.5 s doubling to 10 s) and says hello
// again, so the page gets a fresh snapshot after every reconnect.
export class QueueConnection {
  constructor({ hello = {}, onHello = () => {}, onEvent = () => {}, onStatus = () => {}, onFatal = () => {} }) {
    this.hello = hello;
    this.onHello = onHello;
    this.onEvent = onEvent;
    this.onStatus = onStatus;
    this.onFatal = onFatal;
    this.status = "connecting";
    this.pending = new Map();
    this.nextId = 1;
    this.delay = 500;
    this.stopped = false;
    this.ws = null;
  }

  start() {
    this.connect();
    return this;
  }

  stop() {
    this.stopped = true;
    if (this.ws) this.ws.close();
  }

  connect() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const ws = new WebSocket(`${scheme}://${location.host}/`);
    this.ws = ws;
    this.setStatus("connecting");
    ws.onopen = async () => {
      try {
        const reply = await this.request("hello", this.hello);
        this.delay = 500;
        this.setStatus("connected");
        await this.onHello(reply);
      } catch (error) {
        // refusals that saying hello again cannot mend (a revoked device is refused for good)
        if (["bad_token", "bad_field", "device_revoked", "enrol_wrong_role"].includes(error.code)) {
          this.stopped = true;
          this.onFatal(error);
          ws.close();
        }
      }
    };
    ws.onmessage = (message) => {
      let data;
      try {
        data = JSON.parse(message.data);
      } catch {
        return;
      }
      if (data.ev) {
        this.onEvent(data);
      } else if (this.pending.has(data.re)) {
        const { resolve, reject } = this.pending.get(data.re);
        this.pending.delete(data.re);
        if (data.ok) resolve(data);
        else reject(new RequestError(data.error.code, data.error.message, data.error.details));
      }
    };
    ws.onclose = () => {
      for (const { reject } of this.pending.values()) reject(new RequestError("not_connected", "Not connected."));
      this.pending.clear();
      if (this.ws !== ws) return;
      // stopped (a fatal answer, or stop()): nothing is retried, so never "retrying"
      this.setStatus(this.stopped ? "stopped" : "disconnected");
      if (!this.stopped) {
        setTimeout(() => this.connect(), this.delay * (0.8 + Math.random() * 0.4));
        this.delay = Math.min(this.delay * 2, 10000);
      }
    };
  }

  setStatus(status) {
    if (status !== this.status) {
      this.status = status;
      this.onStatus(status);
    }
  }

  // Send one request; resolves to the reply, rejects with a RequestError.
  request(op, fields = {}) {
    return new Promise((resolve, reject) => {
      if (!this.ws || this.ws.readyState !== WebSocket.OPEN) {
        reject(new RequestError("not_connected", "Not connected."));
        return;
      }
      const id = this.nextId++;
      this.pending.set(id, { resolve, reject });
      this.ws.send(JSON.stringify({ id, op, ...fields }));
      setTimeout(() => {
        if (this.pending.has(id)) {
          this.pending.delete(id);
          reject(new RequestError("timeout", "Máy chủ không trả lời. No answer from the server."));
        }
      }, 15000);
    });
  }
}

// ---- device tokens: entered once by the installer, kept in this browser's localStorage ----

export function deviceParam(fallback = "") {
  const value = new URLSearchParams(location.search).get("device") || fallback;
  return /^[A-Za-z0-9._-]{1,64}$/.test(value) ? value : "";
}

export function storedToken(device) {
  return localStorage.getItem(`motcua.token.${device}`);
}

export function storeToken(device, token) {
  localStorage.setItem(`motcua.token.${device}`, token);
}

export function forgetToken(device) {
  localStorage.removeItem(`motcua.token.${device}`);
}

// The installer's form: asks for the device token once, then calls done(token).
export function tokenForm(container, device, message, done) {
  const input = el("input", { type: "password", id: "device-token", autocomplete: "off", "aria-label": "Mã thiết bị" });
  const error = el("p", { class: "error", id: "token-error" }, message || "");
  const form = el(
    "form",
    { class: "card setup", id: "token-form" },
    el("h1", {}, "Cài đặt thiết bị ", el("span", { class: "en" }, "Device set-up")),
    el("p", {}, "Thiết bị: ", el("b", {}, device || "—")),
    el("p", {}, "Nhập mã thiết bị (token) trong tệp cấu hình của trung tâm. Mã được lưu trên trình duyệt này."),
    el("label", { for: "device-token" }, "Mã thiết bị ", el("span", { class: "en" }, "Device token")),
    input,
    error,
    el("button", { type: "submit", class: "big primary", id: "token-save" }, "Lưu ", el("span", { class: "en" }, "Save")),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const token = input.value.trim();
    if (!token) {
      error.textContent = "Hãy nhập mã thiết bị. Enter the device token.";
      return;
    }
    storeToken(device, token);
    done(token);
  });
  container.replaceChildren(form);
  input.focus();
}

// ---- DOM and formatting ----

// el("p", {class: "x"}, "text", child…): text is always text, never HTML.
// An element of class "en" (the English beside the Vietnamese) says it is English (lang="en"),
// for screen readers and translators, unless it names its own language.
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  if (String(attrs.class || "").split(/\s+/).includes("en") && !("lang" in attrs)) node.lang = "en";
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith("on") && typeof value === "function") node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  node.append(...nodes(children));
  return node;
}

// fill(node, child…): node.replaceChildren with el's rules. The DOM's own replaceChildren
// (like append) writes null, undefined and false as the text "null", "undefined", "false";
// here they mean "nothing", so a part drawn only sometimes can be written `cond ? x : null`.
export function fill(node, ...children) {
  node.replaceChildren(...nodes(children));
  return node;
}

function nodes(children) {
  return children.flat()
    .filter((child) => child !== null && child !== undefined && child !== false)
    .map((child) => (child instanceof Node ? child : document.createTextNode(String(child))));
}

// A file the server sent in a reply ({filename, content_type, data: base64}), saved by the browser.
export function saveFile(reply) {
  const bytes = Uint8Array.from(atob(reply.data), (c) => c.charCodeAt(0));
  const url = URL.createObjectURL(new Blob([bytes], { type: reply.content_type }));
  const link = el("a", { href: url, download: reply.filename, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}

export function $(selector) {
  return document.querySelector(selector);
}

// "2026-11-23T09:05:00+07:00" → "09:05" (the site's local time, as the server wrote it)
export function hhmm(iso) {
  return iso ? iso.slice(11, 16) : "—";
}

// "2026-11-23" → "23/11/2026"
export function dmy(iso) {
  if (!iso) return "—";
  const [y, m, d] = iso.slice(0, 10).split("-");
  return `${d}/${m}/${y}`;
}

export function minutes(value) {
  return value === null || value === undefined ? "—" : `${Math.round(value)} phút`;
}

export function number(value, digits = 1) {
  return value === null || value === undefined ? "—" : Number(value).toLocaleString("vi-VN", { maximumFractionDigits: digits });
}

export const STATUS_TEXT = {
  connecting: "Đang kết nối… · Connecting",
  connected: "Đã kết nối · Connected",
  disconnected: "Mất kết nối — đang thử lại · Disconnected, retrying",
  stopped: "Đã ngắt kết nối · Not connected",
};

export function showStatus(node, status) {
  node.textContent = STATUS_TEXT[status] || status;
  node.className = `status ${status}`;
}

// Run fn at most once per `wait` ms, after the last call (refreshes after bursts of events).
export function debounce(fn, wait) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), wait);
  };
}

export function errorText(error) {
  const known = {
    not_connected: "Mất kết nối với máy chủ; đang kết nối lại.",
    bad_pin: "Tên đăng nhập hoặc mã PIN không đúng.",
    pin_locked: "Nhập sai quá nhiều lần; vui lòng chờ rồi thử lại.",
    queue_empty: "Không còn ai chờ.",
    counter_busy: "Hãy kết thúc số hiện tại trước.",
    counter_not_open: "Quầy chưa mở.",
    counter_idle: "Quầy không có số nào đang phục vụ.",
    session_expired: "Phiên làm việc đã hết hạn; vui lòng đăng nhập lại.",
    sign_in_required: "Vui lòng đăng nhập.",
    forbidden: "Không được phép.",
    rate_limited: "Thao tác quá nhanh; vui lòng chờ giây lát.",
    rating_duplicate: "Số này đã được đánh giá.",
    rating_closed: "Đã hết thời gian đánh giá.",
    slot_full: "Khung giờ này đã kín chỗ.",
    card_invalid: "Số căn cước gồm 12 chữ số, in trên thẻ.",
    store_unavailable: "Máy chủ không ghi được dữ liệu; chưa có gì thay đổi.",
    booking_unknown: "Không có lịch hẹn nào với mã này. Vui lòng xem lại mã trên giấy hẹn hoặc hỏi cán bộ hướng dẫn.",
    booking_cancelled: "Lịch hẹn này đã bị hủy.",
    booking_used: "Lịch hẹn này đã được dùng để lấy số.",
    booking_wrong_day: "Lịch hẹn này không phải của hôm nay.",
    booking_too_early: "Chưa đến giờ làm thủ tục cho lịch hẹn này.",
    ticket_unknown: "Không tìm thấy số này hôm nay.",
    service_unknown: "Không có lĩnh vực này.",
    service_closed: "Lĩnh vực này hiện không nhận số.",
    service_full: "Lĩnh vực này đã hết số hôm nay.",
    slot_invalid: "Khung giờ này không đặt được.",
    code_invalid: "Mã không đúng.",
    bad_field: "Thông tin chưa đúng.",
    missing_field: "Còn thiếu thông tin.",
    consent_required: "Vui lòng đánh dấu đồng ý trước.",
    notifications_off: "Trung tâm chưa gửi tin nhắn.",
    remote_off: "Trung tâm chưa cho lấy số qua điện thoại.",
    rejoin_closed: "Đã hết thời gian xếp hàng lại.",
    return_limit: "Số này đã quay lại hàng chờ đủ số lần cho phép.",
    internal_error: "Máy chủ gặp lỗi; vui lòng thử lại.",
  };
  if (error.code === "not_connected" || error.code === "timeout") return `${known.not_connected} ${error.message}`;
  // Vietnamese first on every page: a refusal without its own text still opens in Vietnamese,
  // the server's message (often English) after it
  const vi = known[error.code] || "Chưa thực hiện được yêu cầu.";
  const message = error.message || error.code || "";
  return message ? `${vi} · ${message}` : vi;
}
