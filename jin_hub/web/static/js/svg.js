// Small helpers for the pages' SVG charts (the profile's line chart, the compare page's scatter):
// no chart library, so nothing more to vendor and nothing the CSP has to allow.

const NS = "http://www.w3.org/2000/svg";

/** An SVG element with attributes (and text, for <text> and <title>). */
export function el(name, attrs = {}, text = "") {
  const node = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text) node.textContent = text;
  return node;
}

/** Round "nice" tick values covering [lo, hi] (about ``n`` of them), starting at or below lo. */
export function ticks(lo, hi, n = 5) {
  if (!(hi > lo)) hi = lo + 1;
  const raw = (hi - lo) / n, step10 = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * step10).find((s) => s >= raw);
  const out = [];
  for (let t = Math.floor(lo / step) * step; t <= hi + step * 1e-9; t += step) out.push(+t.toFixed(10));
  if (out[out.length - 1] < hi) out.push(+(out[out.length - 1] + step).toFixed(10));
  return out;
}

/** A linear scale from [d0, d1] to [r0, r1]. */
export function scale(d0, d1, r0, r1) {
  return (v) => r0 + ((v - d0) / (d1 - d0 || 1)) * (r1 - r0);
}

/** The hatch the map uses for withheld areas, as an SVG pattern (added to ``defs``). */
export function hatchPattern(defs, special, id = "withheld-hatch") {
  const pattern = el("pattern", { id, width: 6, height: 6, patternUnits: "userSpaceOnUse",
    patternTransform: "rotate(45)" });
  pattern.append(el("rect", { width: 6, height: 6, fill: special.suppressed }),
    el("line", { x1: 0, y1: 0, x2: 0, y2: 6, stroke: special.hatch, "stroke-width": 1.6 }));
  defs.append(pattern);
  return `url(#${id})`;
}

/** A y axis (grid lines and labels) for ``values`` on the chart box; returns the scale. */
export function yAxis(svg, box, values, format) {
  const t = ticks(Math.min(0, ...values), Math.max(...values, 0) || 1);
  const y = scale(t[0], t[t.length - 1], box.bottom, box.top);
  for (const v of t) {
    svg.append(el("line", { x1: box.left, x2: box.right, y1: y(v), y2: y(v), class: "grid" }),
      el("text", { x: box.left - 6, y: y(v) + 4, "text-anchor": "end", class: "tick" }, format(v)));
  }
  return y;
}

/** Numbers as the pages print them (en-GB, at most one decimal for rates). */
export function number(v, decimals = 1) {
  return v.toLocaleString("en-GB", { maximumFractionDigits: decimals });
}
