import { useMutation } from '@tanstack/react-query';

import { api } from '@/lib/api-client';
import type { TokenPair } from '@/lib/api-types';
import { acceptTokens } from '@/lib/session';

// POST /api/v1/auth/signup — creates the account and signs in (the first one is the admin).
export async function signUp(input: { email: string; password: string; name: string }): Promise<TokenPair> {
  const pair = await api<TokenPair>('/api/v1/auth/signup', { method: 'POST', body: input, auth: false });
  acceptTokens(pair);
  return pair;
}

export function useSignUp() {
  return useMutation({ mutationFn: signUp });
}
