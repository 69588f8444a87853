import { useMutation, useQueryClient } from '@tanstack/react-query';

import { api } from '@/lib/api-client';
import { invalidateInstalled } from './invalidate';

// POST /api/v1/apps/{id}/disable — switches the app off; its data and grants are kept.
export function disableApp(id: string) {
  return api<unknown>(`/api/v1/apps/${encodeURIComponent(id)}/disable`, { method: 'POST' });
}

export function useDisableApp() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: disableApp, onSettled: () => invalidateInstalled(qc) });
}
