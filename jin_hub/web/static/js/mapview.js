// The map: boundaries (EPSG:27700 from the hub, projected here to lon/lat), a choropleth with the
// plugin's special symbols (zero white, withheld hatched, no data grey), district outlines and
// labels for context, area names on hover, and an optional basemap the deployment configures.
/* global maplibregl, proj4 */

proj4.defs("EPSG:27700", "+proj=tmerc +lat_0=49 +lon_0=-2 +k=0.9996012717 +x_0=400000 +y_0=-100000 " +
  "+ellps=airy +towgs84=446.448,-125.157,542.06,0.15,0.247,0.842,-20.489 +units=m +no_defs");
const toLonLat = proj4("EPSG:27700", "EPSG:4326").forward;

/** A GeoJSON FeatureCollection in EPSG:27700 with its coordinates turned to lon/lat, in place. */
export function projected(collection) {
  const ring = (r) => r.map((p) => toLonLat([p[0], p[1]]).map((c) => Math.round(c * 1e6) / 1e6));
  for (const f of collection.features) {
    const g = f.geometry;
    if (g.type === "Polygon") g.coordinates = g.coordinates.map(ring);
    else if (g.type === "MultiPolygon") g.coordinates = g.coordinates.map((p) => p.map(ring));
  }
  delete collection.crs;
  return collection;
}

function bounds(collection) {
  const b = [Infinity, Infinity, -Infinity, -Infinity];
  const walk = (c) => {
    if (typeof c[0] === "number") {
      b[0] = Math.min(b[0], c[0]); b[1] = Math.min(b[1], c[1]); b[2] = Math.max(b[2], c[0]); b[3] = Math.max(b[3], c[1]);
    } else c.forEach(walk);
  };
  collection.features.forEach((f) => walk(f.geometry.coordinates));
  return [[b[0], b[1]], [b[2], b[3]]];
}

/** Where a polygon's label goes: the mean of its largest ring's vertices. */
function labelPoint(geometry) {
  const rings = geometry.type === "Polygon" ? [geometry.coordinates[0]] : geometry.coordinates.map((p) => p[0]);
  const largest = rings.reduce((a, r) => (r.length > a.length ? r : a));
  const sum = largest.reduce((s, p) => [s[0] + p[0], s[1] + p[1]], [0, 0]);
  return [sum[0] / largest.length, sum[1] / largest.length];
}

function hatchImage(special) {
  const size = 8, ratio = 2, canvas = document.createElement("canvas");
  canvas.width = canvas.height = size * ratio;
  const g = canvas.getContext("2d");
  g.scale(ratio, ratio);
  g.fillStyle = special.suppressed; g.fillRect(0, 0, size, size);
  g.strokeStyle = special.hatch; g.lineWidth = 1.3;
  for (const o of [-size, 0, size]) { g.beginPath(); g.moveTo(o, size); g.lineTo(o + size, 0); g.stroke(); }
  return { image: g.getImageData(0, 0, size * ratio, size * ratio), pixelRatio: ratio };
}

