import { useMutation, useQueryClient } from '@tanstack/react-query';

import { api } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';

// POST /api/v1/auth/mfa/totp/remove {password, code} — turns two-step sign-in off (a
// recovery code works as the code).
export function removeTotp(input: { password: string; code: string }) {
  return api<void>('/api/v1/auth/mfa/totp/remove', { method: 'POST', body: input });
}

export function useRemoveTotp() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: removeTotp, onSettled: () => void qc.invalidateQueries({ queryKey: queryKeys.auditAll }) });
}
