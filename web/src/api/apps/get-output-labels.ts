import { useQueries } from '@tanstack/react-query';

import { queryKeys } from '@/lib/query-keys';
import { getApp } from './get-app';
import { useApps } from './get-apps';

// The plain-words label of every app output ("your habit streaks"), from the manifests
// (GET /api/v1/apps/{id} per app, cached for minutes). Falls back to the output's name.
export function useOutputLabels(): (app: string, output: string) => string {
  const apps = useApps();
  const details = useQueries({
    queries: (apps.data ?? []).map((a) => ({
      queryKey: queryKeys.apps.detail(a.id),
      queryFn: ({ signal }: { signal: AbortSignal }) => getApp(a.id, signal),
      staleTime: 5 * 60_000,
    })),
  });
  return (app, output) => {
    const d = details.find((q) => q.data?.id === app)?.data;
    return d?.manifest?.outputs?.[output]?.label ?? output.replace(/_/g, ' ');
  };
}
