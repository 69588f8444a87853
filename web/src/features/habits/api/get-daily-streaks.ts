import { useQuery } from '@tanstack/react-query';

import { api } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import { APP_ID, type DailyStreaks } from '../types';

// GET /api/v1/apps/habit-tracker/outputs/daily_streaks — what the streaks widget shows.
export async function getDailyStreaks(signal?: AbortSignal): Promise<DailyStreaks> {
  const out = await api<{ data: DailyStreaks }>(`/api/v1/apps/${APP_ID}/outputs/daily_streaks`, { signal });
  return out.data;
}

export function useDailyStreaks() {
  return useQuery({ queryKey: queryKeys.outputs.one(APP_ID, 'daily_streaks'), queryFn: ({ signal }) => getDailyStreaks(signal) });
}
