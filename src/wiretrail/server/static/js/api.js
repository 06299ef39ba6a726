// The JSON API. A token (when reading needs one) is kept for this tab only.

const TOKEN_KEY = "wiretrail-token";

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export function setToken(token) {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

export async function getJSON(path, params = {}) {
  const url = new URL(path, window.location.origin);
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") url.searchParams.set(key, value);
  }
  const headers = { Accept: "application/json" };
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(url, { headers });
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  if (!response.ok) throw new ApiError(response.status, (body && body.error) || `${response.status} ${response.statusText}`);
  return body;
}

// Every page of a listing (the views show whole tables; `cap` keeps a huge record bounded).
export async function getAll(path, params = {}, cap = 2000) {
  const items = [];
  let offset = 0;
  while (offset !== null && items.length < cap) {
    const page = await getJSON(path, { ...params, limit: 500, offset });
    items.push(...page.items);
    offset = page.next_offset;
  }
  return items;
}
