import { useMutation, useQueryClient } from '@tanstack/react-query';

import { api } from '@/lib/api-client';
import { endSession } from '@/lib/session';

// POST /api/v1/auth/logout-all — every session of the account ends, this one included.
export async function signOutEverywhere() {
  await api<void>('/api/v1/auth/logout-all', { method: 'POST' });
  endSession('signed-out');
}

export function useSignOutEverywhere() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: signOutEverywhere, onSuccess: () => qc.clear() });
}
