import { TrendingUp } from 'lucide-react';

import { EmptyState, ErrorState, LoadingRows } from '@/components/ui/feedback';
import { dayLabel } from '@/lib/dates';
import { isApiError } from '@/lib/api-error';
import { useScoreTrend, type TrendPoint } from '../api/get-score-trend';

const shortDay = (iso: string) => new Date(`${iso}T12:00:00`).toLocaleDateString(undefined, { day: 'numeric', month: 'short' });

const W = 560;
const H = 160;
const PAD = 24;

function Chart({ points }: { points: TrendPoint[] }) {
  const n = points.length;
  const x = (i: number) => PAD + (n <= 1 ? 0 : (i * (W - 2 * PAD)) / (n - 1));
  const y = (v: number) => H - PAD - (v / 100) * (H - 2 * PAD);
  // A line through the days that have a score; a gap where a day has none.
  const segments: string[] = [];
  let current = '';
  points.forEach((p, i) => {
    if (p.score === null) {
      if (current) segments.push(current);
      current = '';
    } else current += `${current ? 'L' : 'M'}${x(i).toFixed(1)},${y(p.score).toFixed(1)} `;
  });
  if (current) segments.push(current);
  return (
    <svg viewBox={`0 0 ${W} ${H}`} className="h-40 w-full" aria-hidden>
      {[0, 50, 100].map((v) => (
        <g key={v}>
          <line x1={PAD} x2={W - PAD} y1={y(v)} y2={y(v)} className="stroke-line" strokeDasharray={v === 0 ? undefined : '3 4'} />
          <text x={2} y={y(v) + 4} className="fill-muted text-[10px]">
            {v}
          </text>
        </g>
      ))}
      {segments.map((d, i) => (
        <path key={i} d={d} fill="none" className="stroke-accent" strokeWidth={2.5} strokeLinejoin="round" strokeLinecap="round" />
      ))}
      {points.map((p, i) =>
        p.score === null ? null : <circle key={p.date} cx={x(i)} cy={y(p.score)} r={3} className="fill-accent" />,
      )}
    </svg>
  );
}

// The score over the last 14 days: a line, and the same numbers as a table for screen readers.
export function ScoreTrend() {
  const q = useScoreTrend(14);
  return (
    <section aria-labelledby="trend-title" className="rounded-xl border border-line bg-surface p-5 shadow-raised">
      <h2 id="trend-title" className="text-sm font-semibold">
        Trend — last 14 days
      </h2>
      {q.isPending && <LoadingRows rows={2} label="Loading the trend" />}
      {q.isError && (
        <ErrorState
          title="The trend could not be loaded"
          message={isApiError(q.error) ? q.error.message : undefined}
          onRetry={() => void q.refetch()}
        />
      )}
      {q.data === null && (
        <EmptyState icon={<TrendingUp aria-hidden />} title="No trend on this server yet">
          This version of the Dashboard keeps no history of the score; a newer one shows how it moved day by day.
        </EmptyState>
      )}
      {q.data && q.data.length === 0 && (
        <EmptyState icon={<TrendingUp aria-hidden />} title="No history yet">
          The trend fills in as the days go by.
        </EmptyState>
      )}
      {q.data && q.data.length > 0 && (
        <>
          <div className="mx-auto max-w-[560px]">
            <Chart points={q.data} />
            <div aria-hidden className="-mt-3 flex justify-between px-6 text-[10px] text-muted">
              <span>{shortDay(q.data[0]!.date)}</span>
              <span>{shortDay(q.data[q.data.length - 1]!.date)}</span>
            </div>
          </div>
          <table className="sr-only">
            <caption>Productivity score per day</caption>
            <thead>
              <tr>
                <th scope="col">Day</th>
                <th scope="col">Score</th>
              </tr>
            </thead>
            <tbody>
              {q.data.map((p) => (
                <tr key={p.date}>
                  <td>{dayLabel(p.date)}</td>
                  <td>{p.score ?? 'none'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="text-xs text-muted" data-testid="trend-summary">
            {(() => {
              const scored = q.data.filter((p) => p.score !== null) as Array<{ date: string; score: number }>;
              if (scored.length < 2) return 'One day so far.';
              const first = scored[0]!.score;
              const last = scored[scored.length - 1]!.score;
              const d = last - first;
              return `${d === 0 ? 'Level' : d > 0 ? `Up ${d}` : `Down ${-d}`} since ${dayLabel(scored[0]!.date)} (${first} → ${last}).`;
            })()}
          </p>
        </>
      )}
    </section>
  );
}
