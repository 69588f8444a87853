import { useQuery } from '@tanstack/react-query';

import { api } from '@/lib/api-client';
import type { User } from '@/lib/api-types';
import { queryKeys } from '@/lib/query-keys';
import { updateUser } from '@/lib/session';

// GET /api/v1/me — the signed-in user (several screens read it: the shell, settings,
// onboarding). The session's copy is kept in step.
export async function getMe(signal?: AbortSignal): Promise<User> {
  const me = await api<User>('/api/v1/me', { signal });
  updateUser(me);
  return me;
}

export function useMe() {
  return useQuery({ queryKey: queryKeys.me, queryFn: ({ signal }) => getMe(signal) });
}
