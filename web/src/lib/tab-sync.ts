import type { QueryClient } from '@tanstack/react-query';

// Tabs of one browser keep each other current: after any change made here (a mutation that
// succeeded), the other tabs refetch what they show. Kept beside the live updates over /ws
// (lib/live.ts) for the changes that publish no stream event (creating, renaming, archiving a
// habit, installing an app, revoking a grant); other devices see those on focus.
export function syncTabs(qc: QueryClient): () => void {
  if (typeof BroadcastChannel === 'undefined') return () => undefined;
  const channel = new BroadcastChannel('krilin.cache');
  const unsubscribe = qc.getMutationCache().subscribe((event) => {
    if (event.type === 'updated' && event.action.type === 'success') channel.postMessage({ type: 'changed' });
  });
  channel.onmessage = (e: MessageEvent<{ type?: string }>) => {
    if (e.data?.type === 'changed') void qc.invalidateQueries();
  };
  return () => {
    unsubscribe();
    channel.close();
  };
}
