import { useMutation } from '@tanstack/react-query';

import { api } from '@/lib/api-client';
import type { MfaChallenge, TokenPair } from '@/lib/api-types';
import { acceptTokens } from '@/lib/session';

// POST /api/v1/auth/login — a token pair, or a challenge when two-step sign-in is on.
export type SignInResult = { kind: 'signed-in'; pair: TokenPair } | { kind: 'mfa'; mfaToken: string };

export async function signIn(email: string, password: string): Promise<SignInResult> {
  const out = await api<TokenPair | MfaChallenge>('/api/v1/auth/login', {
    method: 'POST',
    body: { email, password },
    auth: false,
  });
  if ('mfa_required' in out && out.mfa_required) return { kind: 'mfa', mfaToken: out.mfa_token };
  const pair = out as TokenPair;
  acceptTokens(pair);
  return { kind: 'signed-in', pair };
}

export function useSignIn() {
  return useMutation({ mutationFn: ({ email, password }: { email: string; password: string }) => signIn(email, password) });
}
