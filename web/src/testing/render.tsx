import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { Router } from 'wouter';
import { memoryLocation } from 'wouter/memory-location';

import { TooltipProvider } from '@/components/ui/misc';
import { Toaster } from '@/components/ui/toast';

// Renders a screen with a fresh query cache (no retries), a memory router and the toaster.
export function renderWithProviders(ui: ReactElement, { path = '/' }: { path?: string } = {}) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Infinity }, mutations: { retry: false } } });
  const location = memoryLocation({ path, record: true });
  const result = render(
    <QueryClientProvider client={client}>
      <TooltipProvider>
        <Router hook={location.hook}>{ui}</Router>
        <Toaster />
      </TooltipProvider>
    </QueryClientProvider>,
  );
  return { ...result, client, location };
}

export interface FakeRoute {
  method?: string;
  path: string | RegExp;
  // The answer: a body (200) or [status, body].
  reply: unknown | ((body: unknown) => unknown | Promise<unknown>);
}

// A fetch that answers like Krilin for the listed routes (and 404 in the envelope for the
// rest); records every call.
export function fakeFetch(routes: FakeRoute[]) {
  const calls: Array<{ method: string; path: string; body: unknown }> = [];
  const impl = async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.toString() : input.url;
    const path = url.replace(/^https?:\/\/[^/]+/, '');
    const method = init?.method ?? 'GET';
    const body = init?.body ? JSON.parse(String(init.body)) : undefined;
    calls.push({ method, path, body });
    const route = routes.find(
      (r) => (r.method ?? 'GET') === method && (typeof r.path === 'string' ? r.path === path : r.path.test(path)),
    );
    if (!route) return json(404, { error: { code: 'not_found', message: 'There is nothing at this address.', retryable: false } });
    const out = typeof route.reply === 'function' ? await (route.reply as (b: unknown) => unknown)(body) : route.reply;
    if (Array.isArray(out) && typeof out[0] === 'number') return json(out[0] as number, out[1]);
    return json(200, out);
  };
  return { impl, calls };
}

export function json(status: number, body: unknown): Response {
  return new Response(status === 204 ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}
