import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { resetSessionForTest } from '@/lib/session';
import { fakeFetch, renderWithProviders } from '@/testing/render';
import { NotificationsBell } from './notifications-bell';

const user = { id: 'u', email: 'a@b.c', name: 'A', role: 'user', created_at: 0, time_zone: 'UTC' };
const note = (id: string, title: string) => ({
  id,
  app_id: 'habit-tracker',
  title,
  body: 'Run',
  link: '/apps/habit-tracker',
  priority: 'normal',
  delivered_at: Date.now() - 60_000,
  read_at: null,
  created_at: Date.now() - 60_000,
});

beforeEach(() => resetSessionForTest({ status: 'signed-in', user }, 'token'));
afterEach(() => {
  resetSessionForTest();
  vi.unstubAllGlobals();
});

function serve({ readAllFails }: { readAllFails: boolean }) {
  let read = false;
  const f = fakeFetch([
    {
      path: /^\/api\/v1\/notifications\?/,
      reply: () => ({
        notifications: [note('n1', '1 habit left today'), note('n2', 'Weekly summary')].map((n) => ({ ...n, read_at: read ? 1 : null })),
        unread: read ? 0 : 2,
        next_cursor: null,
      }),
    },
    {
      method: 'POST',
      path: '/api/v1/notifications/read-all',
      reply: () => {
        if (readAllFails) return [503, { error: { code: 'overloaded', message: 'Busy.', retryable: true } }];
        read = true;
        return { marked: 2 };
      },
    },
  ]);
  vi.stubGlobal('fetch', vi.fn(f.impl));
  return f;
}

const apps = [{ id: 'habit-tracker', name: 'Habit Tracker', icon: 'flame' }];

describe('the notifications bell', () => {
  it('shows the unread count, lists them, and marks all read', async () => {
    const f = serve({ readAllFails: false });
    renderWithProviders(<NotificationsBell apps={apps} />);
    const bell = await screen.findByRole('button', { name: 'Notifications, 2 unread' });
    await userEvent.click(bell);
    expect(await screen.findByText('1 habit left today')).toBeInTheDocument();
    expect(screen.getByText('Weekly summary')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: /Mark all read/ }));
    await waitFor(() => expect(screen.getByRole('button', { name: 'Notifications' })).toBeInTheDocument());
    expect(f.calls.some((c) => c.method === 'POST' && c.path === '/api/v1/notifications/read-all')).toBe(true);
  });

  it('puts the badge back, with a toast, when marking all read fails', async () => {
    serve({ readAllFails: true });
    renderWithProviders(<NotificationsBell apps={apps} />);
    await userEvent.click(await screen.findByRole('button', { name: 'Notifications, 2 unread' }));
    await userEvent.click(await screen.findByRole('button', { name: /Mark all read/ }));
    expect((await screen.findAllByText('Could not mark them read'))[0]).toBeInTheDocument();
    expect(await screen.findByRole('button', { name: 'Notifications, 2 unread' })).toBeInTheDocument();
  });
});
