// The one way the desktop talks to Krilin: JSON over fetch, the access token attached (and
// renewed, see session.ts), every failure an ApiError. Feature API files call `api` and
// nothing else.
import { ApiError, errorFromBody, networkError } from './api-error';
import { recoverFrom401, waitForToken } from './session';

export interface ApiOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT';
  body?: unknown;
  signal?: AbortSignal | undefined;
  // false for the calls made before there is a session (sign-in, sign-up, MFA).
  auth?: boolean;
  headers?: Record<string, string>;
}

async function send(path: string, opts: ApiOptions, token: string | null): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  try {
    return await fetch(path, {
      method: opts.method ?? (opts.body === undefined ? 'GET' : 'POST'),
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: opts.signal ?? null,
      credentials: 'same-origin',
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw networkError();
  }
}

async function parse<T>(res: Response): Promise<T> {
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let body: unknown = null;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = null;
    }
  }
  if (!res.ok) throw errorFromBody(res.status, body);
  return body as T;
}

export async function api<T>(path: string, opts: ApiOptions = {}): Promise<T> {
  const auth = opts.auth ?? true;
  let token = auth ? await waitForToken() : null;
  let res = await send(path, opts, token);
  if (auth && res.status === 401 && token) {
    // Expired or revoked under us: renew (or wait for the person to sign in again), retry once.
    token = await recoverFrom401(token);
    res = await send(path, opts, token);
  }
  return parse<T>(res);
}

// POST /api/v1/apps/{app}/action — the body of every app action call; answers `data`.
export async function runAction<T>(app: string, action: string, params: object = {}, signal?: AbortSignal): Promise<T> {
  const out = await api<{ data: T }>(`/api/v1/apps/${encodeURIComponent(app)}/action`, {
    method: 'POST',
    body: { action, params },
    signal,
  });
  return out.data;
}

export { ApiError };

// A POST whose answer is a stream (text/event-stream): the token attached and renewed like
// `api`, errors before the stream starts thrown as ApiError (the JSON envelope); answers
// the Response, its body unread.
export async function apiStream(path: string, body: unknown, signal?: AbortSignal): Promise<Response> {
  const opts: ApiOptions = { method: 'POST', body, signal, headers: { accept: 'text/event-stream' } };
  let token = await waitForToken();
  let res = await send(path, opts, token);
  if (res.status === 401) {
    token = await recoverFrom401(token);
    res = await send(path, opts, token);
  }
  if (!res.ok || !(res.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
    await parse<unknown>(res); // throws the envelope's error
    throw new ApiError(res.status, 'unexpected_answer', 'The server did not answer with a stream.');
  }
  return res;
}
