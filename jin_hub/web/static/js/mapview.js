// The map: boundaries in lon/lat from the hub, simplified to the detail the zoom needs (a national
// map of 34,753 LSOAs fetches what a national view shows, not a street view's detail), a choropleth
// with the plugin's special symbols (zero white, withheld hatched, no data grey), district outlines
// and labels for context, area names on hover, and an optional basemap the deployment configures.
/* global maplibregl */
import { getJSON } from "./api.js";

/** The hub's levels of simplification in metres, coarsest first: learnt from its first reply
 *  (until then, asking for any huge number gets the coarsest). */
let levels = [1e9];
const loaded = new Map();                  // "geography@metres@zone" -> Promise of its FeatureCollection
const levelOf = new WeakMap();             // a collection's first geometry -> the collection's level
/** Zoom from which areas are outlined and districts named: below it (a region, the country) most
 *  areas are a pixel or two across, their outlines would only grey the map, and hundreds of
 *  district names would cover it (the districts' outlines stay). */
const OUTLINED = 7;
const EQUATOR = 40075016.686;              // metres: a web map's pixel is EQUATOR·cos(lat) / (512·2^zoom)

/** A geography's areas (only those in ``zone``, if given: for a county of a national hub, a
 *  county's geometry) in lon/lat, simplified to the hub's level within ``metres`` (by default its
 *  coarsest): fetched once a level. The collection names its ``geography`` and ``zone``. */
