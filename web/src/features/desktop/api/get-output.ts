import { useQuery } from '@tanstack/react-query';

import { api } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';

// GET /api/v1/apps/{id}/outputs/{output} — for widgets whose output has no dedicated view.
export async function getOutput(app: string, output: string, signal?: AbortSignal): Promise<unknown> {
  const out = await api<{ data: unknown }>(`/api/v1/apps/${encodeURIComponent(app)}/outputs/${encodeURIComponent(output)}`, { signal });
  return out.data;
}

export function useOutput(app: string, output: string) {
  return useQuery({ queryKey: queryKeys.outputs.one(app, output), queryFn: ({ signal }) => getOutput(app, output, signal) });
}
