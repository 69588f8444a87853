import { useQuery } from '@tanstack/react-query';

import { api } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';

export interface Notification {
  id: string;
  app_id: string;
  title: string;
  body: string;
  link: string | null;
  priority: 'low' | 'normal' | 'high' | string;
  delivered_at: number | null;
  read_at: number | null;
  created_at: number;
}

export interface NotificationPage {
  notifications: Notification[];
  unread: number;
  next_cursor: string | null;
}

// GET /api/v1/notifications — newest first, with the unread count (kept current by the
// system/notifications stream: lib/live-queries.ts invalidates these keys).
export function getNotifications(signal?: AbortSignal): Promise<NotificationPage> {
  return api<NotificationPage>('/api/v1/notifications?limit=50', { signal });
}

export function useNotifications() {
  return useQuery({ queryKey: queryKeys.notifications.list(false), queryFn: ({ signal }) => getNotifications(signal) });
}
