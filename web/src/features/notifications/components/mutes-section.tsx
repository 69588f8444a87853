import { BellOff } from 'lucide-react';

import { AppIcon } from '@/components/ui/app-icon';
import { EmptyState, ErrorState, LoadingRows } from '@/components/ui/feedback';
import { Switch } from '@/components/ui/misc';
import { toast } from '@/components/ui/toast';
import { useMutes, useSetMuted } from '../api/mutes';

// Settings → Notifications: per app, whether its notifications pop up (muted apps' are still
// listed in the bell's panel, never pushed).
export function MutesSection({ apps }: { apps: Array<{ id: string; name: string; icon: string }> }) {
  const mutes = useMutes();
  const set = useSetMuted();
  if (mutes.isPending) return <LoadingRows rows={2} label="Loading notification settings" />;
  if (mutes.isError) return <ErrorState message="Your notification settings could not be loaded." onRetry={() => void mutes.refetch()} />;
  if (apps.length === 0)
    return (
      <EmptyState icon={<BellOff aria-hidden />} title="No apps yet">
        Apps you install can send you reminders; you choose here which may.
      </EmptyState>
    );
  return (
    <ul className="divide-y divide-line rounded-lg border border-line">
      {apps.map((a) => {
        const on = !mutes.data.includes(a.id);
        return (
          <li key={a.id} className="flex items-center gap-3 px-3 py-2.5">
            <AppIcon icon={a.icon} size="sm" />
            <span className="flex-1 text-sm">
              <span className="block font-medium">{a.name}</span>
              <span className="block text-xs text-muted">{on ? 'Notifications pop up' : 'Muted: listed, never pushed'}</span>
            </span>
            <Switch
              checked={on}
              label={`Notifications from ${a.name}`}
              onCheckedChange={(v) =>
                set.mutate(
                  { app: a.id, muted: !v },
                  { onError: () => toast({ title: `Could not change ${a.name}'s notifications`, description: 'Try again.', variant: 'error' }) },
                )
              }
            />
          </li>
        );
      })}
    </ul>
  );
}
