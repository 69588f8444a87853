import { ErrorState, LoadingRows } from '@/components/ui/feedback';
import { isApiError } from '@/lib/api-error';
import { useOutput } from '../api/get-output';

// A widget for an output the desktop has no dedicated view of: its top-level numbers and
// words, plainly.
export function GenericWidget({ app, output }: { app: string; output: string }) {
  const q = useOutput(app, output);
  if (q.isPending) return <LoadingRows rows={2} />;
  if (q.isError) return <ErrorState title="Could not be loaded" hint={isApiError(q.error) ? q.error.hint : undefined} onRetry={() => void q.refetch()} />;
  const entries = q.data && typeof q.data === 'object' ? Object.entries(q.data as Record<string, unknown>) : [];
  const simple = entries.filter(([, v]) => ['string', 'number', 'boolean'].includes(typeof v));
  return (
    <dl className="grid grid-cols-2 gap-2 text-sm">
      {simple.slice(0, 6).map(([k, v]) => (
        <div key={k}>
          <dt className="text-xs text-muted">{k.replace(/_/g, ' ')}</dt>
          <dd className="font-medium">{String(v)}</dd>
        </div>
      ))}
    </dl>
  );
}
