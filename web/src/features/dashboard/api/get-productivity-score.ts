import { useQuery } from '@tanstack/react-query';

import { api } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import { APP_ID, type ProductivityScore } from '../types';

// GET /api/v1/apps/dashboard/outputs/productivity_score — the score, partial with a note
// when a source is missing.
export async function getProductivityScore(signal?: AbortSignal): Promise<ProductivityScore> {
  const out = await api<{ data: ProductivityScore }>(`/api/v1/apps/${APP_ID}/outputs/productivity_score`, { signal });
  return out.data;
}

export function useProductivityScore() {
  return useQuery({
    queryKey: queryKeys.outputs.one(APP_ID, 'productivity_score'),
    queryFn: ({ signal }) => getProductivityScore(signal),
  });
}
