import type { QueryClient } from '@tanstack/react-query';

// Tabs of one browser keep each other current: after any change made here (a mutation that
// succeeded), the other tabs refetch what they show. Other devices catch up when their window
// regains focus; the server's live updates (events over /ws, issue 5) will replace both.
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
