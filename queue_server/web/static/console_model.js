// The officer console's model of its counter (docs/web.md): the last counter.status reply,
// brought up to date by the server's events and the officer's own replies. No DOM here:
// each change says which parts of the page to draw again, and whether counter.status must be
// asked again for what the event does not carry. console.js draws; console_view.js is the DOM.

export const WAITING_ROWS = 30; // rows of the waiting list drawn: about what fits the screen

export const SHOWN = 1; // the event changed the page; `draw` lists what to draw again
export const ASK = 2; // the event says something changed that only counter.status tells in full

// The parts of the page: "counter" (the header's badge), "current", "actions", "waiting",
// "tally"; "work" is current, actions and waiting.

// Bring `status` up to date with one event: {outcome: 0, SHOWN or ASK, draw: [parts…]}.
// Applying an event the model already reflects changes nothing (each change is keyed on the
// ticket it names). `acting`: the officer's own requests are awaiting their reply.
export function apply(status, event, acting) {
  const me = status.counter.number;
  const current = status.current;
  const isCurrent = current !== null && current.id === event.ticket;
  switch (event.ev) {
    case "ticket.called": {
      const row = takeWaiting(status, event.ticket);
      if (event.counter === me && !isCurrent) {
        status.current = calledFrom(status, event, row);
        status.tally.called += 1;
        return refill(status, { outcome: acting ? SHOWN : ASK, draw: ["work"] }, row); // called by another screen of this counter: fetch the details
      }
      return refill(status, row ? { outcome: SHOWN, draw: ["waiting"] } : nothing(), row);
    }
    case "ticket.recalled":
    case "ticket.serving":
      if (!isCurrent) return nothing();
      if (event.ev === "ticket.recalled") current.recalls = event.recalls;
      else current.state = "serving";
      return { outcome: SHOWN, draw: ["current", "actions"] };
    case "ticket.no_show":
    case "ticket.completed":
    case "ticket.transferred":
    case "ticket.cancelled": {
      const row = takeWaiting(status, event.ticket); // a waiting ticket cancelled
      let change = row ? { outcome: SHOWN, draw: [] } : nothing();
      if (isCurrent) {
        status.current = null;
        const counted = { "ticket.no_show": "no_show", "ticket.completed": "served", "ticket.transferred": "transferred" }[event.ev];
        if (counted) status.tally[counted] += 1;
        change = { outcome: event.ev === "ticket.completed" ? ASK : SHOWN, draw: ["work", "tally"] }; // the average service time
      } else if (row) {
        change.draw = ["waiting"];
      }
      if (event.ev === "ticket.transferred" && (event.to_counter === me || serves(status, event.to_service))) change.outcome = ASK; // a new row here
      return isCurrent ? change : refill(status, change, row);
    }
    case "ticket.issued":
      return serves(status, event.service) ? { outcome: ASK, draw: [] } : nothing(); // its place in the list: counter.status
    case "ticket.returned":
    case "day.opened":
      return { outcome: ASK, draw: [] };
    case "counter.changed":
      if (event.counter !== me) {
        const other = status.targets.counters.find((c) => c.number === event.counter);
        if (other) other.state = event.state;
        return nothing();
      }
      if ((event.officer || null) !== (status.officer ? status.officer.user : null)) return { outcome: ASK, draw: [] }; // signed in or out
      status.counter.state = event.state;
      status.counter.pause_reason = event.state === "paused" ? event.reason || null : null;
      return { outcome: SHOWN, draw: ["counter", "actions", "waiting"] };
    case "rating.recorded":
      return event.counter === me ? { outcome: ASK, draw: [] } : nothing();
    case "alarm.wait_exceeded": {
      const at = status.waiting.findIndex((w) => w.ticket === event.ticket);
      if (at < 0) return nothing();
      status.waiting[at].waited_minutes = Math.max(status.waiting[at].waited_minutes, event.waited_minutes);
      return { outcome: SHOWN, draw: at < WAITING_ROWS ? ["waiting"] : [] };
    }
    default:
      return nothing();
  }
}

function nothing() {
  return { outcome: 0, draw: [] };
}

// The model follows the reply of one of the officer's actions (its events came just before);
// the parts to draw again.
export function took(status, reply) {
  const ticket = reply.ticket;
  const draw = [];
  if (reply.counter) {
    status.counter = { ...status.counter, ...reply.counter };
    draw.push("counter");
  }
  if (ticket && (ticket.state === "called" || ticket.state === "serving") && ticket.counter === status.counter.number) {
    takeWaiting(status, ticket.id);
    status.current = { ...ticket, waited_minutes: minutesBetween(ticket.arrival_at, ticket.called_at) };
  } else if (ticket && status.current && (status.current.id === ticket.id || status.current.id === reply.transferred_from)) {
    status.current = null;
  }
  draw.push("work");
  return draw;
}

function takeWaiting(status, id) {
  const at = status.waiting.findIndex((w) => w.ticket === id);
  if (at < 0) return null;
  if (status.waiting_count !== undefined) status.waiting_count -= 1;
  return status.waiting.splice(at, 1)[0];
}

// counter.status sends the first rows of a long list and the count of all (waiting_count):
// the rows beyond are not here, so a ticket not found may have been one of them.
export function partial(status) {
  return status.waiting_count !== undefined && status.waiting_count > status.waiting.length;
}

// Ask counter.status again when a partial list runs short of the rows drawn, or when an event
// names a waiting ticket this list may have left out.
function refill(status, change, row) {
  if (partial(status) && (!row || status.waiting.length < WAITING_ROWS)) change.outcome = ASK;
  return change;
}

// The current ticket as far as its ticket.called event and its row in the list tell.
function calledFrom(status, event, row) {
  return {
    id: event.ticket,
    label: event.label,
    service: event.service,
    service_name_vi: serviceName(status, event.service),
    state: "called",
    priority: event.priority !== undefined ? event.priority : row ? row.priority : null,
    arrival_at: row ? row.arrival_at : null,
    called_at: event.at,
    recalls: 0,
    slot_start: null,
    waited_minutes: row ? minutesBetween(row.arrival_at, event.at) : null,
  };
}

function minutesBetween(from, to) {
  const ms = (iso) => Date.parse(iso.replace(/(\.\d{3})\d+/, "$1"));
  return from && to ? Math.max(0, Math.floor((ms(to) - ms(from)) / 60000)) : null;
}

function serves(status, service) {
  return !!service && status.counter.services.includes(service);
}

export function serviceName(status, code) {
  const s = status.targets.services.find((x) => x.code === code);
  return s ? s.name_vi : code;
}
