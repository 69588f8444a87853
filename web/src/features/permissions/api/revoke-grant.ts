import { useMutation, useQueryClient } from '@tanstack/react-query';

import { api } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import type { Grant } from './get-grants';

// DELETE /api/v1/grants/{id} — the app's next read of it is refused. Optimistic: the grant
// shows as revoked at once, and comes back if the server says no.
export function revokeGrant(id: string) {
  return api<void>(`/api/v1/grants/${encodeURIComponent(id)}`, { method: 'DELETE' });
}

export function useRevokeGrant() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: revokeGrant,
    onMutate: async (id) => {
      await qc.cancelQueries({ queryKey: queryKeys.grants });
      const before = qc.getQueryData<Grant[]>(queryKeys.grants);
      qc.setQueryData<Grant[]>(queryKeys.grants, (gs) => gs?.map((g) => (g.id === id ? { ...g, revoked_at: Date.now() } : g)));
      return before;
    },
    onError: (_e, _id, before) => qc.setQueryData(queryKeys.grants, before),
    onSettled: () => {
      void qc.invalidateQueries({ queryKey: queryKeys.grants });
      void qc.invalidateQueries({ queryKey: queryKeys.outputs.all });
      void qc.invalidateQueries({ queryKey: queryKeys.auditAll });
    },
  });
}
