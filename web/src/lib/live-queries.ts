// What a live event means for the caches: the mapping of each stream the desktop follows
// onto the shared query keys (query-keys.ts). Invalidations are gathered for a moment so a
// burst of events (a replay after a reconnect) refetches each query once.
import type { QueryClient, QueryKey } from '@tanstack/react-query';

import type { LiveEvent, StreamRef } from './live';
import { queryKeys } from './query-keys';

// The streams each app's screens follow (its manifest's `streams`), and the platform's own.
export const FOLLOWED_STREAMS: Record<string, string[]> = {
  'habit-tracker': ['completion_updates'],
  dashboard: ['productivity_score'],
};
export const NOTIFICATIONS_STREAM: StreamRef = { app_id: 'system', stream_id: 'notifications' };

export interface NotificationEventData {
  id: string;
  app_id: string;
  title: string;
  body: string;
  link?: string | null;
  priority: 'low' | 'normal' | 'high' | string;
}

export function streamsFor(apps: Array<{ id: string; installed: boolean; enabled: boolean }>): StreamRef[] {
  const out: StreamRef[] = [NOTIFICATIONS_STREAM];
  for (const a of apps)
    if (a.installed && a.enabled) for (const s of FOLLOWED_STREAMS[a.id] ?? []) out.push({ app_id: a.id, stream_id: s });
  return out;
}

// The keys an event (or a resync) of this stream makes stale.
export function keysFor(s: StreamRef): QueryKey[] {
  if (s.app_id === 'system' && s.stream_id === 'notifications') return [queryKeys.notifications.all];
  // Anything in the app, and every output (the Dashboard reads Habit Tracker's).
  return [queryKeys.app(s.app_id), queryKeys.outputs.all];
}

export function createLiveCacheSync(qc: QueryClient, onNotification?: (n: NotificationEventData) => void, delayMs = 60) {
  const pending = new Map<string, QueryKey>();
  let timer: ReturnType<typeof setTimeout> | null = null;
  const flush = () => {
    timer = null;
    const keys = [...pending.values()];
    pending.clear();
    for (const queryKey of keys) void qc.invalidateQueries({ queryKey });
  };
  const stale = (s: StreamRef) => {
    for (const k of keysFor(s)) pending.set(JSON.stringify(k), k);
    if (timer === null) timer = setTimeout(flush, delayMs);
  };
  return {
    onEvent(e: LiveEvent) {
      if (e.app_id === 'dashboard' && e.stream_id === 'productivity_score' && e.data && typeof e.data === 'object') {
        // The event is the output itself: shown at once, no round trip.
        qc.setQueryData(queryKeys.outputs.one('dashboard', 'productivity_score'), e.data);
        pending.set('dashboard', queryKeys.app('dashboard')); // its trend includes today
        if (timer === null) timer = setTimeout(flush, delayMs);
        return;
      }
      if (e.app_id === 'system' && e.stream_id === 'notifications') onNotification?.(e.data as NotificationEventData);
      stale(e);
    },
    onResync(s: StreamRef) {
      stale(s);
    },
    dispose() {
      if (timer !== null) clearTimeout(timer);
    },
  };
}
