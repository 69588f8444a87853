import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import type { AppSummary } from '@/lib/api-types';
import { resetSessionForTest } from '@/lib/session';
import { fakeFetch, renderWithProviders } from '@/testing/render';
import { UninstallDialog } from './uninstall-dialog';

const habitTracker = { id: 'habit-tracker', name: 'Habit Tracker' } as AppSummary;
const names: Record<string, string> = { dashboard: 'Analytics Dashboard', 'habit-tracker': 'Habit Tracker' };
const user = { id: 'u', email: 'a@b.c', name: 'A', role: 'user', created_at: 0, time_zone: 'UTC' };

beforeEach(() => resetSessionForTest({ status: 'signed-in', user }, 'token'));
afterEach(() => resetSessionForTest());

function setup(modes: Array<string | undefined>) {
  const f = fakeFetch([
    {
      method: 'POST',
      path: '/api/v1/apps/habit-tracker/uninstall',
      reply: (body: unknown) => {
        const mode = (body as { mode?: string }).mode;
        modes.push(mode);
        if (!mode)
          return [409, { error: { code: 'has_dependents', message: 'Analytics Dashboard needs Habit Tracker.', retryable: false, details: { dependents: ['dashboard'] } } }];
        return { uninstalled: mode === 'cascade' ? ['dashboard', 'habit-tracker'] : [] };
      },
    },
  ]);
  vi.stubGlobal('fetch', vi.fn(f.impl));
  const onClose = vi.fn();
  renderWithProviders(<UninstallDialog app={habitTracker} nameOf={(id) => names[id] ?? id} onClose={onClose} />);
  return onClose;
}

describe('uninstalling an app others need', () => {
  it('shows who needs it, then removes them all on "Uninstall all"', async () => {
    const modes: Array<string | undefined> = [];
    const onClose = setup(modes);
    await userEvent.click(screen.getByRole('button', { name: 'Uninstall' }));
    const dialog = await screen.findByRole('dialog', { name: 'Other apps need Habit Tracker' });
    expect(dialog).toHaveTextContent('Analytics Dashboard needs Habit Tracker to work.');
    await userEvent.click(screen.getByRole('button', { name: 'Uninstall all 2 apps' }));
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(modes).toEqual([undefined, 'cascade']);
    expect((await screen.findAllByText('Habit Tracker and 1 app uninstalled'))[0]).toBeInTheDocument();
  });

  it('only switches it off on "Only switch off"', async () => {
    const modes: Array<string | undefined> = [];
    const onClose = setup(modes);
    await userEvent.click(screen.getByRole('button', { name: 'Uninstall' }));
    await screen.findByRole('dialog', { name: 'Other apps need Habit Tracker' });
    await userEvent.click(screen.getByRole('button', { name: 'Only switch off' }));
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(modes).toEqual([undefined, 'disable']);
    expect((await screen.findAllByText('Habit Tracker is switched off'))[0]).toBeInTheDocument();
  });
});
