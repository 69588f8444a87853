import { useMutation, useQueryClient } from '@tanstack/react-query';

import { api } from '@/lib/api-client';
import { endSession } from '@/lib/session';

// POST /api/v1/auth/logout — ends this session on the server (its tokens stop working at
// once), then here: the cache is dropped so the next account sees nothing of this one.
export async function signOut(): Promise<void> {
  try {
    await api<void>('/api/v1/auth/logout', { method: 'POST' });
  } finally {
    endSession('signed-out');
  }
}

export function useSignOut() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: signOut,
    onSettled: () => qc.clear(),
  });
}
