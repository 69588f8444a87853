import { useMutation, useQueryClient } from '@tanstack/react-query';

import { api } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';

// POST /api/v1/auth/mfa/totp/confirm {code} — turns two-step sign-in on; answers the ten
// single-use recovery codes, shown once.
export function confirmTotp(code: string) {
  return api<{ recovery_codes: string[] }>('/api/v1/auth/mfa/totp/confirm', { method: 'POST', body: { code } });
}

export function useConfirmTotp() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: confirmTotp, onSettled: () => void qc.invalidateQueries({ queryKey: queryKeys.auditAll }) });
}
