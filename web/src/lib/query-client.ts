import { QueryClient } from '@tanstack/react-query';

import { isApiError } from './api-error';

// Server state: fresh for 5 s, refetched when the window regains focus (a safety net beside
// the live updates over /ws, lib/live.ts, and the tab sync, tab-sync.ts), retried only for
// failures that may pass (network, 5xx, overload) — never for a 4xx.
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 5_000,
        gcTime: 5 * 60_000,
        refetchOnWindowFocus: true,
        retry: (count, error) => count < 2 && (!isApiError(error) || error.retryable || error.status >= 500),
        retryDelay: (n) => Math.min(500 * 2 ** n, 4000),
      },
      mutations: { retry: false },
    },
  });
}
