// Compare two datasets: the plugin's bivariate map (3 × 3 palette, each measure cut into thirds of
// its published values, by the hub), a 3 × 3 legend with its axes, and a scatter of the two rates.
// Areas withheld in either dataset are hatched as on the main map and listed, never classed.
import { getJSON } from "./api.js";
import { geographiesFor, periodGroups, periodLabel } from "./choices.js";
import { MapView } from "./mapview.js";
import { scatter } from "./scatter.js";
import { number } from "./svg.js";

const $ = (id) => document.getElementById(id);
let view, turns = 0;                              // (turns: the latest comparison asked for)

function datasetsOf(catalogue) {
  return catalogue.datasets.filter((d) => d.theme !== "reference");
}

function periodsOf(entry) {
  return periodGroups(entry, "all").flatMap(([, list]) => list);
}

/** ``wanted`` made into a comparison the catalogue publishes, and what was asked for that is not. */
export function settle(catalogue, wanted) {
  const datasets = datasetsOf(catalogue), problems = [];
  const find = (id) => datasets.find((d) => d.id === id);
  for (const id of [wanted.x, wanted.y]) {
    if (id && !find(id)) problems.push(`dataset '${id}' is not published to you`);
  }
  const x = find(wanted.x) || datasets[0];
  const y = (wanted.y !== x.id && find(wanted.y)) || datasets.find((d) => d.id !== x.id) || x;
  const common = periodsOf(x).filter((p) => periodsOf(y).includes(p));
  const period = common.includes(wanted.cperiod) ? wanted.cperiod : common[0] || "";
  if (wanted.cperiod && period !== wanted.cperiod) problems.push(`period '${wanted.cperiod}' is not published for both`);
  const both = (e) => geographiesFor(e, "all", period || e.periods[e.periods.length - 1], catalogue.geographies);
  const geographies = both(x).filter((g) => both(y).includes(g) && g !== "oa");
  const geography = geographies.includes(wanted.cgeography) ? wanted.cgeography : geographies[0];
  return { state: { x: x.id, y: y.id, cperiod: period, cgeography: geography }, x, y, common, geographies, problems };
}

function fill(select, options, value) {
  select.replaceChildren(...options.map(([v, text]) => new Option(text, v, false, v === value)));
  select.value = value;
}

function render(catalogue, settled) {
  const { state, x, y } = settled, datasets = datasetsOf(catalogue).map((d) => [d.id, d.title]);
  fill($("compare-x"), datasets, state.x);
  fill($("compare-y"), datasets.filter(([id]) => id !== state.x), state.y);
  fill($("compare-period"), [...settled.common.map((p) => [p, periodLabel(x, p)]), ["", "Latest of each"]], state.cperiod);
  fill($("compare-geography"), settled.geographies.map((g) => [g, catalogue.geographies[g].title]), state.cgeography);
  $("compare-subtitle").textContent = `${x.title} across, ${y.title} up, by ${
    catalogue.geographies[state.cgeography].title.toLowerCase()}: each cut into thirds of its published values.`;
}

/** The comparison's areas: class colour, withheld (hatched) or no data, with words for the hover line. */
function joined(areas, doc, special) {
  const rows = new Map(doc.rows.map((r) => [r[0], r])), held = new Set(doc.withheld);
  const features = areas.features.map((f) => {
    const row = rows.get(f.properties.area_code);
    const status = row ? "value" : held.has(f.properties.area_code) ? "suppressed" : "no_data";
    const shown = row ? `${number(row[1], 2)} ${doc.x.unit} and ${number(row[2], 2)} ${doc.y.unit}`
      : status === "suppressed" ? "withheld in one or both (protects privacy)" : "no data";
    const fill = row ? doc.palette[Math.floor(row[3] / 3)][row[3] % 3] : special[status];
    return { type: "Feature", geometry: f.geometry, properties: { ...f.properties, status, shown, fill, value: null } };
  });
  return { type: "FeatureCollection", features };
}

