import { useMutation, useQueryClient } from '@tanstack/react-query';

import { api } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import type { NotificationPage } from './get-notifications';

type Change = { kind: 'read'; id: string } | { kind: 'read-all' } | { kind: 'delete'; id: string };

// POST /api/v1/notifications/{id}/read, POST …/read-all, DELETE …/{id}. Optimistic: the list
// and the badge change at once and go back if the server says no.
export function changeNotifications(c: Change) {
  if (c.kind === 'read') return api<void>(`/api/v1/notifications/${encodeURIComponent(c.id)}/read`, { method: 'POST' });
  if (c.kind === 'read-all') return api<void>('/api/v1/notifications/read-all', { method: 'POST' });
  return api<void>(`/api/v1/notifications/${encodeURIComponent(c.id)}`, { method: 'DELETE' });
}

export function applyChange(page: NotificationPage, c: Change, now = Date.now()): NotificationPage {
  if (c.kind === 'read-all')
    return { ...page, unread: 0, notifications: page.notifications.map((n) => (n.read_at ? n : { ...n, read_at: now })) };
  const target = page.notifications.find((n) => n.id === c.id);
  if (!target) return page;
  const wasUnread = target.read_at === null;
  if (c.kind === 'read')
    return {
      ...page,
      unread: Math.max(0, page.unread - (wasUnread ? 1 : 0)),
      notifications: page.notifications.map((n) => (n.id === c.id ? { ...n, read_at: n.read_at ?? now } : n)),
    };
  return {
    ...page,
    unread: Math.max(0, page.unread - (wasUnread ? 1 : 0)),
    notifications: page.notifications.filter((n) => n.id !== c.id),
  };
}

export function useChangeNotifications() {
  const qc = useQueryClient();
  const key = queryKeys.notifications.list(false);
  return useMutation({
    mutationFn: changeNotifications,
    onMutate: async (c) => {
      await qc.cancelQueries({ queryKey: queryKeys.notifications.all });
      const before = qc.getQueryData<NotificationPage>(key);
      if (before) qc.setQueryData<NotificationPage>(key, applyChange(before, c));
      return before;
    },
    onError: (_e, _c, before) => {
      if (before) qc.setQueryData(key, before);
    },
    onSettled: () => void qc.invalidateQueries({ queryKey: queryKeys.notifications.all }),
  });
}
