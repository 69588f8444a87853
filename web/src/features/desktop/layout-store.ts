// A copy of the desktop's layout in this browser's localStorage, one key per user: shown at
// once before the server's answers (api/desktop-document.ts, the document of record), and
// used alone against a server without GET /api/v1/me/desktop.
import { readJson, writeJson } from '@/lib/storage';
import { sanitize, type DesktopState } from './layout';

export const storageKey = (userId: string) => `krilin.desktop.v1.${userId}`;

export function loadDesktop(userId: string): DesktopState | null {
  return sanitize(readJson<unknown>(storageKey(userId)));
}

export function saveDesktop(userId: string, state: DesktopState): void {
  writeJson(storageKey(userId), state);
}
