// The map's choices, offered only as the release policy publishes them (the catalogue's
// ``publication`` for months, ``publication_years`` for years, financial years and the latest 12
// months), and the URL that holds them, so a link reproduces the map.

export const KEYS = ["dataset", "category", "period", "geography", "measure", "zone"];
const PREFERRED_GEOGRAPHY = ["lsoa", "msoa", "district", "oa"];

const ZONE_KINDS = { district: "Districts", ward: "Wards", csp: "Community safety partnerships" };
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** A period's words: "Mar 2024", "2024", "FY2024 (Apr 2024 – Mar 2025)", or the hub's label. */
export function periodLabel(entry, period) {
  if (entry.period_labels && entry.period_labels[period]) return entry.period_labels[period];
  let m = /^(\d{4})-(\d{2})$/.exec(period);
  if (m) return `${MONTHS[+m[2] - 1]} ${m[1]}`;
  m = /^FY(\d{4})$/.exec(period);
  if (m) return `Financial year ${m[1]}/${String(+m[1] + 1).slice(2)}`;
  return period;
}

/** The periods a dataset's category is published for, grouped by kind, latest first. */
export function periodGroups(entry, category) {
  const years = (entry.publication_years || {})[category] || [];
  const months = (entry.publication || {})[category] || [];
  const groups = [];
  if (years.length) {
    groups.push(["Latest 12 months", [...(entry.rolling || [])].reverse()]);
    groups.push(["Calendar years", [...(entry.years || [])].reverse()]);
    groups.push(["Financial years", [...(entry.financial_years || [])].reverse()]);
  }
  if (months.length) groups.push(["Months", [...entry.periods].reverse()]);
  return groups.filter(([, list]) => list.length);
}

/** Geographies a dataset's category is published at for a period (its kind decides the policy). */
export function geographiesFor(entry, category, period, known) {
  const monthly = /^\d{4}-\d{2}$/.test(period);
  const published = ((monthly ? entry.publication : entry.publication_years) || {})[category] || [];
  return PREFERRED_GEOGRAPHY.filter((g) => published.includes(g) && g in known)
    .concat(published.filter((g) => !PREFERRED_GEOGRAPHY.includes(g) && g in known));
}

/** The choices a URL's query asks for (unchecked: ``settle`` corrects them). */
export function fromUrl(search) {
  const q = new URLSearchParams(search);
  return Object.fromEntries(KEYS.map((k) => [k, q.get(k) || ""]));
}

export function toUrl(state) {
  const q = new URLSearchParams(KEYS.filter((k) => state[k]).map((k) => [k, state[k]]));
  return `${location.pathname}?${q}`;
}

/** ``wanted`` made into choices the catalogue publishes: each one kept if it is offered, else the
 *  first offered; ``problems`` says, in plain words, what was asked for and is not published. */
export function settle(catalogue, zones, wanted) {
  const problems = [];
  const pick = (name, offered, value, fallback, words) => {
    if (value && !offered.includes(value)) problems.push(words);
    return value && offered.includes(value) ? value : fallback;
  };
  const datasets = catalogue.datasets.filter((d) => d.theme !== "reference");
  const entry = datasets.find((d) => d.id === wanted.dataset) || datasets[0];
  if (wanted.dataset && entry.id !== wanted.dataset) problems.push(`dataset '${wanted.dataset}' is not published to you`);
  const categories = entry.categories.filter((c) => periodGroups(entry, c).length);
  const category = pick("category", categories, wanted.category, categories[0],
    `category '${wanted.category}' is not published for ${entry.title}`);
  const periods = periodGroups(entry, category).flatMap(([, list]) => list);
  const period = pick("period", periods, wanted.period, periods[0],
    `period '${wanted.period}' is no longer published for ${entry.title}`);
  const geographies = geographiesFor(entry, category, period, catalogue.geographies);
  const geography = pick("geography", geographies, wanted.geography, geographies[0],
    `'${wanted.geography}' areas are not published for this category and period`);
  const measure = pick("measure", entry.measures, wanted.measure, "count", `measure '${wanted.measure}' is not available`);
  const zone = pick("zone", zones.map((z) => z.id), wanted.zone, "", `zone '${wanted.zone}' does not exist`);
  return { state: { dataset: entry.id, category, period, geography, measure, zone }, entry, problems };
}

function fill(select, groups, value) {
  select.replaceChildren(...groups.map(([label, options]) => {
    const items = options.map(([v, text]) => new Option(text, v, false, v === value));
    if (!label) return items;
    const group = document.createElement("optgroup");
    group.label = label; group.append(...items);
    return [group];
  }).flat());
  select.value = value;
}

/** Put the settled choices into the form's controls. */
export function render(form, catalogue, zones, { state, entry }) {
  const datasets = catalogue.datasets.filter((d) => d.theme !== "reference");
  fill(form.dataset, [["", datasets.map((d) => [d.id, d.title])]], state.dataset);
  fill(form.category, [["", entry.categories.filter((c) => periodGroups(entry, c).length)
    .map((c) => [c, c === "all" ? "All categories" : c])]], state.category);
  fill(form.period, periodGroups(entry, state.category)
    .map(([label, list]) => [label, list.map((p) => [p, periodLabel(entry, p)])]), state.period);
  fill(form.geography, [["", geographiesFor(entry, state.category, state.period, catalogue.geographies)
    .map((g) => [g, catalogue.geographies[g].title])]], state.geography);
  for (const radio of form.measure) {
    radio.disabled = !entry.measures.includes(radio.value);
    radio.checked = radio.value === state.measure;
  }
  const kinds = [...new Set(zones.map((z) => z.kind))];
  fill(form.zone, [["", [["", "All areas (no zone)"]]],
    ...kinds.map((k) => [ZONE_KINDS[k] || k, zones.filter((z) => z.kind === k).map((z) => [z.id, z.name])])],
  state.zone);
}

/** What the form's controls say now. */
export function read(form) {
  return { dataset: form.dataset.value, category: form.category.value, period: form.period.value,
    geography: form.geography.value, measure: [...form.measure].find((r) => r.checked)?.value || "count",
    zone: form.zone.value };
}
