// The legend and the notes beside the map: classes, then zero, withheld and no data (each its own
// entry, as in the plugin), the disclosure rule, the noise note for perturbed counts, the licence;
// and the same values as a table, for screen readers and anyone who prefers one.

const PERTURBED = "Counts carry small deliberate noise (ONS cell-key method) to protect privacy.";

function entry(swatchClass, colour, text) {
  const li = document.createElement("li"), swatch = document.createElement("span");
  swatch.className = `swatch ${swatchClass}`;
  if (colour) swatch.style.background = colour;
  li.append(swatch, text);
  return li;
}

/** Fill the legend list with the classes and the special values. */
export function drawLegend(list, classes, colours, special, counts) {
  const n = (key) => (counts[key] ? ` (${counts[key]})` : "");
  list.replaceChildren(
    ...classes.map((c, i) => entry("", colours[i], c.label)),
    entry("", special.zero, `Zero${n("zero")}`),
    entry("hatched", "", `Withheld (protects privacy)${n("suppressed")}`),
    entry("", special.no_data, `No data${n("no_data")}`),
  );
}

/** The disclosure rule, the noise note (perturbed counts only) and the licence. */
export function drawNotes(elements, entry) {
  const d = entry.disclosure || {};
  elements.disclosure.textContent = `How values are protected: ${d.rule || "see the hub's catalogue"} ` +
    "Hatched areas are withheld, not zero.";
  elements.noise.hidden = d.method !== "cell_key";
  elements.noise.textContent = PERTURBED + (d.max_noise ? ` Each count is off by at most ±${d.max_noise}.` : "");
  elements.licence.textContent = `${entry.partner}. ${entry.licence}.` +
    (entry.attribution ? ` ${entry.attribution}` : "") + " Boundaries: ONS, OGL v3.0.";
}

/** The mapped values as table rows, highest first (withheld and no data last, in words). */
export function drawTable(body, features, measure) {
  const order = { value: 0, zero: 1, suppressed: 2, no_data: 3 };
  const rows = [...features].sort((a, b) => order[a.properties.status] - order[b.properties.status] ||
    (b.properties.value ?? 0) - (a.properties.value ?? 0));
  body.replaceChildren(...rows.map((f) => {
    const tr = document.createElement("tr"), p = f.properties;
    const open = document.createElement("button");           // Enter or Space opens the area's profile
    open.type = "button"; open.className = "area-link"; open.dataset.area = p.area_code; open.textContent = p.area_name;
    for (const content of [open, p.district_name, p.shown]) {
      const td = document.createElement("td"); td.append(content); tr.append(td);
    }
    tr.dataset.measure = measure;
    return tr;
  }));
}
