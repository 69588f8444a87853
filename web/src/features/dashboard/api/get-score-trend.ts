import { useQuery } from '@tanstack/react-query';

import { isApiError } from '@/lib/api-error';
import { runAction } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import { APP_ID } from '../types';

export interface TrendPoint {
  date: string; // YYYY-MM-DD
  score: number | null;
}

// Dashboard's `score_trend {days}` action: the score of each of the last `days` days, oldest
// first. Null (not an error) when this server's Dashboard has no such action yet.
export async function getScoreTrend(days: number, signal?: AbortSignal): Promise<TrendPoint[] | null> {
  try {
    const out = await runAction<unknown>(APP_ID, 'score_trend', { days }, signal);
    const list = Array.isArray(out) ? out : Array.isArray((out as { days?: unknown })?.days) ? (out as { days: unknown[] }).days : [];
    return list
      .filter((p): p is TrendPoint => Boolean(p) && typeof (p as TrendPoint).date === 'string')
      .map((p) => ({ date: p.date, score: typeof p.score === 'number' ? p.score : null }))
      .sort((a, b) => a.date.localeCompare(b.date));
  } catch (e) {
    if (isApiError(e) && (e.code === 'unknown_action' || e.status === 404)) return null;
    throw e;
  }
}

export function useScoreTrend(days = 14) {
  return useQuery({ queryKey: queryKeys.scoreTrend(days), queryFn: ({ signal }) => getScoreTrend(days, signal) });
}
