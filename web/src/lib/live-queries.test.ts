import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it, vi } from 'vitest';

import { createLiveCacheSync, keysFor, streamsFor } from './live-queries';
import { queryKeys } from './query-keys';

describe('live events onto the query caches', () => {
  it('follows the notifications and the streams of installed, enabled apps only', () => {
    expect(
      streamsFor([
        { id: 'habit-tracker', installed: true, enabled: true },
        { id: 'dashboard', installed: true, enabled: false },
        { id: 'journal', installed: true, enabled: true },
      ]),
    ).toEqual([
      { app_id: 'system', stream_id: 'notifications' },
      { app_id: 'habit-tracker', stream_id: 'completion_updates' },
    ]);
    expect(keysFor({ app_id: 'habit-tracker', stream_id: 'completion_updates' })).toEqual([queryKeys.app('habit-tracker'), queryKeys.outputs.all]);
  });

  it('a burst of events refetches each query once; the score event is shown as is', async () => {
    vi.useFakeTimers();
    const qc = new QueryClient();
    const spy = vi.spyOn(qc, 'invalidateQueries');
    const toasts: string[] = [];
    const sync = createLiveCacheSync(qc, (n) => toasts.push(n.title), 50);
    for (let seq = 1; seq <= 5; seq++) sync.onEvent({ app_id: 'habit-tracker', stream_id: 'completion_updates', seq, data: {} });
    sync.onEvent({ app_id: 'dashboard', stream_id: 'productivity_score', seq: 1, data: { score: 61, partial: false, note: '', sources: [] } });
    sync.onEvent({ app_id: 'system', stream_id: 'notifications', seq: 1, data: { id: 'n', app_id: 'habit-tracker', title: '1 habit left', body: '', priority: 'normal' } });
    expect(qc.getQueryData(queryKeys.outputs.one('dashboard', 'productivity_score'))).toMatchObject({ score: 61 });
    expect(toasts).toEqual(['1 habit left']);
    expect(spy).not.toHaveBeenCalled();
    vi.advanceTimersByTime(60);
    const keys = spy.mock.calls.map((c) => JSON.stringify(c[0]?.queryKey));
    expect(keys.sort()).toEqual(
      [queryKeys.app('habit-tracker'), queryKeys.outputs.all, queryKeys.app('dashboard'), queryKeys.notifications.all].map((k) => JSON.stringify(k)).sort(),
    );
    sync.dispose();
    vi.useRealTimers();
  });
});
