import { useSyncExternalStore } from 'react';

// The app windows open in this tab, in the order they were opened (the tab strip).
// Kept for the browser tab's life (sessionStorage).
const KEY = 'krilin.windows';
let open: string[] = (() => {
  try {
    const v = JSON.parse(sessionStorage.getItem(KEY) ?? '[]');
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
})();
const listeners = new Set<() => void>();

function set(next: string[]) {
  open = next;
  try {
    sessionStorage.setItem(KEY, JSON.stringify(open));
  } catch {
    /* best effort */
  }
  listeners.forEach((l) => l());
}

export function openWindow(id: string) {
  if (!open.includes(id)) set([...open, id]);
}

// Closes a window; answers the one to show instead (the neighbour), or null for the desktop.
export function closeWindow(id: string): string | null {
  const i = open.indexOf(id);
  const next = open.filter((x) => x !== id);
  set(next);
  return next[Math.min(i, next.length - 1)] ?? null;
}

export function keepOnly(ids: string[]) {
  const next = open.filter((x) => ids.includes(x));
  if (next.length !== open.length) set(next);
}

export function useOpenWindows(): string[] {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => open,
  );
}
