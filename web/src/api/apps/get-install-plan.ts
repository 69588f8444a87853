import { keepPreviousData, useQuery } from '@tanstack/react-query';

import { api } from '@/lib/api-client';
import type { InstallPlan } from '@/lib/api-types';
import { queryKeys } from '@/lib/query-keys';

// GET /api/v1/apps/{id}/install-plan[?accept=a,b] — what installing would do. Onboarding and
// the catalog show it before anything is installed.
export function getInstallPlan(id: string, accept: readonly string[], signal?: AbortSignal): Promise<InstallPlan> {
  const q = accept.length ? `?accept=${accept.map(encodeURIComponent).join(',')}` : '';
  return api<InstallPlan>(`/api/v1/apps/${encodeURIComponent(id)}/install-plan${q}`, { signal });
}

export function useInstallPlan(id: string | null, accept: readonly string[] = []) {
  return useQuery({
    queryKey: queryKeys.apps.plan(id ?? '', accept),
    queryFn: ({ signal }) => getInstallPlan(id as string, accept, signal),
    enabled: Boolean(id),
    placeholderData: keepPreviousData,
    staleTime: 0,
  });
}
