import { useMutation } from '@tanstack/react-query';

import { api } from '@/lib/api-client';

// POST /api/v1/auth/mfa/totp/enroll — a new secret and its otpauth:// URI, not active until
// confirmed with a first code. 409 mfa_already_enabled when it is on.
export function enrollTotp() {
  return api<{ secret: string; otpauth_uri: string }>('/api/v1/auth/mfa/totp/enroll', { method: 'POST' });
}

export function useEnrollTotp() {
  return useMutation({ mutationFn: enrollTotp });
}
