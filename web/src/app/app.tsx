import { QueryClientProvider } from '@tanstack/react-query';
import { useEffect, useState } from 'react';

import { TooltipProvider } from '@/components/ui/misc';
import { Toaster } from '@/components/ui/toast';
import { createQueryClient } from '@/lib/query-client';
import { syncTabs } from '@/lib/tab-sync';
import { ScreenErrorBoundary } from './route-error';
import { Routes } from './router';

export function App() {
  const [queryClient] = useState(createQueryClient);
  useEffect(() => syncTabs(queryClient), [queryClient]);
  return (
    <QueryClientProvider client={queryClient}>
      <TooltipProvider delayDuration={400}>
        <ScreenErrorBoundary>
          <Routes />
        </ScreenErrorBoundary>
        <Toaster />
      </TooltipProvider>
    </QueryClientProvider>
  );
}
