// Small bar charts drawn as inline SVG (no chart library): barChart(values, labels, options).
const NS = "http://www.w3.org/2000/svg";

function svg(tag, attrs = {}, text = null) {
  const node = document.createElementNS(NS, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  if (text !== null) node.textContent = text;
  return node;
}

// values: numbers (null counts as 0); labels: strings under the bars (a "\n" makes two lines);
// colors: one or per bar.
export function barChart(values, labels, { title = "", colors = "#0b4f9c", width = 520, height = 260, unit = "" } = {}) {
  const lines = labels.some((label) => String(label).includes("\n")) ? 2 : 1;
  const top = 44, bottom = 30 + 14 * (lines - 1), left = 40, right = 8;
  const plotW = width - left - right, plotH = height - top - bottom;
  const max = Math.max(1, ...values.map((v) => v || 0));
  const step = niceStep(max);
  const ceiling = Math.ceil(max / step) * step;
  const root = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": title });
  root.append(svg("text", { x: 4, y: 18, class: "title" }, title));
  for (let tick = 0; tick <= ceiling; tick += step) {
    const y = top + plotH - (tick / ceiling) * plotH;
    root.append(svg("line", { x1: left, x2: width - right, y1: y, y2: y, stroke: "#d5dbe3" }));
    root.append(svg("text", { x: left - 6, y: y + 4, "text-anchor": "end" }, String(tick)));
  }
  const slot = plotW / Math.max(values.length, 1);
  const barW = Math.max(2, Math.min(48, slot * 0.7));
  values.forEach((raw, i) => {
    const value = raw || 0;
    const h = (value / ceiling) * plotH;
    const x = left + i * slot + (slot - barW) / 2;
    const color = Array.isArray(colors) ? colors[i % colors.length] : colors;
    const bar = svg("rect", { x, y: top + plotH - h, width: barW, height: Math.max(h, 0), fill: color });
    bar.append(svg("title", {}, `${String(labels[i]).replace("\n", " — ")}: ${value}${unit}`));
    root.append(bar);
    if (value > 0 && slot > 18) root.append(svg("text", { x: x + barW / 2, y: top + plotH - h - 4, "text-anchor": "middle" }, String(value)));
    const every = Math.ceil(values.length / 24);
    if (i % every === 0) {
      // a label of two lines ("officer\nsite"): each line under the other, each cut on its own
      String(labels[i]).split("\n").slice(0, 2).forEach((line, n) => {
        root.append(svg("text", { x: x + barW / 2, y: top + plotH + 16 + 14 * n, "text-anchor": "middle" }, line.length > 16 ? line.slice(0, 15) + "…" : line));
      });
    }
  });
  return root;
}

function niceStep(max) {
  const raw = max / 5;
  const power = 10 ** Math.floor(Math.log10(raw));
  const unit = raw / power;
  return Math.max(1, (unit <= 1 ? 1 : unit <= 2 ? 2 : unit <= 5 ? 5 : 10) * power);
}
