import { describe, expect, it } from 'vitest';

import type { InstallPlan } from '@/lib/api-types';
import { installCalls, mergePlans } from './plan';

const habits: InstallPlan = {
  app: 'habit-tracker',
  install: [{ id: 'habit-tracker', name: 'Habit Tracker', version: '1.0.0', optional: false, required_by: null }],
  optional: [],
  integrations: [],
  permissions: [],
};
const dashboard: InstallPlan = {
  app: 'dashboard',
  install: [
    { id: 'habit-tracker', name: 'Habit Tracker', version: '1.0.0', optional: false, required_by: 'dashboard' },
    { id: 'dashboard', name: 'Analytics Dashboard', version: '1.0.0', optional: false, required_by: null },
  ],
  optional: [],
  integrations: [],
  permissions: [
    { consumer: 'dashboard', provider: 'habit-tracker', kind: 'output', name: 'daily_streaks', requires_grant: false, text: 'Read your habit streaks' },
  ],
};

describe('onboarding’s one plan for several apps', () => {
  it('lists each app once, dependencies first, and marks the chosen ones as chosen', () => {
    const merged = mergePlans([habits, dashboard]);
    expect(merged?.install.map((a) => [a.id, a.required_by])).toEqual([
      ['habit-tracker', null],
      ['dashboard', null],
    ]);
    expect(merged?.permissions).toHaveLength(1);
  });

  it('keeps "needed by" for apps nobody chose', () => {
    expect(mergePlans([dashboard])?.install[0]?.required_by).toBe('dashboard');
    expect(mergePlans([])).toBeNull();
  });

  it('installs only what no other chosen app brings along', () => {
    expect(installCalls([habits, dashboard])).toEqual(['dashboard']);
    expect(installCalls([habits])).toEqual(['habit-tracker']);
  });
});
