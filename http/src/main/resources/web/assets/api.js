// The dashboard's calls to the merchant API (docs/api.md). The session is the HttpOnly jwt
// cookie; every state-changing call echoes the csrf cookie in X-CSRF-Token (double submit). A call
// given an API key sends it as a Bearer token instead.

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `The server answered ${status}.`);
    this.status = status;
    this.problem = problem ?? {};
    /** [{field, message}] of a validation problem. */
    this.fieldErrors = Array.isArray(problem?.errors) ? problem.errors : [];
  }
}

function cookie(name) {
  for (const part of document.cookie.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return null;
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);
let onUnauthorized = () => {};
let onReauthenticationRequired = null;

/** Called with the error when the server answers 401 to a session call (the session ended). */
export function whenUnauthorized(handler) {
  onUnauthorized = handler;
}

/**
 * Called when a session's change answers 403 reauthentication-required (the password was not
 * confirmed within the last minutes). The handler asks for the password and confirms it; it resolves
 * true once confirmed, and the change is then repeated once; false leaves the 403 to the caller.
 */
export function whenReauthenticationRequired(handler) {
  onReauthenticationRequired = handler;
}

function needsReauthentication(status, problem) {
  return status === 403 && typeof problem?.type === 'string' && problem.type.endsWith('reauthentication-required');
}

export async function call(method, path, {body, apiKey, idempotencyKey, repeated} = {}) {
  const headers = {Accept: 'application/json, application/problem+json'};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (apiKey) {
    headers.Authorization = `Bearer ${apiKey}`;
  } else if (!SAFE.has(method)) {
    const csrf = cookie('csrf');
    if (csrf) headers['X-CSRF-Token'] = csrf;
  }
  if (idempotencyKey) headers['Idempotency-Key'] = idempotencyKey;
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, {detail: 'The server cannot be reached. Check your connection and try again.'});
  }
  const text = await response.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = {detail: text.slice(0, 200)};
    }
  }
  if (!response.ok) {
    if (!apiKey && !repeated && onReauthenticationRequired && needsReauthentication(response.status, data)
        && await onReauthenticationRequired()) {
      return call(method, path, {body, apiKey, idempotencyKey, repeated: true});
    }
    const error = new ApiError(response.status, data);
    if (response.status === 401 && !apiKey && !path.startsWith('/api/v1/auth/')) onUnauthorized(error);
    throw error;
  }
  return data;
}

export const get = (path, options) => call('GET', path, options);
export const post = (path, body, options) => call('POST', path, {...options, body});
export const put = (path, body, options) => call('PUT', path, {...options, body});
export const del = (path, options) => call('DELETE', path, options);

/** A query string of the given parameters, leaving out empty ones. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') q.set(k, v);
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}
