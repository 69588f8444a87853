import { useInfiniteQuery } from '@tanstack/react-query';

import { api } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';

export interface AuditEntry {
  id: string;
  action: string;
  app_id: string | null;
  detail: Record<string, unknown>;
  address: string;
  created_at: number;
}

// GET /api/v1/audit?app=&cursor=&limit= — the account's audit log, newest first, paged.
export function getAudit(app: string | null, cursor: string | null, signal?: AbortSignal) {
  const q = new URLSearchParams({ limit: '50' });
  if (app) q.set('app', app);
  if (cursor) q.set('cursor', cursor);
  return api<{ entries: AuditEntry[]; next_cursor: string | null }>(`/api/v1/audit?${q}`, { signal });
}

export function useAuditLog(app: string | null) {
  return useInfiniteQuery({
    queryKey: queryKeys.audit(app),
    queryFn: ({ pageParam, signal }) => getAudit(app, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
  });
}
