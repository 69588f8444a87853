import { useMutation, useQueryClient } from '@tanstack/react-query';

import { api } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import type { SessionInfo } from './get-sessions';

// DELETE /api/v1/auth/sessions/{id} — that device is signed out at once. Optimistic.
export function revokeSession(id: string) {
  return api<void>(`/api/v1/auth/sessions/${encodeURIComponent(id)}`, { method: 'DELETE' });
}

export function useRevokeSession() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: revokeSession,
    onMutate: async (id) => {
      await qc.cancelQueries({ queryKey: queryKeys.sessions });
      const before = qc.getQueryData<SessionInfo[]>(queryKeys.sessions);
      qc.setQueryData<SessionInfo[]>(queryKeys.sessions, (s) => s?.filter((x) => x.id !== id));
      return before;
    },
    onError: (_e, _id, before) => qc.setQueryData(queryKeys.sessions, before),
    onSettled: () => void qc.invalidateQueries({ queryKey: queryKeys.sessions }),
  });
}
