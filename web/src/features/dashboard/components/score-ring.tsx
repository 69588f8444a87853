import { cn } from '@/lib/cn';

// The score as a ring from 0 to 100; a dash when there is nothing to score.
export function ScoreRing({ score, size = 120, className }: { score: number | null; size?: number; className?: string }) {
  const stroke = Math.max(6, size / 12);
  const r = (size - stroke) / 2;
  const c = 2 * Math.PI * r;
  const value = score ?? 0;
  return (
    <div className={cn('relative inline-flex items-center justify-center', className)} style={{ width: size, height: size }}>
      <svg width={size} height={size} viewBox={`0 0 ${size} ${size}`} aria-hidden className="-rotate-90">
        <circle cx={size / 2} cy={size / 2} r={r} fill="none" strokeWidth={stroke} className="stroke-surface-3" />
        {score !== null && (
          <circle
            cx={size / 2}
            cy={size / 2}
            r={r}
            fill="none"
            strokeWidth={stroke}
            strokeLinecap="round"
            strokeDasharray={c}
            strokeDashoffset={c * (1 - value / 100)}
            className="stroke-accent transition-[stroke-dashoffset] duration-(--k-duration-slow) ease-out-soft"
          />
        )}
      </svg>
      <span className="absolute inset-0 flex flex-col items-center justify-center">
        <span className="font-semibold tabular-nums" style={{ fontSize: size / 3.2 }} data-testid="score-value">
          {score === null ? '–' : score}
        </span>
        <span className="sr-only">{score === null ? 'No score yet' : `out of 100`}</span>
      </span>
    </div>
  );
}
