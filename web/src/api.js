// The JSON API: GET with query parameters, POST with a JSON body; errors carry the server's
// one-line `detail`. A "channel" keeps only its latest request alive (sliders fire fast).

export class ApiError extends Error {
  constructor(message, status) {
    super(message);
    this.status = status;
  }
}

const channels = new Map();

function url(path, params) {
  const u = new URL(path, window.location.origin);
  for (const [key, value] of Object.entries(params || {})) {
    if (value !== null && value !== undefined && value !== "") u.searchParams.set(key, value);
  }
  return u;
}

async function read(response) {
  if (response.ok) return response.json();
  let message = `${response.status} ${response.statusText}`;
  try {
    const body = await response.json();
    if (body && typeof body.detail === "string") message = body.detail;
    else if (body && Array.isArray(body.detail)) message = body.detail.map((d) => d.msg).join("; ");
  } catch {
    // not JSON: keep the status line
  }
  throw new ApiError(message, response.status);
}

/** GET path?params; with `channel`, an older request on the same channel is aborted. */
export async function get(path, params, channel) {
  let signal;
  if (channel) {
    channels.get(channel)?.abort();
    const controller = new AbortController();
    channels.set(channel, controller);
    signal = controller.signal;
  }
  const response = await fetch(url(path, params), { headers: { Accept: "application/json" }, signal });
  return read(response);
}

export async function post(path, body) {
  const response = await fetch(url(path), {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify(body),
  });
  return read(response);
}

export function isAbort(err) {
  return err && err.name === "AbortError";
}
