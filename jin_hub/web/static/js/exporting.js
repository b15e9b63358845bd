// Export the map without a server-side renderer: a PNG composed in the browser (a picture of the
// map's canvas with the title, legend, notes, licence and date drawn beside it), and print CSS for a
// one-page A4 landscape PDF through the browser's own "Save as PDF". The picture is taken whenever
// the map settles (its WebGL buffer is only sure to hold the map right after a frame), and is what
// prints, since a canvas resized for the printed page could be cleared before it is drawn again.

const $ = (id) => document.getElementById(id);
const FONT = "system-ui, 'DejaVu Sans', sans-serif";
let watching = false;

/** "Made on 5 December 2026 from the JiN hub at …": the date every export carries. */
export function madeOn() {
  const day = new Date().toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric" });
  return `Made on ${day} from the JiN hub at ${location.host}.`;
}

/** Keep the printable picture of ``view``'s map and the date line up to date; wire the buttons. */
export function watch(view) {
  if (watching) return;
  watching = true;
  const refresh = () => {
    if (matchMedia("print").matches || !view.map.getContainer().offsetWidth) return;   // (hidden or printing)
    $("print-map").src = picture(view).toDataURL("image/png");
    $("made-on").textContent = madeOn();
  };
  view.map.on("idle", refresh);
  view.map.once("render", refresh);
  view.map.triggerRepaint();
  $("export-print").addEventListener("click", () => { refresh(); window.print(); });
  $("export-png").addEventListener("click", () => downloadPng(view).catch((e) => {
    $("message").textContent = `The PNG could not be made: ${e.message}`; $("message").hidden = false; }));
}

/** The map's canvas with the district names on it (on screen they are HTML, not in the canvas). */
function picture(view) {
  const map = view.map.getCanvas(), canvas = document.createElement("canvas"), g = canvas.getContext("2d");
  const ratio = map.width / map.clientWidth || 1;
  canvas.width = map.width; canvas.height = map.height;
  g.drawImage(map, 0, 0);
  g.font = `600 ${Math.round(12 * ratio)}px ${FONT}`;
  g.textAlign = "center"; g.textBaseline = "middle"; g.lineJoin = "round";
  g.lineWidth = 3 * ratio; g.strokeStyle = "#fff"; g.fillStyle = "#222";
  for (const marker of view.labels || []) {
    const at = view.map.project(marker.getLngLat()), name = marker.getElement().textContent;
    g.strokeText(name, at.x * ratio, at.y * ratio);
    g.fillText(name, at.x * ratio, at.y * ratio);
  }
  return canvas;
}

/** Lines of ``text`` no wider than ``width`` in the context's font. */
function wrapped(g, text, width) {
  const lines = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    const tried = line ? `${line} ${word}` : word;
    if (line && g.measureText(tried).width > width) { lines.push(line); line = word; } else line = tried;
  }
  return line ? [...lines, line] : lines;
}

function hatch(g, special) {
  const tile = document.createElement("canvas");
  tile.width = tile.height = 8;
  const t = tile.getContext("2d");
  t.fillStyle = special.suppressed; t.fillRect(0, 0, 8, 8);
  t.strokeStyle = special.hatch; t.lineWidth = 1.3;
  for (const o of [-8, 0, 8]) { t.beginPath(); t.moveTo(o, 8); t.lineTo(o + 8, 0); t.stroke(); }
  return g.createPattern(tile, "repeat");
}

/** Draw ``lines`` from (x, y) at ``size`` px; returns the y below them. */
function write(g, lines, x, y, size, colour = "#1d1d1d", weight = "") {
  g.font = `${weight} ${size}px ${FONT}`.trim();
  g.fillStyle = colour;
  for (const line of lines) { g.fillText(line, x, y + size); y += size * 1.35; }
  return y;
}

/** The map as a PNG: title above, the map, and the legend and notes to its right; downloaded. */
export async function downloadPng(view) {
  const map = $("print-map"), side = 380, pad = 16, special = view.config.special;
  await map.decode();
  const canvas = document.createElement("canvas"), g = canvas.getContext("2d");
  const notes = ["disclosure", "noise", "licence", "made-on"].filter((id) => !$(id).hidden && $(id).textContent)
    .map((id) => $(id).textContent);
  g.font = `13px ${FONT}`;
  const noteLines = notes.map((n) => wrapped(g, n, side - 2 * pad));
  g.font = `bold 20px ${FONT}`;
  const titleLines = wrapped(g, $("map-title").textContent, map.naturalWidth + side - 2 * pad);
  const items = [...$("legend").children];
  const top = pad + titleLines.length * 27 + 8;
  const sideHeight = 30 + items.length * 24 + 12 + noteLines.reduce((h, l) => h + l.length * 17.6 + 8, 0);
  canvas.width = map.naturalWidth + side;
  canvas.height = top + Math.max(map.naturalHeight, sideHeight) + pad;
  g.fillStyle = "#fff"; g.fillRect(0, 0, canvas.width, canvas.height);
  write(g, titleLines, pad, pad, 20, "#1d1d1d", "bold");
  g.drawImage(map, 0, top);
  g.strokeStyle = "#c8c8c8"; g.strokeRect(0.5, top + 0.5, map.naturalWidth - 1, map.naturalHeight - 1);
  const x = map.naturalWidth + pad;
  let y = write(g, [$("legend-title").textContent], x, top, 15, "#1d1d1d", "bold") + 6;
  for (const li of items) {
    const swatch = li.querySelector(".swatch");
    g.fillStyle = swatch.classList.contains("hatched") ? hatch(g, special) : getComputedStyle(swatch).backgroundColor;
    g.fillRect(x, y, 26, 16);
    g.strokeStyle = "#6e6e6e"; g.strokeRect(x + 0.5, y + 0.5, 25, 15);
    write(g, [li.textContent], x + 36, y, 14);
    y += 24;
  }
  y += 12;
  for (const lines of noteLines) y = write(g, lines, x, y, 13, "#444") + 8;
  canvas.toBlob((blob) => {
    const a = document.createElement("a"), state = window.jin.state || {};
    a.href = URL.createObjectURL(blob);
    a.download = `jin-map-${[state.dataset, state.category, state.period, state.geography].filter(Boolean).join("-")}.png`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 60_000);
  }, "image/png");
}
