// The browser's session: the access token in memory (never in storage), the refresh token
// in Krilin's HttpOnly cookie (Path=/api/v1/auth, SameSite=Strict), which the server honours
// only with the header X-Requested-With: krilin (docs/accounts.md).
//
// States: loading (restoring at start) → signed-in | signed-out; signed-in → expired when a
// refresh fails mid-session. While expired the desktop stays on screen (nothing typed is
// lost), a sign-in dialog asks for the password again, and calls that need a token wait for
// it (waitForToken) and then go on.
//
// Refresh tokens are single-use and a replay ends the whole session, so two tabs must never
// present the same cookie: refreshes are serialised across tabs with the Web Locks API (the
// second tab then sends the cookie the first one received), and once per tab at a time.
import type { TokenPair, User } from './api-types';
import { ApiError, errorFromBody, networkError } from './api-error';

export type SessionState =
  | { status: 'loading' }
  | { status: 'signed-out'; reason?: 'expired' | 'signed-out' | undefined }
  | { status: 'signed-in'; user: User }
  | { status: 'expired'; user: User };

const REFRESH_MARGIN_MS = 60_000;

let state: SessionState = { status: 'loading' };
let accessToken: string | null = null;
let expiresAt = 0;
let inflightRefresh: Promise<boolean> | null = null;
let waiters: Array<{ resolve: (t: string) => void; reject: (e: unknown) => void }> = [];
const listeners = new Set<() => void>();
const channel: BroadcastChannel | null =
  typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel('krilin.session');

function setState(next: SessionState) {
  state = next;
  for (const l of listeners) l();
}

export function getSession(): SessionState {
  return state;
}

export function subscribeSession(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

// The access token's claims we read (aal: 2 after a sign-in with a second factor).
export function tokenClaims(): { aal?: number; sid?: string } {
  if (!accessToken) return {};
  try {
    const payload = accessToken.split('.')[1] ?? '';
    return JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as { aal?: number; sid?: string };
  } catch {
    return {};
  }
}

// After sign-up, sign-in, MFA verification or a refresh.
export function acceptTokens(pair: TokenPair): void {
  accessToken = pair.access_token;
  expiresAt = Date.now() + pair.expires_in * 1000;
  const pending = waiters;
  waiters = [];
  for (const w of pending) w.resolve(pair.access_token);
  setState({ status: 'signed-in', user: pair.user });
}

// The user changed (renamed, time zone): keep the session's copy in step.
export function updateUser(user: User): void {
  if (state.status === 'signed-in' || state.status === 'expired') setState({ ...state, user });
}

// Ends the session in this tab (and tells the other tabs). Calls waiting for a token fail.
export function endSession(reason: 'expired' | 'signed-out' = 'signed-out', broadcast = true): void {
  accessToken = null;
  expiresAt = 0;
  const pending = waiters;
  waiters = [];
  const err = new ApiError(401, 'signed_out', 'You are signed out.');
  for (const w of pending) w.reject(err);
  if (broadcast) channel?.postMessage({ type: 'signed-out' });
  setState({ status: 'signed-out', reason });
}

channel?.addEventListener('message', (ev: MessageEvent<{ type?: string }>) => {
  if (ev.data?.type === 'signed-out' && state.status !== 'signed-out') endSession('signed-out', false);
});

async function withRefreshLock<T>(fn: () => Promise<T>): Promise<T> {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  if (!locks) return fn();
  return locks.request('krilin.refresh', fn) as Promise<T>;
}

async function postRefresh(): Promise<TokenPair | null> {
  let res: Response;
  try {
    res = await fetch('/api/v1/auth/refresh', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', 'x-requested-with': 'krilin' },
      body: '{}',
    });
  } catch {
    throw networkError();
  }
  if (res.ok) return (await res.json()) as TokenPair;
  if (res.status === 401 || res.status === 403) return null;
  throw errorFromBody(res.status, await res.json().catch(() => null));
}

// Trades the cookie for a new pair. True when it worked; false when the session is over
// (no cookie, expired, revoked). Network failures throw (the session may still be fine).
export function refresh(): Promise<boolean> {
  if (!inflightRefresh) {
    inflightRefresh = withRefreshLock(async () => {
      const pair = await postRefresh();
      if (pair) acceptTokens(pair);
      return pair !== null;
    }).finally(() => {
      inflightRefresh = null;
    });
  }
  return inflightRefresh;
}

// At start: is there a session to continue?
export async function restoreSession(): Promise<void> {
  try {
    if (!(await refresh())) setState({ status: 'signed-out' });
  } catch {
    // Offline at start: nothing to restore from; the sign-in screen says so when used.
    setState({ status: 'signed-out' });
  }
}

// The session ended under the person's feet: keep the screen, ask for the password again.
function expire(): void {
  accessToken = null;
  if (state.status === 'signed-in') setState({ status: 'expired', user: state.user });
  else if (state.status !== 'expired') setState({ status: 'signed-out', reason: 'expired' });
}

function waitForReauth(): Promise<string> {
  if (state.status !== 'expired') return Promise.reject(new ApiError(401, 'signed_out', 'You are signed out.'));
  return new Promise((resolve, reject) => waiters.push({ resolve, reject }));
}

// A token good for at least a minute: refreshed first when it is about to expire; while the
// session is expired, waits until the person signed in again.
export async function waitForToken(): Promise<string> {
  if (state.status === 'expired') return waitForReauth();
  if (accessToken && Date.now() < expiresAt - REFRESH_MARGIN_MS) return accessToken;
  if (await refresh()) return accessToken as unknown as string;
  expire();
  return waitForReauth();
}

// A call answered 401 with this token: refresh once (unless someone already did), else
// expire and wait for the person.
export async function recoverFrom401(usedToken: string): Promise<string> {
  if (accessToken && accessToken !== usedToken) return accessToken;
  accessToken = null;
  if (await refresh()) return accessToken as unknown as string;
  expire();
  return waitForReauth();
}

// For tests.
export function resetSessionForTest(next: SessionState = { status: 'loading' }, token: string | null = null): void {
  accessToken = token;
  expiresAt = token ? Date.now() + 15 * 60_000 : 0;
  waiters = [];
  inflightRefresh = null;
  setState(next);
}
