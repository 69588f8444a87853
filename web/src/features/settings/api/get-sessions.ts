import { useQuery } from '@tanstack/react-query';

import { api } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';

export interface SessionInfo {
  id: string;
  user_agent: string;
  address: string;
  created_at: number;
  last_used_at: number;
  current: boolean;
}

// GET /api/v1/auth/sessions — the account's live sessions, this one marked current.
export async function getSessions(signal?: AbortSignal): Promise<SessionInfo[]> {
  return (await api<{ sessions: SessionInfo[] }>('/api/v1/auth/sessions', { signal })).sessions;
}

export function useSessions() {
  return useQuery({ queryKey: queryKeys.sessions, queryFn: ({ signal }) => getSessions(signal) });
}
