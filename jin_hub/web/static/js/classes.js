// The plugin's classes (jin_plugin/core/symbology.py): five natural-breaks (Jenks) classes over
// the published positive values, labelled as the plugin labels them, coloured along the theme's
// ramp from a little above white, so the lowest class stays visible against zero.

/** Jenks natural breaks (Fisher's exact method): upper bounds of ``n`` classes. */
function jenks(sorted, n) {
  const m = sorted.length;
  const lower = Array.from({ length: m + 1 }, () => new Array(n + 1).fill(0));
  const variance = Array.from({ length: m + 1 }, () => new Array(n + 1).fill(Infinity));
  for (let j = 1; j <= n; j++) { lower[1][j] = 1; variance[1][j] = 0; }
  for (let l = 2; l <= m; l++) {
    let s1 = 0, s2 = 0, w = 0, v = 0;
    for (let k = 1; k <= l; k++) {
      const i = l - k + 1, val = sorted[i - 1];
      s2 += val * val; s1 += val; w += 1;
      v = s2 - (s1 * s1) / w;
      if (i > 1) {
        for (let j = 2; j <= n; j++) {
          if (variance[l][j] >= v + variance[i - 1][j - 1]) {
            lower[l][j] = i; variance[l][j] = v + variance[i - 1][j - 1];
          }
        }
      }
    }
    lower[l][1] = 1; variance[l][1] = v;
  }
  const uppers = [];
  let k = m;
  for (let j = n; j >= 1; j--) {
    uppers.unshift(sorted[k - 1]);
    k = lower[k][j] - 1;
  }
  return uppers;
}

function label(lower, upper, unit, whole, first) {
  const fmt = (x) => x.toLocaleString("en-GB", { minimumFractionDigits: whole ? 0 : 1, maximumFractionDigits: whole ? 0 : 1 });
  if (whole && !first) lower = Math.floor(lower) + 1;
  const shown = whole && lower >= upper ? fmt(upper) : `${fmt(lower)} – ${fmt(upper)}`;
  return unit ? `${shown} ${unit}` : shown;
}

/** Classes {lower, upper, label} of the values (positive published ones), at most ``n``. */
export function classify(values, unit = "", n = 5) {
  if (!values.length) return [];
  const sorted = [...values].sort((a, b) => a - b);
  const k = Math.min(n, new Set(sorted).size);
  const uppers = jenks(sorted, k);
  const whole = sorted.every(Number.isInteger);
  return uppers.map((upper, i) => {
    const lower = i === 0 ? sorted[0] : uppers[i - 1];
    return { lower, upper, label: label(lower, upper, unit, whole, i === 0) };
  });
}

/** The class a value falls in (its first class whose upper bound holds it). */
export function classOf(classes, value) {
  const i = classes.findIndex((c) => value <= c.upper);
  return i < 0 ? classes.length - 1 : i;
}

function mix(a, b, t) {
  const ch = (hex, i) => parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16);
  return "#" + [0, 1, 2].map((i) => Math.round(ch(a, i) + (ch(b, i) - ch(a, i)) * t)
    .toString(16).padStart(2, "0")).join("");
}

/** Colour of class ``i`` of ``n`` along a ramp of evenly spaced colours (QGIS's gradient). */
export function colour(ramp, i, n) {
  const at = 0.12 + 0.88 * i / Math.max(1, n - 1);
  const scaled = at * (ramp.length - 1), j = Math.min(ramp.length - 2, Math.floor(scaled));
  return mix(ramp[j], ramp[j + 1], scaled - j);
}
