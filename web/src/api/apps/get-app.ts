import { useQuery } from '@tanstack/react-query';

import { api } from '@/lib/api-client';
import type { AppDetail } from '@/lib/api-types';
import { queryKeys } from '@/lib/query-keys';

// GET /api/v1/apps/{id} — one app with its manifest (labels of its outputs, for plain words).
export function getApp(id: string, signal?: AbortSignal): Promise<AppDetail> {
  return api<AppDetail>(`/api/v1/apps/${encodeURIComponent(id)}`, { signal });
}

export function useApp(id: string | undefined) {
  return useQuery({
    queryKey: queryKeys.apps.detail(id ?? ''),
    queryFn: ({ signal }) => getApp(id as string, signal),
    enabled: Boolean(id),
    staleTime: 5 * 60_000,
  });
}
