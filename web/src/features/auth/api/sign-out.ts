import { useMutation, useQueryClient } from '@tanstack/react-query';

import { api } from '@/lib/api-client';
import { endSession, getSession } from '@/lib/session';

// POST /api/v1/auth/logout — ends this session on the server (its tokens stop working at
// once), then here: the cache is dropped so the next account sees nothing of this one.
export async function signOut(): Promise<void> {
  // An expired session has no token to end it with (and waiting for one would wait forever).
  if (getSession().status !== 'signed-in') {
    endSession('signed-out');
    return;
  }
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
