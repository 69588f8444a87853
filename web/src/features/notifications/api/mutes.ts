import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { api } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';

// GET /api/v1/notifications/mutes — the apps whose notifications are listed but never pushed.
export function getMutes(signal?: AbortSignal) {
  return api<{ muted: string[] }>('/api/v1/notifications/mutes', { signal }).then((r) => r.muted);
}

export function useMutes() {
  return useQuery({ queryKey: queryKeys.notifications.mutes, queryFn: ({ signal }) => getMutes(signal) });
}

// PUT / DELETE /api/v1/notifications/mutes/{app}. Optimistic.
export function setMuted({ app, muted }: { app: string; muted: boolean }) {
  return api<void>(`/api/v1/notifications/mutes/${encodeURIComponent(app)}`, { method: muted ? 'PUT' : 'DELETE' });
}

export function useSetMuted() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: setMuted,
    onMutate: async ({ app, muted }) => {
      await qc.cancelQueries({ queryKey: queryKeys.notifications.mutes });
      const before = qc.getQueryData<string[]>(queryKeys.notifications.mutes);
      qc.setQueryData<string[]>(queryKeys.notifications.mutes, (m = []) =>
        muted ? [...new Set([...m, app])] : m.filter((x) => x !== app),
      );
      return before;
    },
    onError: (_e, _v, before) => qc.setQueryData(queryKeys.notifications.mutes, before),
    onSettled: () => void qc.invalidateQueries({ queryKey: queryKeys.notifications.mutes }),
  });
}
