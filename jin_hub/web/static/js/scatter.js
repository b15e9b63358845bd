// The compare page's scatter: each area with both values published is a dot in its bivariate
// class colour; withheld areas are not placed (they are listed beside it instead).
import { el, number, scale, ticks, yAxis } from "./svg.js";

const W = 340, H = 270, BOX = { left: 48, right: 330, top: 12, bottom: 222 };

/** The scatter of ``doc.rows`` (area, x, y, class) as an <svg>, coloured by ``doc.palette``. */
export function scatter(doc, names) {
  const svg = el("svg", { viewBox: `0 0 ${W} ${H}`, class: "scatter", role: "img",
    "aria-label": `Scatter of ${doc.rows.length} areas: ${doc.x.title} across, ${doc.y.title} up` });
  const xt = ticks(Math.min(0, ...doc.rows.map((r) => r[1])), Math.max(...doc.rows.map((r) => r[1]), 1));
  const x = scale(xt[0], xt[xt.length - 1], BOX.left, BOX.right);
  const y = yAxis(svg, BOX, doc.rows.map((r) => r[2]), (v) => number(v));
  for (const v of xt) {
    svg.append(el("line", { x1: x(v), x2: x(v), y1: BOX.top, y2: BOX.bottom, class: "grid" }),
      el("text", { x: x(v), y: BOX.bottom + 14, "text-anchor": "middle", class: "tick" }, number(v)));
  }
  svg.append(el("line", { x1: BOX.left, x2: BOX.right, y1: BOX.bottom, y2: BOX.bottom, class: "axis" }),
    el("text", { x: (BOX.left + BOX.right) / 2, y: H - 4, "text-anchor": "middle", class: "axis-title" },
      `${doc.x.title} (${doc.x.measure}) →`),
    el("text", { x: 10, y: (BOX.top + BOX.bottom) / 2, "text-anchor": "middle", class: "axis-title",
      transform: `rotate(-90 10 ${(BOX.top + BOX.bottom) / 2})` }, `${doc.y.title} →`));
  for (const [code, vx, vy, cls] of doc.rows) {
    const dot = el("circle", { cx: x(vx).toFixed(1), cy: y(vy).toFixed(1), r: 3.2, class: "dot",
      fill: doc.palette[Math.floor(cls / 3)][cls % 3] });
    dot.append(el("title", {}, `${names.get(code) || code}: ${number(vx, 2)}, ${number(vy, 2)}`));
    svg.append(dot);
  }
  return svg;
}
