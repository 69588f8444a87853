import { Link } from '@/lib/router';

import { ErrorState, Skeleton } from '@/components/ui/feedback';
import { Badge } from '@/components/ui/misc';
import { isApiError } from '@/lib/api-error';
import { useProductivityScore } from '../api/get-productivity-score';
import { ScoreRing } from './score-ring';

// The desktop widget for the output productivity_score.
export function ScoreWidget({ size }: { size: 'sm' | 'md' | 'lg' }) {
  const q = useProductivityScore();
  if (q.isPending)
    return (
      <div role="status" className="flex h-full items-center justify-center">
        <span className="sr-only">Loading the score…</span>
        <Skeleton className="size-24 rounded-full" />
      </div>
    );
  if (q.isError)
    return <ErrorState title="The score could not be loaded" hint={isApiError(q.error) ? q.error.hint : undefined} onRetry={() => void q.refetch()} />;
  const s = q.data;
  const habits = s.breakdown?.habits;
  return (
    <div className="flex h-full items-center gap-4" aria-label={`Productivity score: ${s.score ?? 'none yet'}`}>
      <ScoreRing score={s.score} size={size === 'sm' ? 84 : size === 'md' ? 104 : 132} />
      <div className="flex min-w-0 flex-col gap-1.5 text-sm">
        {habits && (
          <p className="text-muted">
            Habits today: <span className="font-medium text-fg">{habits.completed} of {habits.scheduled}</span>
          </p>
        )}
        {s.partial && (
          <Badge tone="warning" className="self-start">
            Partial
          </Badge>
        )}
        {s.note && size !== 'sm' && <p className="line-clamp-3 text-xs text-muted">{s.note}</p>}
        {size !== 'sm' && (
          <Link to="/apps/dashboard" className="text-xs font-medium text-accent-text hover:underline">
            See the breakdown
          </Link>
        )}
      </div>
    </div>
  );
}
