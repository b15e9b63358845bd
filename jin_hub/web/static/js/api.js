// The hub's JSON API, as the page's session cookie signs it in. X-Requested-With keeps the
// browser's own password box away from a 401 (the hub then answers with a Bearer challenge).

/** A request the hub refused because nobody (or an expired session) is signed in. */
export class SignInNeeded extends Error {}

async function problem(response) {
  try {
    const body = await response.json();
    return body.detail || `${response.status} ${response.statusText}`;
  } catch {
    return `the hub answered ${response.status} ${response.statusText}`;
  }
}

async function send(path, options) {
  let response;
  try {
    response = await fetch(path, { credentials: "same-origin", ...options,
      headers: { "X-Requested-With": "jin-web", Accept: "application/json", ...(options.headers || {}) } });
  } catch {
    throw new Error("the hub cannot be reached: check your connection, or try again if the hub is restarting");
  }
  if (response.status === 401) throw new SignInNeeded(await problem(response));
  if (!response.ok) throw new Error(await problem(response));
  return response.json();
}

/** GET a JSON document; ``params`` become the query string (empty values left out). */
export function getJSON(path, params = {}) {
  const query = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== "" && v != null));
  return send(query.toString() ? `${path}?${query}` : path, { method: "GET" });
}

/** POST a form (the session's CSRF token included by the caller). */
export function postForm(path, fields) {
  return send(path, { method: "POST", body: new URLSearchParams(fields),
    headers: { "Content-Type": "application/x-www-form-urlencoded" } });
}
