// The page: sign in, then make a map. Its state lives in the URL, so a link reproduces the map.
// The area profile and the comparison of two datasets are further <main> sections, in the URL too.
/* global maplibregl */
import { getJSON, postForm, SignInNeeded } from "./api.js";
import * as choices from "./choices.js";
import { classify, classOf, colour } from "./classes.js";
import { drawLegend, drawNotes, drawTable } from "./legend.js";
import { boundaries, MapView } from "./mapview.js";
import { drawCompare } from "./compare.js";
import * as exporting from "./exporting.js";
import { drawProfile, fetchProfile } from "./profile.js";
import * as views from "./views.js";

const $ = (id) => document.getElementById(id);
const jin = (window.jin = { timings: {} });          // read by the browser tests (timings, the map)
let session, config, catalogue, zones, view;
const PAGES = ["sign-in-page", "map-page", "profile-page", "compare-page"];
const ENDED = "You are not signed in (your session ended, or the hub forgot it): sign in, and the page takes " +
  "you back to what you asked for.";

function say(text, kind = "error") {
  const box = $("message");
  box.textContent = text && text[0].toUpperCase() + text.slice(1);    // the hub's messages start in lower case
  box.className = kind;
  box.hidden = !text;
}

function showPage(id) {
  for (const page of PAGES) $(page).hidden = page !== id;
}

function showWho() {
  $("who").hidden = false;
  $("who-name").textContent = session.user ? `Signed in as ${session.user} (${session.agency})`
    : "Viewing published maps without signing in";
  $("sign-out").querySelector("button").textContent = session.user ? "Sign out" : "Sign in";
}

function showSignIn(notice) {
  showPage("sign-in-page");
  $("who").hidden = true;
  $("anonymous-link").hidden = !session.anonymous;
  if (notice) say(notice, "info");
  $("username").focus();
}

/** Whatever went wrong, in the page: a session that ended goes back to signing in. */
function failed(error) {
  // (the hub's own words for a missing cookie speak of HTTP Basic and API keys, which mean nothing here)
  if (error instanceof SignInNeeded) return showSignIn(/expired|no longer active/.test(error.message) ? error.message : ENDED);
  say(error.message);
}

/** A geography's areas (those in ``zone``, if given) in lon/lat: the hub's coarsest before the map
 *  has drawn any (it zooms to them first, then fetches the detail it needs), else at the detail
 *  the map needs now. */
function boundariesOf(geography, zone) {
  return boundaries({ geography, zone }, view?.areas ? view.wanted() : undefined);
}

const NUMBER = new Intl.NumberFormat("en-GB");      // (one formatter: toLocaleString makes one a call)

function shown(status, row, measure, unit) {
  if (status === "suppressed") return "withheld (protects privacy)";
  if (status === "no_data") return "no data";
  const value = measure === "rate" ? row[3] : row[1];
  return value == null ? "no data" : `${NUMBER.format(value)}${measure === "rate" ? ` ${unit}` : ""}`;
}

/** Boundaries joined to values: each area's status (as the plugin's), value, class colour and words. */
function joined(areas, values, state, entry) {
  const rows = new Map(values.rows.map((r) => [r[0], r]));
  const unit = entry.rate ? entry.rate.label : "";
  const features = areas.features.map((f) => {
    const row = rows.get(f.properties.area_code);
    let status = !row ? "no_data" : row[2] ? "suppressed" : row[1] === 0 ? "zero" : "value";
    const value = row && status === "value" ? (state.measure === "rate" ? row[3] : row[1]) : null;
    if (status === "value" && value == null) status = "no_data";
    return { type: "Feature", geometry: f.geometry,
      properties: { ...f.properties, status, value, shown: shown(status, row, state.measure, unit) } };
  });
  const ramp = config.themes[entry.theme] || config.themes.crime;
  // (the legend's title gives the unit, so the class labels stay short)
  const classes = classify(features.filter((f) => f.properties.status === "value").map((f) => f.properties.value));
  const colours = classes.map((_, i) => colour(ramp, i, classes.length));
  const special = { zero: config.special.zero, suppressed: config.special.suppressed, no_data: config.special.no_data };
  for (const f of features) {
    const p = f.properties;
    p.fill = p.status === "value" ? colours[classOf(classes, p.value)] : special[p.status] || null;
  }
  return { type: "FeatureCollection", features, classes, colours };
}

function title(state, entry) {
  const category = state.category === "all" ? "" : ` — ${state.category}`;
  const measure = state.measure === "rate" ? `rate ${entry.rate.label}` : entry.units;
  return `${entry.title}${category}, ${choices.periodLabel(entry, state.period)}: ` +
    `${measure} by ${catalogue.geographies[state.geography].title.toLowerCase()}`;
}

/** Draw the map the state describes (the choices settled against the catalogue first); null if a
 *  later choice overtook it while its data came. */
