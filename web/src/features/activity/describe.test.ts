import { describe, expect, it } from 'vitest';

import type { AuditEntry } from './api/get-audit';
import { describeEntry, groupRuns } from './describe';

const names: Record<string, string> = { dashboard: 'Analytics Dashboard', 'habit-tracker': 'Habit Tracker' };
const nameOf = (id: string) => names[id] ?? id;
const labelOf = (_app: string, output: string) => (output === 'daily_streaks' ? 'your habit streaks' : output);

function entry(action: string, detail: Record<string, unknown> = {}, at = 0, app: string | null = null): AuditEntry {
  return { id: `${action}-${at}`, action, app_id: app, detail, address: '127.0.0.1', created_at: at };
}

describe('audit entries in plain words', () => {
  it('describes sign-ins and account changes', () => {
    expect(describeEntry(entry('login.succeeded'), nameOf).text).toBe('Signed in');
    expect(describeEntry(entry('login.failed', { reason: 'wrong_password' }), nameOf)).toMatchObject({ text: 'Failed sign-in: wrong password', tone: 'warning' });
    expect(describeEntry(entry('mfa.enabled'), nameOf).text).toBe('Two-step sign-in turned on');
    expect(describeEntry(entry('session.refresh_reused'), nameOf).tone).toBe('danger');
  });

  it('describes installs with who needed them', () => {
    const d = describeEntry(entry('app.installed', { app: 'habit-tracker', version: '1.0.0', required_by: 'dashboard' }, 0, 'habit-tracker'), nameOf);
    expect(d).toMatchObject({ text: 'Installed Habit Tracker 1.0.0 (needed by Analytics Dashboard)', category: 'apps' });
  });

  it('describes reads between apps with the output’s label, and refusals with the reason', () => {
    const read = entry('app.read', { consumer: 'dashboard', provider: 'habit-tracker', kind: 'output', name: 'daily_streaks', allowed: true });
    expect(describeEntry(read, nameOf, labelOf).text).toBe('Analytics Dashboard read your habit streaks from Habit Tracker');
    const denied = entry('app.read_denied', { consumer: 'dashboard', provider: 'habit-tracker', kind: 'output', name: 'completion_rate', reason: 'grant_revoked' });
    expect(describeEntry(denied, nameOf, labelOf).text).toBe('Analytics Dashboard was refused completion_rate from Habit Tracker (grant revoked)');
  });

  it('falls back to the action’s own words', () => {
    expect(describeEntry(entry('something.new_here'), nameOf).text).toBe('something new here');
  });
});

describe('runs of the same entry', () => {
  it('are shown once with a count while close together', () => {
    const read = (at: number) => ({ e: entry('app.read', {}, at), d: { text: 'read', tone: 'neutral' as const, category: 'data' as const } });
    const login = (at: number) => ({ e: entry('login.succeeded', {}, at), d: { text: 'Signed in', tone: 'neutral' as const, category: 'security' as const } });
    const runs = groupRuns([read(10_000_000), read(9_000_000), read(8_000_000), login(7_000_000), read(1_000_000)]);
    expect(runs.map((r) => [r.first.d.text, r.count])).toEqual([
      ['read', 3],
      ['Signed in', 1],
      ['read', 1],
    ]);
    expect(runs[0]?.oldest).toBe(8_000_000);
  });
});
