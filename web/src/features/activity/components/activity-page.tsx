import { Boxes, Eye, History, ShieldCheck, UserRound } from 'lucide-react';
import { useState } from 'react';

import { useApps } from '@/api/apps/get-apps';
import { useOutputLabels } from '@/api/apps/get-output-labels';
import { Button } from '@/components/ui/button';
import { EmptyState, ErrorState, LoadingRows } from '@/components/ui/feedback';
import { NativeSelect } from '@/components/ui/input';
import { Segmented } from '@/components/ui/misc';
import { Page, PageHeader } from '@/components/ui/page';
import { cn } from '@/lib/cn';
import { isApiError } from '@/lib/api-error';
import { dateTime, relativeTime } from '@/lib/dates';
import { useAuditLog } from '../api/get-audit';
import { describeEntry, groupRuns, type Described } from '../describe';

const ICONS = { account: UserRound, security: ShieldCheck, apps: Boxes, data: Eye } as const;
const TONES: Record<Described['tone'], string> = {
  neutral: 'bg-surface-2 text-muted',
  success: 'bg-success-soft text-success',
  warning: 'bg-warning-soft text-warning',
  danger: 'bg-danger-soft text-danger-text',
};

type Kind = 'all' | 'security' | 'apps' | 'data';

// The account's audit log: sign-ins, account changes, installs, and every read one app made
// of another's data — filterable by app and by kind.
export function ActivityPage() {
  const [app, setApp] = useState<string>('');
  const [kind, setKind] = useState<Kind>('all');
  const apps = useApps();
  const labelOf = useOutputLabels();
  const log = useAuditLog(app || null);
  const nameOf = (id: string) => apps.data?.find((a) => a.id === id)?.name ?? id;

  const entries = (log.data?.pages ?? [])
    .flatMap((p) => p.entries)
    .map((e) => ({ e, d: describeEntry(e, nameOf, labelOf) }))
    .filter(({ d }) => kind === 'all' || d.category === kind || (kind === 'security' && d.category === 'account'));
  const runs = groupRuns(entries);

  return (
    <Page>
      <PageHeader title="Activity" description="Everything that happened in your account, newest first. Nothing here can be edited or removed." />
      <div className="flex flex-wrap items-center gap-3">
        <label className="flex items-center gap-2 text-sm">
          <span className="text-muted">App</span>
          <NativeSelect className="w-48" value={app} onChange={(e) => setApp(e.target.value)}>
            <option value="">All activity</option>
            {apps.data?.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </NativeSelect>
        </label>
        <Segmented<Kind>
          label="Kind of activity"
          value={kind}
          onValueChange={setKind}
          options={[
            { value: 'all', label: 'All' },
            { value: 'security', label: 'Account' },
            { value: 'apps', label: 'Apps' },
            { value: 'data', label: 'Data reads' },
          ]}
        />
      </div>
      <section aria-label="Activity log" className="rounded-xl border border-line bg-surface shadow-raised">
        {log.isPending ? (
          <div className="p-4">
            <LoadingRows rows={6} label="Loading activity" />
          </div>
        ) : log.isError ? (
          <ErrorState
            title="Activity could not be loaded"
            message={isApiError(log.error) ? log.error.message : undefined}
            hint={isApiError(log.error) ? log.error.hint : undefined}
            onRetry={() => void log.refetch()}
          />
        ) : entries.length === 0 ? (
          <EmptyState icon={<History aria-hidden />} title="Nothing here yet">
            {app || kind !== 'all' ? 'Nothing matches these filters.' : 'Sign-ins, installs and data reads will show up here.'}
          </EmptyState>
        ) : (
          <ol className="divide-y divide-line">
            {runs.map(({ first: { e, d }, count, oldest }) => {
              const Icon = ICONS[d.category];
              return (
                <li key={e.id} className="flex items-center gap-3 px-4 py-3">
                  <span aria-hidden className={cn('flex size-8 shrink-0 items-center justify-center rounded-full', TONES[d.tone])}>
                    <Icon className="size-4" />
                  </span>
                  <div className="min-w-0 flex-1">
                    <p className="text-sm">
                      {d.text}
                      {count > 1 && <span className="ml-1.5 text-xs font-medium text-muted">× {count}</span>}
                    </p>
                    <p className="text-xs text-muted">
                      <time dateTime={new Date(e.created_at).toISOString()} title={dateTime(e.created_at)}>
                        {relativeTime(e.created_at)}
                      </time>
                      {count > 1 && relativeTime(oldest) !== relativeTime(e.created_at) && <> (since {relativeTime(oldest)})</>}
                      {e.address && <> · from {e.address}</>}
                    </p>
                  </div>
                </li>
              );
            })}
          </ol>
        )}
        {log.hasNextPage && (
          <div className="border-t border-line p-3 text-center">
            <Button variant="ghost" size="sm" onClick={() => void log.fetchNextPage()} loading={log.isFetchingNextPage}>
              Show older activity
            </Button>
          </div>
        )}
      </section>
    </Page>
  );
}