async function draw(wanted, fit) {
  const started = performance.now(), turn = (jin.draws = (jin.draws || 0) + 1);
  const settled = choices.settle(catalogue, zones, wanted);
  const { state, entry } = settled;
  choices.render($("choices-form"), catalogue, zones, settled);
  history.replaceState(null, "", choices.toUrl(state));
  if (settled.problems.length) say(`This link asked for something not published: ${settled.problems.join("; ")}. ` +
    "Showing the nearest published map instead.", "info");
  const [areas, values] = await Promise.all([boundariesOf(state.geography, state.zone),
    getJSON(`/api/v1/values/${state.dataset}/${state.geography}`,
      { period: state.period, category: state.category, zone: state.zone })]);
  if (turn !== jin.draws) return null;
  const collection = await view.show(joined(areas, values, state, entry), areas,
    fit && ((detail) => joined(detail, values, state, entry)));
  if (!collection) return null;
  const counts = {};
  collection.features.forEach((f) => { counts[f.properties.status] = (counts[f.properties.status] || 0) + 1; });
  drawLegend($("legend"), collection.classes, collection.colours, config.special, counts);
  $("legend-title").textContent = state.measure === "rate" ? `Rate ${entry.rate.label}` : `Count (${entry.units})`;
  drawNotes({ disclosure: $("disclosure"), noise: $("noise"), licence: $("licence") }, entry);
  drawTable($("table-body"), collection.features, state.measure);
  $("map-title").textContent = title(state, entry);
  document.title = `${title(state, entry)} — JiN`;
  await view.drawn();
  jin.state = state;
  jin.collection = collection;
  return performance.now() - started;
}

/** Count the maps drawn, where the browser tests can wait for it with a CSS selector. */
function announce() {
  document.body.dataset.drawn = String(Number(document.body.dataset.drawn || 0) + 1);
}

async function openMap() {
  showPage("map-page");
  showWho();
  if (!view) {                                    // (its style loads while the catalogue comes)
    view = jin.view = new MapView($("map"), config, (p) => {
      $("hover").textContent = p ? `${p.area_name} (${p.district_name}): ${p.shown}` : "";
    });
  }
  [catalogue, { zones }] = await Promise.all([getJSON("/api/v1/catalogue"), getJSON("/api/v1/zones"), view.ready]);
  if (!catalogue.datasets.some((d) => d.theme !== "reference")) return say("This hub publishes no datasets yet.");
  await draw(choices.fromUrl(location.search), true);
  requestAnimationFrame(() => { jin.timings.firstPainted = performance.now(); });  // on screen, since the page began
  announce();
  view.setDistricts(await boundariesOf("district"));
  document.body.dataset.districts = "shown";
}

async function changed(event) {
  const wanted = choices.read($("choices-form"));
  const which = event.target.name || event.target.id;
  say("");
  try {
    const took = await draw(wanted, which === "zone" || which === "geography");
    if (took === null) return;
    jin.timings[`switch:${which}`] = took;
    announce();
  } catch (error) { failed(error); }
}

async function signIn(event) {
  event.preventDefault();
  jin.timings.signIn = performance.now();
  const form = event.target, asked = views.fromUrl(location.search);
  try {
    session = await getJSON("/web/session");       // a fresh token: the cookie may have ended meanwhile
    session = await postForm("/web/sign-in", { username: form.username.value, password: form.password.value,
      csrf: session.csrf });
    form.password.value = "";
    say("");
    await openMap();
    await route(asked);
  } catch (error) {
    form.password.value = "";
    form.password.focus();
    say(error.message);
  }
}

async function signOut(event) {
  event.preventDefault();
  if (!session.user) return showSignIn();
  try {
    session = await postForm("/web/sign-out", { csrf: session.csrf });
    say("You have signed out.", "info");
    showSignIn();
  } catch (error) { failed(error); }
}

async function copyLink() {
  const link = location.href;
  try { await navigator.clipboard.writeText(link); $("copied").textContent = "Link copied."; }
  catch { $("copied").textContent = `Copy this link: ${link}`; }
}

async function start() {
  maplibregl.prewarm();                          // its workers start while the page signs in
  $("sign-in").addEventListener("submit", signIn);
  $("sign-out").addEventListener("submit", signOut);
  $("choices-form").addEventListener("change", changed);
  $("choices-form").addEventListener("submit", (e) => e.preventDefault());
  $("copy-link").addEventListener("click", copyLink);
  $("view-anonymous").addEventListener("click", (e) => { e.preventDefault(); say(""); openMap().catch(failed); });
  try {
    [config, session] = await Promise.all([getJSON("/web/config.json"), getJSON("/web/session")]);
    if (session.user || session.anonymous) {
      if (session.notice) say(session.notice, "info");
      const asked = views.fromUrl(location.search);
      await openMap();
      await route(asked);
    } else showSignIn(session.notice);
  } catch (error) { failed(error); }
}

