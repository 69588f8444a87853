import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { fakeFetch, json } from '@/testing/render';
import { api } from './api-client';
import { ApiError } from './api-error';
import { acceptTokens, getSession, resetSessionForTest } from './session';

const user = { id: 'u1', email: 'ada@example.com', name: 'Ada', role: 'admin', created_at: 0, time_zone: 'UTC' };
const pair = (token: string) => ({ access_token: token, token_type: 'Bearer' as const, expires_in: 900, refresh_token: 'r', user });

beforeEach(() => resetSessionForTest({ status: 'signed-in', user }, 'old-token'));
afterEach(() => resetSessionForTest());

describe('the API client', () => {
  it('sends the access token and answers the JSON', async () => {
    const f = fakeFetch([{ path: '/api/v1/me', reply: user }]);
    vi.stubGlobal('fetch', vi.fn(f.impl));
    await expect(api('/api/v1/me')).resolves.toEqual(user);
    expect(vi.mocked(fetch).mock.calls[0]?.[1]?.headers).toMatchObject({ authorization: 'Bearer old-token' });
  });

  it('turns the error envelope into an ApiError with a hint of what to do', async () => {
    const f = fakeFetch([{ method: 'POST', path: '/api/v1/apps/x/action', reply: [409, { error: { code: 'app_disabled', message: 'X is off.', retryable: false, app_id: 'x' } }] }]);
    vi.stubGlobal('fetch', vi.fn(f.impl));
    const err = await api('/api/v1/apps/x/action', { method: 'POST', body: {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 409, code: 'app_disabled', appId: 'x', message: 'X is off.' });
    expect((err as ApiError).hint).toMatch(/App catalog/);
  });

  it('says the server could not be reached when fetch fails', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))));
    await expect(api('/api/v1/me')).rejects.toMatchObject({ code: 'network_error', retryable: true });
  });

  it('refreshes with the cookie once after a 401, then retries with the new token', async () => {
    let meCalls = 0;
    const f = fakeFetch([
      { path: '/api/v1/me', reply: () => (++meCalls === 1 ? [401, { error: { code: 'invalid_token', message: 'expired', retryable: false } }] : user) },
      { method: 'POST', path: '/api/v1/auth/refresh', reply: pair('new-token') },
    ]);
    vi.stubGlobal('fetch', vi.fn(f.impl));
    await expect(api('/api/v1/me')).resolves.toEqual(user);
    expect(f.calls.map((c) => `${c.method} ${c.path}`)).toEqual(['GET /api/v1/me', 'POST /api/v1/auth/refresh', 'GET /api/v1/me']);
    const refresh = vi.mocked(fetch).mock.calls[1]?.[1];
    expect(refresh?.headers).toMatchObject({ 'x-requested-with': 'krilin' });
    expect(refresh?.credentials).toBe('same-origin');
  });

  it('when the session is over, keeps the screen (expired) and goes on once the person signed in again', async () => {
    let meCalls = 0;
    const f = fakeFetch([
      { path: '/api/v1/me', reply: () => (++meCalls === 1 ? [401, { error: { code: 'invalid_token', message: 'revoked', retryable: false } }] : user) },
      { method: 'POST', path: '/api/v1/auth/refresh', reply: [401, { error: { code: 'invalid_refresh_token', message: 'no', retryable: false } }] },
    ]);
    vi.stubGlobal('fetch', vi.fn(f.impl));
    const pending = api('/api/v1/me');
    await vi.waitFor(() => expect(getSession().status).toBe('expired'));
    acceptTokens(pair('after-sign-in'));
    await expect(pending).resolves.toEqual(user);
    expect(vi.mocked(fetch).mock.calls.at(-1)?.[1]?.headers).toMatchObject({ authorization: 'Bearer after-sign-in' });
  });

  it('does not send a token, nor refresh, for the calls made before signing in', async () => {
    resetSessionForTest({ status: 'signed-out' });
    const fetchMock = vi.fn(async () => json(401, { error: { code: 'invalid_credentials', message: 'No.', retryable: false } }));
    vi.stubGlobal('fetch', fetchMock);
    await expect(api('/api/v1/auth/login', { method: 'POST', body: {}, auth: false })).rejects.toMatchObject({ code: 'invalid_credentials' });
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });
});
