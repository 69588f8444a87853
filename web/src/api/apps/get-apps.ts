import { useQuery } from '@tanstack/react-query';

import { api } from '@/lib/api-client';
import type { AppSummary } from '@/lib/api-types';
import { queryKeys } from '@/lib/query-keys';

// GET /api/v1/apps — the catalog with the caller's installed/enabled state. The shell's
// sidebar, the desktop's widgets, the catalog and the palette all read it.
export async function getApps(signal?: AbortSignal): Promise<AppSummary[]> {
  const out = await api<{ apps: AppSummary[] }>('/api/v1/apps', { signal });
  return out.apps;
}

export function useApps() {
  return useQuery({ queryKey: queryKeys.apps.list(), queryFn: ({ signal }) => getApps(signal), staleTime: 60_000 });
}

export function useInstalledApps() {
  const q = useApps();
  return { ...q, data: q.data?.filter((a) => a.installed) };
}