/** An area's profile for the map's dataset, measure and areas; focus goes to its heading. */
async function showProfile(area, push = true) {
  const started = performance.now(), state = jin.state;
  if (push) history.pushState({ from: "map" }, "", views.profileUrl(state, area));   // (so signing in comes back)
  try {
    const doc = await fetchProfile(state, area);
    const entry = catalogue.datasets.find((d) => d.id === state.dataset);
    drawProfile(doc, state, { catalogue, config, entry });
    document.title = `${doc.area.name}: ${doc.title} — JiN`;
    showPage("profile-page");
    say("");
    $("profile-title").focus();
    jin.timings.profile = performance.now() - started;
    document.body.dataset.profile = area;
  } catch (error) {
    if (!(error instanceof SignInNeeded)) {
      history.replaceState(null, "", choices.toUrl(state));
      error.message = `The profile of area '${area}' cannot be shown: ${error.message}. Choose an area on the map ` +
        "or in its table instead.";
    }
    failed(error);
  }
}

/** Two datasets compared; a link names them, and one not published to the user is said so in words. */
async function showCompare(wanted, push) {
  const started = performance.now();
  if (push) history.pushState({ from: "map" }, "", views.compareUrl(wanted));
  showPage("compare-page");
  say("");
  try {
    const compared = await drawCompare(wanted, { catalogue, config, boundariesOf });
    if (!compared) return;
    const { state, problems, view: shown } = compared;
    jin.compareView = shown;
    history.replaceState(history.state, "", views.compareUrl(state));
    if (problems.length) say(`This link asked for a comparison not published to you: ${problems.join("; ")}. ` +
      "Showing the nearest published comparison instead.", "info");
    document.title = `${$("compare-title").textContent} — JiN`;
    jin.timings.compare = performance.now() - started;
    document.body.dataset.compared = String(Number(document.body.dataset.compared || 0) + 1);
  } catch (error) {
    if (!(error instanceof SignInNeeded)) {                       // back to the map, never a blank one
      history.replaceState(null, "", choices.toUrl(jin.state));
      mapAgain();
      error.message = `The comparison cannot be shown: ${error.message}`;
    }
    return failed(error);
  }
  if (push) $("compare-title").focus();
}

/** Back to the map as it was, focus back where the profile was opened from. */
function backToMap() {
  if (history.state && history.state.from === "map") return history.back();   // (popstate shows the map)
  history.replaceState(null, "", choices.toUrl(jin.state));
  mapAgain();
}

function mapAgain() {
  showPage("map-page");
  document.title = `${$("map-title").textContent} — JiN`;
  view.map.resize();
  (jin.opener && document.contains(jin.opener) ? jin.opener : $("map-title")).focus();
}

/** The page a link asked for once the map is up: the map itself, a profile or the comparison. */
async function route(asked) {
  listenToAreas();
  exporting.watch(view);
  if (asked.view === "compare") return showCompare(asked, false);
  if (asked.view !== "profile") return;
  if (asked.dataset && asked.dataset !== jin.state.dataset) {
    return say(`This link asks for a profile in dataset '${asked.dataset}', which is not published to you: ` +
      "the map shows the nearest published dataset; choose an area on it for its profile.");
  }
  await showProfile(asked.area, false);
}

/** Areas open their profile from the map (click) and from the table (Enter, Space or click). */
function listenToAreas() {
  if (jin.listening) return;
  jin.listening = true;
  view.map.on("click", "areas-fill", (e) => {
    const code = e.features[0].properties.area_code, shown = view.shown.get(code);
    if (!shown) return;
    jin.opener = view.map.getCanvas();
    showProfile(code);
  });
  $("table-body").addEventListener("click", (e) => {
    const button = e.target.closest("button.area-link");
    if (!button) return;
    jin.opener = button;
    showProfile(button.dataset.area);
  });
  $("profile-back").addEventListener("click", backToMap);
  $("to-table").addEventListener("click", (e) => {
    e.preventDefault();
    $("table-view").open = true;
    $("table-view").querySelector("summary").focus();
  });
  $("open-compare").addEventListener("click", () => {
    jin.opener = $("open-compare");
    showCompare({ x: jin.state.dataset }, true);
  });
  $("compare-back").addEventListener("click", backToMap);
  $("compare-form").addEventListener("change", () => showCompare({ x: $("compare-x").value, y: $("compare-y").value,
    cperiod: $("compare-period").value, cgeography: $("compare-geography").value }, false));
  window.addEventListener("popstate", () => {
    const asked = views.fromUrl(location.search);
    if (asked.view === "compare") showCompare(asked, false);
    else if (asked.view === "profile" && asked.area) showProfile(asked.area, false);
    else if (asked.view === "map") mapAgain();
  });
}

window.addEventListener("DOMContentLoaded", start);