export class MapView {
  constructor(container, config, onHover) {
    this.config = config;
    const sources = {}, layers = [{ id: "background", type: "background", paint: { "background-color": "#fdfdfb" } }];
    if (config.basemap) {
      sources.basemap = { type: "raster", tiles: [config.basemap], tileSize: 256, attribution: "Basemap: see the hub's settings" };
      layers.push({ id: "basemap", type: "raster", source: "basemap" });
    }
    this.map = new maplibregl.Map({ container, style: { version: 8, sources, layers }, bounds: [[-1.35, 52.79], [-0.66, 53.51]],
      attributionControl: { compact: true, customAttribution: "Contains ONS and OS data © Crown copyright and database right" },
      dragRotate: false, pitchWithRotate: false, preserveDrawingBuffer: true });
    this.map.addControl(new maplibregl.NavigationControl({ showCompass: false }));
    this.map.touchZoomRotate.disableRotation();
    this.labels = [];
    this.shown = new Map();                          // area code -> its properties, for the hover line
    this.ready = new Promise((resolve) => this.map.on("load", resolve)).then(() => this.#addLayers(onHover));
  }

  #addLayers(onHover) {
    const s = this.config.special, map = this.map;
    map.addImage("hatch", hatchImage(s).image, { pixelRatio: 2 });
    map.addSource("areas", { type: "geojson", data: { type: "FeatureCollection", features: [] }, promoteId: "area_code" });
    map.addSource("districts", { type: "geojson", data: { type: "FeatureCollection", features: [] } });
    // Colours and statuses are feature states, so a new dataset or period repaints without re-tiling;
    // areas outside the chosen zone are left unfilled.
    const state = (key, fallback) => ["coalesce", ["feature-state", key], fallback];
    const inside = ["case", ["==", state("status", "no_data"), "outside"], 0, 1];
    map.addLayer({ id: "areas-fill", type: "fill", source: "areas",
      paint: { "fill-color": state("fill", s.no_data),
        "fill-opacity": ["*", inside, this.config.basemap ? 0.8 : 1] } });
    map.addLayer({ id: "areas-hatch", type: "fill", source: "areas",
      paint: { "fill-pattern": "hatch", "fill-opacity": ["case", ["==", state("status", ""), "suppressed"], 1, 0] } });
    map.addLayer({ id: "areas-line", type: "line", source: "areas",
      paint: { "line-color": s.outline, "line-width": 0.4, "line-opacity": inside } });
    map.addLayer({ id: "areas-hover", type: "line", source: "areas", filter: ["==", ["get", "area_code"], ""],
      paint: { "line-color": "#000", "line-width": 2.5 } });
    map.addLayer({ id: "districts-line", type: "line", source: "districts", paint: { "line-color": "#333", "line-width": 1.4 } });
    map.on("mousemove", "areas-fill", (e) => {
      const code = e.features[0].properties.area_code, shown = this.shown.get(code);
      if (!shown || shown.status === "outside") return;
      map.getCanvas().style.cursor = "pointer";
      map.setFilter("areas-hover", ["==", ["get", "area_code"], code]);
      onHover(shown);
    });
    map.on("mouseleave", "areas-fill", () => {
      map.getCanvas().style.cursor = "";
      map.setFilter("areas-hover", ["==", ["get", "area_code"], ""]);
      onHover(null);
    });
  }

  /** District outlines and their names as labels (HTML, so no font server is needed). */
  setDistricts(collection) {
    this.map.getSource("districts").setData(collection);
    this.labels.forEach((m) => m.remove());
    this.labels = collection.features.map((f) => {
      const el = document.createElement("div");
      el.className = "district-label"; el.textContent = f.properties.area_name;
      el.setAttribute("aria-hidden", "true");
      return new maplibregl.Marker({ element: el }).setLngLat(labelPoint(f.geometry)).addTo(this.map);
    });
  }

  /** Draw ``collection`` (features carrying ``status`` and ``fill``): its geometry only when the
   *  areas change, its colours as feature states; zoom to it when asked. */
  show(collection, geography, fit) {
    if (geography !== this.geography) {
      this.map.getSource("areas").setData({ type: "FeatureCollection",
        features: collection.features.map((f) => ({ type: "Feature", geometry: f.geometry, properties: {
          area_code: f.properties.area_code } })) });
      this.geography = geography;
    }
    this.shown = new Map(collection.features.map((f) => [f.properties.area_code, f.properties]));
    for (const f of collection.features) {
      this.map.setFeatureState({ source: "areas", id: f.properties.area_code },
        { status: f.properties.status, fill: f.properties.fill });
    }
    if (fit) {
      const inside = { features: collection.features.filter((f) => f.properties.status !== "outside") };
      if (inside.features.length) this.map.fitBounds(bounds(inside), { padding: 20, duration: 0 });
    }
  }

  /** Resolves once the map has drawn everything it was given. */
  drawn() {
    return new Promise((resolve) => {
      if (this.map.loaded() && !this.map.isMoving()) { this.map.once("idle", resolve); this.map.triggerRepaint(); }
      else this.map.once("idle", resolve);
    });
  }
}
