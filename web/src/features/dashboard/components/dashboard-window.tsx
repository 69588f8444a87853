import { CheckCircle2, CircleDashed, Info, XCircle } from 'lucide-react';

import { useApp } from '@/api/apps/get-app';
import { useApps } from '@/api/apps/get-apps';
import { ErrorState, LoadingRows } from '@/components/ui/feedback';
import { Badge } from '@/components/ui/misc';
import { isApiError } from '@/lib/api-error';
import { useProductivityScore } from '../api/get-productivity-score';
import { APP_ID } from '../types';
import { ScoreRing } from './score-ring';
import { ScoreTrend } from './score-trend';

function pct(x: number) {
  return `${Math.round(x * 100)}%`;
}

// The Analytics Dashboard: today's score, what it is made of, and which sources answered.
export function DashboardWindow() {
  const q = useProductivityScore();
  const apps = useApps();
  const detail = useApp(APP_ID);
  const nameOf = (id: string) => apps.data?.find((a) => a.id === id)?.name ?? id;

  if (q.isPending) return <div className="mx-auto w-full max-w-4xl p-6"><LoadingRows rows={4} label="Loading the score" /></div>;
  if (q.isError)
    return (
      <div className="mx-auto w-full max-w-4xl p-6">
        <ErrorState
          title="The score could not be loaded"
          message={isApiError(q.error) ? q.error.message : undefined}
          hint={isApiError(q.error) ? q.error.hint : undefined}
          onRetry={() => void q.refetch()}
        />
      </div>
    );

  const s = q.data;
  const habits = s.breakdown?.habits;
  const streaks = habits?.current_streaks ?? [];
  const meanStreak = streaks.length ? streaks.reduce((a, b) => a + b, 0) / streaks.length : 0;
  const optional = (detail.data?.dependencies ?? []).filter((d) => d.optional);
  const connected = new Set(s.sources.map((x) => x.app));
  const future = optional.filter((d) => !connected.has(d.id));

  return (
    <div className="mx-auto flex w-full max-w-5xl flex-col gap-5 p-6">
      <section aria-labelledby="score-title" className="flex flex-wrap items-center gap-8 rounded-xl border border-line bg-surface p-6 shadow-raised">
        <ScoreRing score={s.score} size={168} />
        <div className="flex min-w-0 flex-1 flex-col gap-2">
          <h2 id="score-title" className="text-lg font-semibold">
            {s.score === null ? 'No score yet' : `Today's productivity score: ${s.score}`}
          </h2>
          {s.partial && (
            <Badge tone="warning" className="self-start">
              Partial — some sources did not answer
            </Badge>
          )}
          {s.note ? (
            <p className="flex items-start gap-2 text-sm text-muted">
              <Info className="mt-0.5 size-4 shrink-0" aria-hidden /> {s.note}
            </p>
          ) : (
            <p className="text-sm text-muted">A 0–100 score over every app you allow the Dashboard to read. It grows with each app you add.</p>
          )}
        </div>
      </section>

      <ScoreTrend />

      <div className="grid gap-5 md:grid-cols-2">
        <section aria-labelledby="breakdown-title" className="rounded-xl border border-line bg-surface p-5 shadow-raised">
          <h2 id="breakdown-title" className="text-sm font-semibold">
            Breakdown
          </h2>
          {habits ? (
            <>
              <p className="mt-1 text-sm text-muted">Habits: 70% today's completion rate, 30% streak strength (average current streak over 7 days).</p>
              <dl className="mt-4 grid grid-cols-2 gap-3">
                <div className="rounded-lg bg-surface-2 p-3">
                  <dt className="text-xs text-muted">Done today</dt>
                  <dd className="mt-1 text-lg font-semibold tabular-nums">
                    {habits.completed} / {habits.scheduled}{' '}
                    <span className="text-sm font-normal text-muted">({pct(habits.completion_rate)})</span>
                  </dd>
                </div>
                <div className="rounded-lg bg-surface-2 p-3">
                  <dt className="text-xs text-muted">Average current streak</dt>
                  <dd className="mt-1 text-lg font-semibold tabular-nums">
                    {meanStreak.toFixed(1)} <span className="text-sm font-normal text-muted">days</span>
                  </dd>
                </div>
              </dl>
              <div
                className="mt-4"
                role="progressbar"
                aria-label="Done today"
                aria-valuemin={0}
                aria-valuemax={100}
                aria-valuenow={Math.round(habits.completion_rate * 100)}
              >
                <div className="h-2 overflow-hidden rounded-full bg-surface-3">
                  <div className="h-full rounded-full bg-accent" style={{ width: pct(habits.completion_rate) }} />
                </div>
              </div>
            </>
          ) : (
            <p className="mt-2 text-sm text-muted">Nothing to break down yet.</p>
          )}
        </section>

        <section aria-labelledby="sources-title" className="rounded-xl border border-line bg-surface p-5 shadow-raised">
          <h2 id="sources-title" className="text-sm font-semibold">
            Sources
          </h2>
          <ul className="mt-3 flex flex-col gap-2">
            {s.sources.map((src) => (
              <li key={src.app} className="flex items-start gap-2 text-sm">
                {src.available ? (
                  <CheckCircle2 className="mt-0.5 size-4 shrink-0 text-success" aria-hidden />
                ) : (
                  <XCircle className="mt-0.5 size-4 shrink-0 text-danger-text" aria-hidden />
                )}
                <span>
                  <span className="font-medium">{nameOf(src.app)}</span>
                  <span className="text-muted"> — {src.available ? 'counted' : (src.reason ?? 'not available')}</span>
                </span>
              </li>
            ))}
          </ul>
          {future.length > 0 && (
            <p className="mt-4 flex items-start gap-2 text-sm text-muted">
              <CircleDashed className="mt-0.5 size-4 shrink-0" aria-hidden />
              <span>
                It will also count {future.map((d) => d.id.replace(/-/g, ' ')).join(', ')} when those apps are installed.
              </span>
            </p>
          )}
        </section>
      </div>
    </div>
  );
}