function legend(doc, special, counts) {
  const grid = document.createElement("div");
  grid.className = "bivariate-grid";
  for (let row = 2; row >= 0; row--) {
    for (let col = 0; col < 3; col++) {
      const cell = document.createElement("span");
      cell.style.background = doc.palette[row][col];
      cell.title = `${["low", "middle", "high"][col]} ${doc.x.title}, ${["low", "middle", "high"][row]} ${doc.y.title}`;
      grid.append(cell);
    }
  }
  const cuts = (side) => `thirds split at ${number(side.cuts[0], 2)} and ${number(side.cuts[1], 2)} ${side.unit}`;
  const up = Object.assign(document.createElement("p"), { className: "axis-up",
    textContent: `↑ ${doc.y.title} (${doc.y.measure}): ${cuts(doc.y)}` });
  const across = Object.assign(document.createElement("p"), { className: "axis-across",
    textContent: `${doc.x.title} (${doc.x.measure}) →: ${cuts(doc.x)}` });
  const extra = document.createElement("ul");
  extra.id = "legend-extra";
  extra.className = "plain-key";
  const item = (cls, colour, text) => {
    const li = document.createElement("li"), swatch = document.createElement("span");
    swatch.className = `swatch ${cls}`;
    if (colour) swatch.style.background = colour;
    li.append(swatch, text);
    return li;
  };
  extra.append(item("hatched", "", `Withheld in one or both (${counts.suppressed || 0})`),
    item("", special.no_data, `No data (${counts.no_data || 0})`));
  const box = document.createElement("div");
  box.className = "bivariate-box";
  box.append(up, grid, across);
  $("bivariate-legend").replaceChildren(box, extra);
}

/** Draw the comparison ``wanted`` asks for (settled first); returns the state drawn and the problems,
 *  or null if a later choice overtook it. */
export async function drawCompare(wanted, { catalogue, config, boundariesOf }) {
  const settled = settle(catalogue, wanted), turn = ++turns;
  render(catalogue, settled);
  const { state, x, y } = settled;
  const measure = (e) => (e.measures.includes("rate") ? "rate" : "count");
  const [areas, doc] = await Promise.all([boundariesOf(state.cgeography), getJSON(`/api/v1/compare/${state.cgeography}`,
    { x: state.x, y: state.y, x_period: state.cperiod, y_period: state.cperiod, x_measure: measure(x),
      y_measure: measure(y) })]);
  if (turn !== turns) return null;                              // (a later choice overtook this one)
  if (!view) {
    view = new MapView($("compare-map"), config, (p) => {
      $("compare-hover").textContent = p ? `${p.area_name} (${p.district_name}): ${p.shown}` : "";
    });
    view.ready.then(() => boundariesOf("district")).then((d) => view.setDistricts(d))
      .catch(() => {});                                   // context only: not waited for, and not missed
  }
  await view.ready;
  view.map.resize();
  const collection = await view.show(joined(areas, doc, config.special), areas,
    (detail) => joined(detail, doc, config.special));
  if (!collection) return null;                                 // (a later choice overtook this one)
  const counts = {};
  collection.features.forEach((f) => { counts[f.properties.status] = (counts[f.properties.status] || 0) + 1; });
  legend(doc, config.special, counts);
  const names = new Map(areas.features.map((f) => [f.properties.area_code, f.properties.area_name]));
  $("scatter").replaceChildren(scatter(doc, names));
  $("compare-rho").textContent = `${doc.rows.length} areas with both values published` +
    (doc.spearman == null ? "." : `; Spearman's rank correlation ${number(doc.spearman, 2)} ` +
      "(1 = same order, 0 = unrelated, −1 = opposite).");
  $("compare-disclosure").textContent = `${x.title}: ${doc.x.disclosure} ${y.title}: ${doc.y.disclosure}`;
  const held = doc.withheld.map((c) => names.get(c) || c).sort();
  $("compare-withheld-summary").textContent = `Withheld areas (${held.length}): hatched on the map, not on the scatter`;
  $("compare-withheld").replaceChildren(...held.map((n) => Object.assign(document.createElement("li"), { textContent: n })));
  $("compare-title").textContent = `Compare: ${x.title} and ${y.title}, ${
    state.cperiod ? periodLabel(x, state.cperiod) : "latest of each"}`;
  await view.drawn();
  return { state, problems: settled.problems, view };
}
