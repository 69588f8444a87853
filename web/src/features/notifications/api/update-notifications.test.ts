import { describe, expect, it } from 'vitest';

import type { NotificationPage } from './get-notifications';
import { applyChange } from './update-notifications';

const n = (id: string, read: boolean) => ({
  id,
  app_id: 'habit-tracker',
  title: id,
  body: '',
  link: null,
  priority: 'normal',
  delivered_at: 1,
  read_at: read ? 5 : null,
  created_at: 1,
});
const page: NotificationPage = { notifications: [n('a', false), n('b', true), n('c', false)], unread: 2, next_cursor: null };

describe('optimistic notification changes', () => {
  it('read, delete and read-all keep the unread count right', () => {
    expect(applyChange(page, { kind: 'read', id: 'a' }, 9)).toMatchObject({ unread: 1 });
    expect(applyChange(page, { kind: 'read', id: 'b' }, 9).unread).toBe(2);
    const del = applyChange(page, { kind: 'delete', id: 'c' });
    expect(del.unread).toBe(1);
    expect(del.notifications.map((x) => x.id)).toEqual(['a', 'b']);
    expect(applyChange(page, { kind: 'delete', id: 'b' }).unread).toBe(2);
    const all = applyChange(page, { kind: 'read-all' }, 9);
    expect(all.unread).toBe(0);
    expect(all.notifications.every((x) => x.read_at !== null)).toBe(true);
    expect(applyChange(page, { kind: 'read', id: 'zzz' })).toBe(page);
  });
});
