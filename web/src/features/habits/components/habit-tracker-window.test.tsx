import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { resetSessionForTest } from '@/lib/session';
import { fakeFetch, renderWithProviders } from '@/testing/render';
import type { HabitList } from '../types';
import { HabitTrackerWindow } from './habit-tracker-window';

const user = { id: 'u', email: 'a@b.c', name: 'A', role: 'user', created_at: 0, time_zone: 'UTC' };
const list = (done: boolean, current: number): HabitList => ({
  date: '2026-12-01',
  habits: [
    {
      id: '01a2-run',
      data: { name: 'Run', schedule: { kind: 'daily' }, target: 1, active: true, archived: false },
      version: 1,
      created_at: 0,
      updated_at: 0,
      streak: { current, best: 4 },
      due_today: true,
      done_today: done,
    },
  ],
});

beforeEach(() => resetSessionForTest({ status: 'signed-in', user }, 'token'));
afterEach(() => resetSessionForTest());

function serve({ logFails }: { logFails: boolean }) {
  let done = false;
  let release: () => void = () => undefined;
  const gate = new Promise<void>((r) => (release = r));
  const f = fakeFetch([
    {
      method: 'POST',
      path: '/api/v1/apps/habit-tracker/action',
      reply: async (body: unknown) => {
        const { action } = body as { action: string };
        if (action === 'list_habits') return { data: list(done, done ? 3 : 2) };
        if (action === 'log_completion') {
          await gate;
          if (logFails) return [503, { error: { code: 'overloaded', message: 'The server is busy.', retryable: true } }];
          done = true;
          return { data: { log: {}, streak: { current: 3, best: 4 }, already_logged: false } };
        }
        return [404, { error: { code: 'unknown_action', message: '?', retryable: false } }];
      },
    },
    { method: 'POST', path: '/api/v1/apps/habit-tracker/query', reply: { items: [], next_cursor: null } },
  ]);
  // fakeFetch's reply may be async here.
  const impl = async (input: RequestInfo | URL, init?: RequestInit) => f.impl(input, init);
  vi.stubGlobal('fetch', vi.fn(impl));
  return { release };
}

describe('checking a habit today', () => {
  it('shows it done and the streak up at once, before the server answers', async () => {
    const { release } = serve({ logFails: false });
    renderWithProviders(<HabitTrackerWindow />);
    await userEvent.click(await screen.findByRole('checkbox', { name: 'Run: not done yet today' }));
    expect(await screen.findByRole('checkbox', { name: 'Run: done today' })).toBeChecked();
    expect(screen.getAllByText('Streak: 3 days, best 4').length).toBeGreaterThan(0);
    expect(screen.getByText('All done today')).toBeInTheDocument();
    release();
    await waitFor(() => expect(screen.getByRole('checkbox', { name: 'Run: done today' })).toBeChecked());
  });

  it('rolls back when the server says no, and the toast says what to do', async () => {
    const { release } = serve({ logFails: true });
    renderWithProviders(<HabitTrackerWindow />);
    await userEvent.click(await screen.findByRole('checkbox', { name: 'Run: not done yet today' }));
    await screen.findByRole('checkbox', { name: 'Run: done today' });
    release();
    expect(await screen.findByRole('checkbox', { name: 'Run: not done yet today' })).not.toBeChecked();
    expect((await screen.findAllByText('Logging “Run” did not work'))[0]).toBeInTheDocument();
    expect(screen.getAllByText('The server is busy. Try again in a moment.')[0]).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Retry' })).toBeInTheDocument();
    expect(screen.getAllByText('Streak: 2 days, best 4').length).toBeGreaterThan(0);
  });
});
