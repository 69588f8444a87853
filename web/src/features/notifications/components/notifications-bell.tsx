import { Popover as P } from 'radix-ui';
import { Bell, BellOff, Check, CheckCheck, Trash2 } from 'lucide-react';
import { useState } from 'react';

import { AppIcon } from '@/components/ui/app-icon';
import { Button } from '@/components/ui/button';
import { EmptyState, ErrorState, LoadingRows } from '@/components/ui/feedback';
import { Tooltip } from '@/components/ui/misc';
import { toast } from '@/components/ui/toast';
import { cn } from '@/lib/cn';
import { relativeTime } from '@/lib/dates';
import { useNavigate } from '@/lib/router';
import { useNotifications, type Notification } from '../api/get-notifications';
import { useChangeNotifications } from '../api/update-notifications';

type AppInfo = { id: string; name: string; icon: string };

const failed = (what: string) => () =>
  toast({ title: `Could not ${what}`, description: 'Nothing changed. Check your connection and try again.', variant: 'error' });

// The bell in the top bar: the unread count (live, from the system/notifications stream) and
// a panel listing the notifications with read, read all and delete.
export function NotificationsBell({ apps }: { apps: AppInfo[] }) {
  const [open, setOpen] = useState(false);
  const q = useNotifications();
  const change = useChangeNotifications();
  const navigate = useNavigate();
  const unread = q.data?.unread ?? 0;
  const label = unread > 0 ? `Notifications, ${unread} unread` : 'Notifications';

  const openItem = (n: Notification) => {
    if (n.read_at === null) change.mutate({ kind: 'read', id: n.id }, { onError: failed('mark it read') });
    if (n.link && n.link.startsWith('/')) {
      setOpen(false);
      navigate(n.link);
    }
  };

  return (
    <P.Root open={open} onOpenChange={setOpen}>
      <Tooltip content="Notifications">
        <P.Trigger asChild>
          <Button size="icon-sm" variant="ghost" aria-label={label} className="relative" data-testid="notifications-bell">
            <Bell aria-hidden />
            {unread > 0 && (
              <span
                aria-hidden
                data-testid="unread-badge"
                className="absolute -right-0.5 -top-0.5 flex h-4 min-w-4 items-center justify-center rounded-full bg-danger px-1 text-[10px] font-semibold leading-none text-white"
              >
                {unread > 99 ? '99+' : unread}
              </span>
            )}
          </Button>
        </P.Trigger>
      </Tooltip>
      <P.Portal>
        <P.Content
          align="end"
          sideOffset={6}
          aria-label="Notifications"
          className="z-[60] flex max-h-[min(32rem,80vh)] w-[22rem] flex-col overflow-hidden rounded-lg border border-line bg-surface text-fg shadow-overlay"
        >
          <div className="flex items-center justify-between border-b border-line px-3 py-2">
            <h2 className="text-sm font-semibold">Notifications</h2>
            <Button
              size="sm"
              variant="ghost"
              disabled={unread === 0}
              onClick={() => change.mutate({ kind: 'read-all' }, { onError: failed('mark them read') })}
            >
              <CheckCheck aria-hidden /> Mark all read
            </Button>
          </div>
          <div className="min-h-0 flex-1 overflow-y-auto">
            {q.isPending && <LoadingRows rows={3} label="Loading notifications" />}
            {q.isError && <ErrorState message="The notifications could not be loaded." onRetry={() => void q.refetch()} />}
            {q.data && q.data.notifications.length === 0 && (
              <EmptyState icon={<BellOff aria-hidden />} title="Nothing new">
                Reminders and messages from your apps show up here.
              </EmptyState>
            )}
            {q.data && q.data.notifications.length > 0 && (
              <ul aria-label="Notifications list" className="divide-y divide-line">
                {q.data.notifications.map((n) => {
                  const app = apps.find((a) => a.id === n.app_id);
                  const isUnread = n.read_at === null;
                  return (
                    <li key={n.id} className={cn('group flex gap-2.5 px-3 py-2.5', isUnread && 'bg-accent-soft/40')} data-testid="notification">
                      <AppIcon icon={app?.icon ?? 'bell'} size="sm" />
                      <button type="button" className="min-w-0 flex-1 text-left" onClick={() => openItem(n)}>
                        <span className={cn('block truncate text-sm', isUnread ? 'font-semibold' : 'font-medium')}>
                          {isUnread && <span className="sr-only">Unread: </span>}
                          {n.title}
                        </span>
                        {n.body && <span className="line-clamp-2 block text-xs text-muted">{n.body}</span>}
                        <span className="block text-xs text-muted">
                          {app?.name ?? n.app_id} · {relativeTime(n.delivered_at ?? n.created_at)}
                        </span>
                      </button>
                      <div className="flex shrink-0 flex-col gap-0.5">
                        {isUnread && (
                          <Tooltip content="Mark read">
                            <Button
                              size="icon-sm"
                              variant="ghost"
                              aria-label={`Mark “${n.title}” read`}
                              onClick={() => change.mutate({ kind: 'read', id: n.id }, { onError: failed('mark it read') })}
                            >
                              <Check aria-hidden />
                            </Button>
                          </Tooltip>
                        )}
                        <Tooltip content="Delete">
                          <Button
                            size="icon-sm"
                            variant="ghost"
                            aria-label={`Delete “${n.title}”`}
                            onClick={() => change.mutate({ kind: 'delete', id: n.id }, { onError: failed('delete it') })}
                          >
                            <Trash2 aria-hidden />
                          </Button>
                        </Tooltip>
                      </div>
                    </li>
                  );
                })}
              </ul>
            )}
          </div>
          <div className="border-t border-line px-3 py-2 text-xs text-muted">
            <button type="button" className="underline underline-offset-2 hover:text-fg" onClick={() => { setOpen(false); navigate('/settings/notifications'); }}>
              Choose which apps may notify you
            </button>
          </div>
        </P.Content>
      </P.Portal>
    </P.Root>
  );
}
