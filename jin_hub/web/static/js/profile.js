// The area profile page: the map's measure for one area over every published period beside its
// district and the county (a chart and the same numbers as a table), its rank, the other datasets
// for the area and its deprivation where the hub has it. Withheld values are shown as withheld.
import { getJSON } from "./api.js";
import { periodLabel } from "./choices.js";
import { chartKey, lineChart, LINES, status } from "./chart.js";
import { number } from "./svg.js";

const $ = (id) => document.getElementById(id);
const WITHHELD = "withheld (protects privacy)";

/** One cell in words: its value in the measure, "withheld" or "no data". */
function cellText(cell, measure) {
  if (status(cell) === "withheld") return WITHHELD;
  const value = cell && cell[measure];
  return value == null ? "no data" : number(value, 2);
}

function ordinal(n) {
  const s = ["th", "st", "nd", "rd"], v = n % 100;
  return `${n.toLocaleString("en-GB")}${s[(v - 20) % 10] || s[v] || s[0]}`;
}

/** The profile of ``area`` for the map's ``state`` (dataset, geography, category), from the hub. */
export function fetchProfile(state, area) {
  return getJSON(`/api/v1/profile/${encodeURIComponent(state.dataset)}/${encodeURIComponent(state.geography)}/` +
    encodeURIComponent(area), { category: state.category });
}

function rankText(doc, geography, entry) {
  const { rank } = doc, when = periodLabel(entry, rank.period), by = rank.measure === "rate" ? "rate" : "count";
  if (!rank.all) return `Not ranked: its ${by} for ${when} is withheld or not published.`;
  const within = rank.district ? ` In ${doc.area.district_name}: ${ordinal(rank.district.position)} of ` +
    `${rank.district.of.toLocaleString("en-GB")}.` : "";
  return `${ordinal(rank.all.position)} highest ${by} of ${rank.all.of.toLocaleString("en-GB")} ` +
    `${geography.toLowerCase()} with a published value, ${when}.${within}`;
}

function row(cells, header = false) {
  const tr = document.createElement("tr");
  cells.forEach((text, i) => {
    const td = document.createElement(header || i === 0 ? "th" : "td");
    if (header) td.scope = "col"; else if (i === 0) td.scope = "row";
    td.textContent = text;
    tr.append(td);
  });
  return tr;
}

function others(doc, catalogue) {
  if (!doc.others.length) return [row(["No other dataset is published for these areas.", ""])];
  return doc.others.map((o) => {
    const entry = catalogue.datasets.find((d) => d.id === o.dataset) || {};
    const value = o.suppressed ? WITHHELD : o.count == null ? "no data" : `${number(o.count, 0)} ${o.units}` +
      (o.rate != null && entry.rate ? ` (${number(o.rate, 2)} ${entry.rate.label})` : "");
    return row([o.title, `${periodLabel(entry, o.period)}: ${value}`]);
  });
}

function deprivation(doc) {
  if (!doc.reference.length) return [Object.assign(document.createElement("li"), {
    textContent: "No deprivation indices are loaded on this hub for these areas." })];
  return doc.reference.map((r) => Object.assign(document.createElement("li"), {
    textContent: `${r.label}: ${r.value == null ? "not given for this area" : number(r.value, 2)}` +
      (r.direction ? ` (${r.direction})` : "") }));
}

/** Fill the profile page from the hub's ``doc`` for the map's ``state``. */
export function drawProfile(doc, state, { catalogue, config, entry }) {
  const geography = catalogue.geographies[state.geography].title;
  const measure = state.measure === "rate" && doc.rate ? "rate" : "count";
  const unit = measure === "rate" ? doc.rate.label : entry.units;
  const has = (key) => doc.series.some((p) => p[key]);
  const names = { area: doc.area.name, district: has("district") && doc.area.district_name,
    county: has("county") && "All districts together (their sum)" };
  const category = state.category === "all" ? "" : ` — ${state.category}`;
  $("profile-title").textContent = `${doc.area.name}: ${doc.title}${category}`;
  $("profile-subtitle").textContent = `${geography} ${doc.area.code} in ${doc.area.district_name}. ` +
    `${measure === "rate" ? `Rate ${unit}` : `Count (${unit})`} for every published ${
      { month: "month", year: "year", fy: "financial year", rolling: "12 months" }[doc.kind] || "period"}.`;
  // Counts of an area, its district and the county differ a thousandfold: only rates share a chart.
  const charted = measure === "rate" ? names : { area: names.area };
  $("profile-chart").replaceChildren(lineChart(doc.series, measure, charted, config.special, unit));
  chartKey($("chart-key"), charted);
  $("profile-count-note").hidden = measure === "rate" || !names.district;
  const held = doc.series.filter((p) => status(p.area) === "withheld").length;
  $("profile-withheld").textContent = held ? `${held} of ${doc.series.length} periods are withheld for this area ` +
    "to protect privacy: they are hatched, not zero." : "";
  const heads = ["Period", ...LINES.filter((l) => names[l.key]).map((l) => names[l.key])];
  $("profile-table").replaceChildren(row(heads, true), ...doc.series.map((p) =>
    row([p.label, ...LINES.filter((l) => names[l.key]).map((l) => cellText(p[l.key], measure))])));
  $("profile-rank").textContent = rankText(doc, geography, entry);
  $("profile-others").replaceChildren(...others(doc, catalogue));
  $("profile-deprivation").replaceChildren(...deprivation(doc));
  $("profile-disclosure").textContent = `How values are protected: ${doc.disclosure.rule}`;
  $("profile-licence").textContent = `${entry.partner}. ${entry.licence}. The county line is the sum of the ` +
    "published district values (withheld where any district's is).";
}
