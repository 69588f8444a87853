import { useMutation, useQueryClient } from '@tanstack/react-query';

import { api } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';

// POST /api/v1/me/password — every other session ends.
export function changePassword(input: { current_password: string; new_password: string }) {
  return api<void>('/api/v1/me/password', { method: 'POST', body: input });
}

export function useChangePassword() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: changePassword, onSettled: () => void qc.invalidateQueries({ queryKey: queryKeys.sessions }) });
}
