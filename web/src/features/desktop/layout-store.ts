// Where the desktop's layout (dashboards, widget places) is kept: this module only.
//
// The server has no endpoint for it yet, so it lives in this browser's localStorage, one key
// per user. When the server grows one (a per-user settings document), this module becomes
// a query + a mutation with the same two functions' meaning; nothing else changes.
import { readJson, writeJson } from '@/lib/storage';
import { sanitize, type DesktopState } from './layout';

const key = (userId: string) => `krilin.desktop.v1.${userId}`;

export function loadDesktop(userId: string): DesktopState | null {
  return sanitize(readJson<unknown>(key(userId)));
}

export function saveDesktop(userId: string, state: DesktopState): void {
  writeJson(key(userId), state);
}
