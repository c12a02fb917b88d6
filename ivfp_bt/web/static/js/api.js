// Requests to the server, carrying the page's token (from its address) when there is one.
const token = new URLSearchParams(location.search).get("token");

export function withToken(path) {
  if (!token) return path;
  return path + (path.includes("?") ? "&" : "?") + "token=" + encodeURIComponent(token);
}

export async function getJSON(path) {
  const response = await fetch(withToken(path));
  const body = await response.json();
  if (!response.ok) throw new Error(body.error || response.statusText);
  return body;
}

export function socketURL() {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return withToken(`${scheme}//${location.host}/ws`);
}
