import { useMutation, useQueryClient } from '@tanstack/react-query';

import { api } from '@/lib/api-client';
import { invalidateInstalled } from './invalidate';

// POST /api/v1/apps/{id}/enable — switches a disabled app back on.
export function enableApp(id: string) {
  return api<unknown>(`/api/v1/apps/${encodeURIComponent(id)}/enable`, { method: 'POST' });
}

export function useEnableApp() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: enableApp, onSettled: () => invalidateInstalled(qc) });
}
