import { useMutation } from '@tanstack/react-query';

import { api } from '@/lib/api-client';
import type { TokenPair } from '@/lib/api-types';
import { acceptTokens } from '@/lib/session';

// POST /api/v1/auth/mfa/verify — completes a sign-in that asked for a second factor, with a
// code from the authenticator app or one of the recovery codes.
export async function verifyMfa(input: { mfaToken: string; code?: string; recoveryCode?: string }): Promise<TokenPair> {
  const body: Record<string, string> = { mfa_token: input.mfaToken };
  if (input.code) body.code = input.code;
  if (input.recoveryCode) body.recovery_code = input.recoveryCode;
  const pair = await api<TokenPair>('/api/v1/auth/mfa/verify', { method: 'POST', body, auth: false });
  acceptTokens(pair);
  return pair;
}

export function useVerifyMfa() {
  return useMutation({ mutationFn: verifyMfa });
}
