// A copy of the desktop's layout in this browser's localStorage, one key per user: shown at
// once before the server's answers (api/desktop-document.ts, the document of record), and
// used alone against a server without GET /api/v1/me/desktop. Beside it, what the copy is
// based on: the server version it was loaded from or saved as, and whether it holds a change
// not saved yet (a reload right after a change must not lose it).
import { readJson, writeJson } from '@/lib/storage';
import { sanitize, type DesktopState } from './layout';

export const storageKey = (userId: string) => `krilin.desktop.v1.${userId}`;
const syncKey = (userId: string) => `krilin.desktop.v1.${userId}.sync`;

export interface SyncMark {
  base: number | null;
  dirty: boolean;
}

export function loadDesktop(userId: string): DesktopState | null {
  return sanitize(readJson<unknown>(storageKey(userId)));
}

export function loadSyncMark(userId: string): SyncMark {
  const m = readJson<Partial<SyncMark>>(syncKey(userId));
  return { base: typeof m?.base === 'number' ? m.base : null, dirty: m?.dirty === true };
}

export function saveDesktop(userId: string, state: DesktopState, mark?: SyncMark): void {
  writeJson(storageKey(userId), state);
  if (mark) writeJson(syncKey(userId), mark);
}
