// Which page the URL asks for beside the map's own choices: ``view=profile&area=…`` (an area's
// profile of the map's dataset) or ``view=compare&x=…&y=…`` (two datasets), so links to them work.
import { toUrl } from "./choices.js";

const COMPARE_KEYS = ["x", "y", "cperiod", "cgeography"];

/** The page a URL's query asks for, with its own keys (unchecked: each page checks them). */
export function fromUrl(search) {
  const q = new URLSearchParams(search);
  return { view: q.get("view") || "map", area: q.get("area") || "", dataset: q.get("dataset") || "",
    ...Object.fromEntries(COMPARE_KEYS.map((k) => [k, q.get(k) || ""])) };
}

/** The link to an area's profile: the map's state, so Back returns to the same map. */
export function profileUrl(state, area) {
  return `${toUrl(state)}&view=profile&area=${encodeURIComponent(area)}`;
}

export function compareUrl(wanted) {
  const q = new URLSearchParams([["view", "compare"], ...COMPARE_KEYS.filter((k) => wanted[k]).map((k) => [k, wanted[k]])]);
  return `${location.pathname}?${q}`;
}
