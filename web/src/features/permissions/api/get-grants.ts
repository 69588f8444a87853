import { useQuery } from '@tanstack/react-query';

import { api } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';

export interface Grant {
  id: string;
  consumer: string;
  provider: string;
  kind: 'output' | 'stream' | 'action' | 'agent' | string;
  name: string;
  created_at: number;
  revoked_at: number | null;
}

// GET /api/v1/grants — what each installed app may read of another, revoked ones included.
export async function getGrants(signal?: AbortSignal): Promise<Grant[]> {
  return (await api<{ grants: Grant[] }>('/api/v1/grants', { signal })).grants;
}

export function useGrants() {
  return useQuery({ queryKey: queryKeys.grants, queryFn: ({ signal }) => getGrants(signal) });
}