export function boundaries({ geography, zone }, metres = levels[0]) {
  const key = `${geography}@${metres}@${zone || ""}`;
  if (!loaded.has(key)) {
    const loading = getJSON(`/api/v1/boundaries/${geography}`, { simplify: metres, zone }).then((c) => {
      levels = c.levels_m;
      Object.assign(c, { geography, zone });
      if (c.features.length) levelOf.set(c.features[0].geometry, c.simplified_m);
      loaded.set(`${geography}@${c.simplified_m}@${zone || ""}`, loading);
      return c;
    });
    loading.catch(() => loaded.delete(key));
    loaded.set(key, loading);
  }
  return loaded.get(key);
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

/** The withheld areas' hatch: lines 1.6 px wide, as MapLibre scales a pattern up to 2× between
 *  whole zooms, and thinner ones washed out to grey at some zooms. */
function hatchImage(special) {
  const size = 8, ratio = 2, canvas = document.createElement("canvas");
  canvas.width = canvas.height = size * ratio;
  const g = canvas.getContext("2d");
  g.scale(ratio, ratio);
  g.fillStyle = special.suppressed; g.fillRect(0, 0, size, size);
  g.strokeStyle = special.hatch; g.lineWidth = 1.6;
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
      dragRotate: false, pitchWithRotate: false, preserveDrawingBuffer: true,
      fadeDuration: 0 });      // (no labels to fade in; else it drew 300 ms more frames after every change)
    this.map.addControl(new maplibregl.NavigationControl({ showCompass: false }));
    this.map.touchZoomRotate.disableRotation();
    this.labels = [];
    this.shown = new Map();                          // area code -> its properties, for the hover line
    this.coming = {};                                // "areas"/"districts" -> the level being fetched
    this.refining = Promise.resolve();               // the swaps to the zoom's level under way
    this.ready = new Promise((resolve) => this.map.on("load", resolve)).then(() => {
      this.#addLayers(onHover);
      if (container.clientWidth < 640) {         // a phone: the attribution folded behind its (i) from the start
        const attribution = container.querySelector(".maplibregl-ctrl-attrib");
        attribution?.classList.remove("maplibregl-compact-show");
        attribution?.removeAttribute("open");
      }
    });
    this.map.on("moveend", () => { if (!this.fitting) this.#refine(); this.#name(); });
    // Until the reader moves the map, it keeps showing all the areas: a phone turned sideways, a
    // window resized refits them instead of cropping them.
    this.map.on("movestart", (e) => { if (e.originalEvent) this.fitted = null; });
    this.map.on("resize", () => { if (this.fitted) this.map.fitBounds(this.fitted, { padding: 20, duration: 0 }); });
  }

  /** The hub's coarsest level within two of the map's pixels where it is now. */
  wanted() {
    const pixel = EQUATOR * Math.cos((this.map.getCenter().lat * Math.PI) / 180) /
      (512 * 2 ** this.map.getZoom() * (window.devicePixelRatio || 1));
    return levels.find((metres) => metres <= 2 * pixel) ?? levels[levels.length - 1];
  }

  #addLayers(onHover) {
    const s = this.config.special, map = this.map;
    map.addImage("hatch", hatchImage(s).image, { pixelRatio: 2 });
    // (tiled with a coarser tolerance and a narrower buffer than MapLibre's defaults: for 34,753
    // LSOAs that is less of its work, for no difference a reader sees)
    map.addSource("areas", { type: "geojson", data: { type: "FeatureCollection", features: [] }, promoteId: "area_code",
      tolerance: 1, buffer: 32 });
    map.addSource("districts", { type: "geojson", data: { type: "FeatureCollection", features: [] } });
    // Colours and statuses are feature states, so a new dataset or period repaints without re-tiling.
    const state = (key, fallback) => ["coalesce", ["feature-state", key], fallback];
    map.addLayer({ id: "areas-fill", type: "fill", source: "areas",
      paint: { "fill-color": state("fill", s.no_data), "fill-opacity": this.config.basemap ? 0.8 : 1 } });
    map.addLayer({ id: "areas-hatch", type: "fill", source: "areas",
      paint: { "fill-pattern": "hatch", "fill-opacity": ["case", ["==", state("status", ""), "suppressed"], 1, 0] } });
    map.addLayer({ id: "areas-line", type: "line", source: "areas", minzoom: OUTLINED,
      paint: { "line-color": s.outline, "line-width": 0.4 } });
    map.addLayer({ id: "areas-hover", type: "line", source: "areas", filter: ["==", ["get", "area_code"], ""],
      paint: { "line-color": "#000", "line-width": 2.5 } });
    map.addLayer({ id: "districts-line", type: "line", source: "districts", paint: { "line-color": "#333", "line-width": 1.4 } });
    map.on("mousemove", "areas-fill", (e) => {
      const code = e.features[0].properties.area_code, shown = this.shown.get(code);
      if (!shown) return;
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
    this.districts = collection;
    this.map.getSource("districts").setData(collection);
    this.labels.forEach((m) => m.remove());
    this.labels = collection.features.map((f) => {
      const el = document.createElement("div");
      el.className = "district-label"; el.textContent = f.properties.area_name;
      el.setAttribute("aria-hidden", "true");
      return new maplibregl.Marker({ element: el }).setLngLat(labelPoint(f.geometry)).addTo(this.map);
    });
    this.#name();
  }

  /** Draw ``collection`` (features carrying ``status`` and ``fill``) of ``areas`` ({geography,
   *  zone}, as ``boundaries`` takes): its colours as feature states, so a new dataset or period
   *  does not tile the areas again. Given ``rejoin`` (areas → such a collection), zoom to it first
   *  and draw the detail that zoom needs straight away: tiling a coarser level only to replace it
   *  doubled the first map's time. Resolves to what it drew, or to null if a later call overtook
   *  it while it fetched. */
  async show(collection, areas, rejoin) {
    const turn = (this.turn = (this.turn || 0) + 1);
    if (rejoin && collection.features.length) {
      this.fitting = true;                  // (not to refine the areas shown before: these replace them)
      this.fitted = bounds(collection);
      try { this.map.fitBounds(this.fitted, { padding: 20, duration: 0 }); } finally { this.fitting = false; }
      const level = this.wanted();
      if (level !== levelOf.get(collection.features[0].geometry)) {
        collection = await boundaries(areas, level).then(rejoin, () => collection);   // (else the coarser)
        if (turn !== this.turn) return null;
      }
    }
    this.shown = new Map(collection.features.map((f) => [f.properties.area_code, f.properties]));
    this.#setAreas(collection.features, areas, levelOf.get(collection.features[0]?.geometry));
    for (const f of collection.features) {
      this.map.setFeatureState({ source: "areas", id: f.properties.area_code },
        { status: f.properties.status, fill: f.properties.fill });
    }
    this.#refine();
    return collection;
  }

  #name() {
    const named = this.map.getZoom() >= OUTLINED;
    for (const label of this.labels) label.getElement().style.visibility = named ? "" : "hidden";
  }

  /** The areas' geometry, set only when the areas (geography and zone) or their level change. */
  #setAreas(features, areas, level) {
    const which = `${areas.geography}@${level}@${areas.zone || ""}`;
    if (which === this.which) return;
    this.map.getSource("areas").setData({ type: "FeatureCollection",
      features: features.map((f) => ({ type: "Feature", geometry: f.geometry, properties: {
        area_code: f.properties.area_code } })) });
    Object.assign(this, { which, areas: { geography: areas.geography, zone: areas.zone }, level });
  }

  /** Swap the areas and district outlines for the level the zoom needs, once fetched (they keep
   *  their colours: feature states outlive new data). */
  #refine() {
    const level = this.wanted();
    this.#swap("areas", this.areas, this.level, level, (c) => {
      const same = c.geography === this.areas.geography && c.zone === this.areas.zone;
      if (same) this.#setAreas(c.features, c, c.simplified_m);
    });
    this.#swap("districts", this.districts, this.districts?.simplified_m, level, (c) => this.setDistricts(c));
  }

  #swap(kind, areas, shown, level, use) {
    if (!areas || shown === level || this.coming[kind] === level) return;
    this.coming[kind] = level;
    const step = boundaries(areas, level).then((c) => { if (this.coming[kind] === level) use(c); })
      .catch(() => {})                                       // (a failed fetch leaves the coarser map)
      .finally(() => { if (this.coming[kind] === level) delete this.coming[kind]; });
    this.refining = Promise.all([this.refining, step]);
  }

  /** Resolves once the map has drawn everything it was given. */
  async drawn() {
    await this.refining;
    return new Promise((resolve) => {
      if (this.map.loaded() && !this.map.isMoving()) { this.map.once("idle", resolve); this.map.triggerRepaint(); }
      else this.map.once("idle", resolve);
    });
  }
}
