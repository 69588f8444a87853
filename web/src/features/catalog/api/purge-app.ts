import { useMutation, useQueryClient } from '@tanstack/react-query';

import { api } from '@/lib/api-client';
import { invalidateInstalled } from './invalidate';

// POST /api/v1/apps/{id}/purge — deletes for good this account's data of an uninstalled app.
export function purgeApp(id: string) {
  return api<unknown>(`/api/v1/apps/${encodeURIComponent(id)}/purge`, { method: 'POST' });
}

export function usePurgeApp() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: purgeApp, onSettled: () => invalidateInstalled(qc) });
}
