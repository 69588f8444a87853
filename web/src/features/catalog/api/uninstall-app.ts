import { useMutation, useQueryClient } from '@tanstack/react-query';

import { api } from '@/lib/api-client';
import { invalidateInstalled } from './invalidate';

// POST /api/v1/apps/{id}/uninstall {mode?} — without a mode, 409 has_dependents (with
// error.details.dependents) when installed apps need it; "cascade" removes them too,
// "disable" keeps everything and switches it off.
export type UninstallMode = 'cascade' | 'disable';

export function uninstallApp(id: string, mode?: UninstallMode) {
  return api<unknown>(`/api/v1/apps/${encodeURIComponent(id)}/uninstall`, { method: 'POST', body: mode ? { mode } : {} });
}

export function useUninstallApp() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, mode }: { id: string; mode?: UninstallMode }) => uninstallApp(id, mode),
    onSettled: () => invalidateInstalled(qc),
  });
}
