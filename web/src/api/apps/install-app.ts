import { useMutation, useQueryClient } from '@tanstack/react-query';

import { api } from '@/lib/api-client';
import type { InstallPlan } from '@/lib/api-types';
import { queryKeys } from '@/lib/query-keys';

// POST /api/v1/apps/{id}/install {accept} — carries out the plan the person saw.
export function installApp(id: string, accept: readonly string[] = []): Promise<InstallPlan> {
  return api<InstallPlan>(`/api/v1/apps/${encodeURIComponent(id)}/install`, {
    method: 'POST',
    body: accept.length ? { accept } : {},
  });
}

export function useInstallApp() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, accept = [] }: { id: string; accept?: readonly string[] }) => installApp(id, accept),
    onSettled: () => {
      void qc.invalidateQueries({ queryKey: queryKeys.apps.all });
      void qc.invalidateQueries({ queryKey: queryKeys.outputs.all });
      void qc.invalidateQueries({ queryKey: queryKeys.grants });
      void qc.invalidateQueries({ queryKey: queryKeys.auditAll });
    },
  });
}
