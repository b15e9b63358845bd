// The profile's line chart: an area's measure over every published period beside its district and
// the county. A withheld value is never a zero and never a silent gap: its period is hatched as
// withheld areas are on the map, and a marker in the "withheld" lane above the plot says whose it was.
import { el, hatchPattern, number, scale, yAxis } from "./svg.js";

/** The lines drawn: key in each series point, words, colour (Dark2: colour-blind safe), marker, dash. */
export const LINES = [
  { key: "area", colour: "#1b6ca8", marker: "circle", dash: "" },
  { key: "district", colour: "#d95f02", marker: "square", dash: "6 3" },
  { key: "county", colour: "#5b4fa0", marker: "triangle", dash: "2 3" },
];
const W = 660, H = 300, BOX = { left: 60, right: 645, top: 44, bottom: 238 };

function marker(shape, x, y, colour, hollow = false) {
  const fill = hollow ? "#fff" : colour, common = { fill, stroke: colour, "stroke-width": 1.5 };
  if (shape === "square") return el("rect", { x: x - 3.5, y: y - 3.5, width: 7, height: 7, ...common });
  if (shape === "triangle") return el("path", { d: `M${x},${y - 4.5}L${x + 4.5},${y + 3.5}L${x - 4.5},${y + 3.5}Z`, ...common });
  return el("circle", { cx: x, cy: y, r: 3.8, ...common });
}

/** What a point of one line holds: "value", "withheld" or "none" (no data, or not on this line). */
export function status(cell) {
  if (!cell) return "none";
  return cell.suppressed ? "withheld" : "value";
}

/** The chart, as an <svg>: ``names`` labels the lines (area, district and county names). */
export function lineChart(series, measure, names, special, unit) {
  const svg = el("svg", { viewBox: `0 0 ${W} ${H}`, class: "line-chart", role: "img",
    "aria-label": `${names.area} over ${series.length} periods; the table below gives the same numbers` });
  const defs = el("defs");
  svg.append(defs);
  const hatch = hatchPattern(defs, special, "profile-hatch");
  const lines = LINES.filter((l) => names[l.key] && series.some((p) => p[l.key]));
  const value = (p, l) => (status(p[l.key]) === "value" ? p[l.key][measure] : null);
  const values = lines.flatMap((l) => series.map((p) => value(p, l))).filter((v) => v != null);
  const slot = (BOX.right - BOX.left) / Math.max(1, series.length);
  const x = scale(0, series.length - 1 || 1, BOX.left + slot / 2, BOX.right - slot / 2);
  series.forEach((p, i) => {                  // the area's withheld periods first, under everything else
    if (status(p.area) !== "withheld") return;
    const band = el("rect", { x: x(i) - slot / 2, y: BOX.top, width: slot, height: BOX.bottom - BOX.top,
      fill: hatch, opacity: 0.4, class: "withheld-band" });
    band.append(el("title", {}, `${p.label}: ${names.area} withheld (protects privacy)`));
    svg.append(band);
  });
  const y = yAxis(svg, BOX, values, (v) => number(v, 2));
  svg.append(el("text", { x: 8, y: 14, class: "axis-title" }, measure === "rate" ? `Rate ${unit}` : `Count (${unit})`));
  const lane = BOX.top - 14;
  svg.append(el("text", { x: BOX.left - 6, y: lane + 4, "text-anchor": "end", class: "tick lane" }, "withheld"),
    el("line", { x1: BOX.left, x2: BOX.right, y1: lane, y2: lane, class: "lane-line" }));
  const rotate = series.length > 6;
  series.forEach((p, i) => {
    const label = el("text", { x: x(i), y: BOX.bottom + 16, class: "tick", "text-anchor": rotate ? "end" : "middle",
      transform: rotate ? `rotate(-35 ${x(i)} ${BOX.bottom + 16})` : "" }, p.label);
    svg.append(label);
  });
  lines.forEach((l, n) => {
    let d = "", open = false;
    series.forEach((p, i) => {
      const v = value(p, l);
      if (v == null) { open = false; return; }           // a break: the band and the lane say why
      d += `${open ? "L" : "M"}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
      open = true;
    });
    svg.append(el("path", { d, fill: "none", stroke: l.colour, "stroke-width": l.key === "area" ? 2.6 : 1.8,
      "stroke-dasharray": l.dash, class: `line line-${l.key}` }));
    series.forEach((p, i) => {
      const v = value(p, l), held = status(p[l.key]) === "withheld";
      if (v == null && !held) return;
      const dot = held ? marker(l.marker, x(i) + (n - 1) * 6, lane, l.colour, true) : marker(l.marker, x(i), y(v), l.colour);
      dot.setAttribute("class", held ? `withheld-marker marker-${l.key}` : `marker marker-${l.key}`);
      dot.append(el("title", {}, `${p.label}, ${names[l.key]}: ${held ? "withheld (protects privacy)" : number(v, 2)}`));
      svg.append(dot);
    });
  });
  svg.append(el("line", { x1: BOX.left, x2: BOX.right, y1: BOX.bottom, y2: BOX.bottom, class: "axis" }));
  return svg;
}

/** The chart's key: one entry a line, then the withheld hatch and lane marker. */
export function chartKey(list, names) {
  const item = (sample, text) => {
    const li = document.createElement("li");
    li.append(sample, text);
    return li;
  };
  const entries = LINES.filter((l) => names[l.key]).map((l) => {
    const sample = el("svg", { width: 34, height: 12, "aria-hidden": "true" });
    sample.append(el("line", { x1: 1, x2: 33, y1: 6, y2: 6, stroke: l.colour, "stroke-width": 2.2,
      "stroke-dasharray": l.dash }), marker(l.marker, 17, 6, l.colour));
    return item(sample, names[l.key]);
  });
  const swatch = document.createElement("span");
  swatch.className = "swatch hatched";
  const hollow = el("svg", { width: 34, height: 12, "aria-hidden": "true" });
  hollow.append(marker("circle", 17, 6, LINES[0].colour, true));
  list.replaceChildren(...entries, item(swatch, "Withheld (protects privacy): the area's period hatched"),
    item(hollow, "Withheld: hollow marker in the top lane, the line broken there"));
}
