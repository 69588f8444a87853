import { useSyncExternalStore } from 'react';

import { readJson, writeJson } from '@/lib/storage';

// The app windows: which are open in this tab, in the order they were opened (the tab strip,
// sessionStorage: the browser tab's life), and — kept in this browser (localStorage) — how
// each is shown (full size or floating, with its place and size) and which apps are pinned
// to the top of the sidebar.
const KEY = 'krilin.windows';
const PREFS = 'krilin.windows.prefs.v1';

export interface Geometry {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface WindowPrefs {
  floating: Record<string, Geometry>; // present: the app's window floats here
  pinned: string[];
  assistant: Record<string, boolean>; // the assistant panel open in that app's window
}

let open: string[] = (() => {
  try {
    const v = JSON.parse(sessionStorage.getItem(KEY) ?? '[]');
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
})();

function loadPrefs(): WindowPrefs {
  const raw = readJson<Partial<WindowPrefs>>(PREFS) ?? {};
  return {
    floating: raw.floating && typeof raw.floating === 'object' ? raw.floating : {},
    pinned: Array.isArray(raw.pinned) ? raw.pinned.filter((x): x is string => typeof x === 'string') : [],
    assistant: raw.assistant && typeof raw.assistant === 'object' ? raw.assistant : {},
  };
}
let prefs: WindowPrefs = loadPrefs();
const listeners = new Set<() => void>();
const emit = () => listeners.forEach((l) => l());

function set(next: string[]) {
  open = next;
  try {
    sessionStorage.setItem(KEY, JSON.stringify(open));
  } catch {
    /* best effort */
  }
  emit();
}

function setPrefs(fn: (p: WindowPrefs) => WindowPrefs) {
  prefs = fn(prefs);
  writeJson(PREFS, prefs);
  emit();
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

export const DEFAULT_GEOMETRY: Geometry = { x: 48, y: 32, w: 760, h: 560 };
export const MIN_SIZE = { w: 360, h: 260 };

// Keeps a floating window reachable inside an area of the given size.
export function clampGeometry(g: Geometry, area: { w: number; h: number }): Geometry {
  const w = Math.max(MIN_SIZE.w, Math.min(g.w, Math.max(MIN_SIZE.w, area.w)));
  const h = Math.max(MIN_SIZE.h, Math.min(g.h, Math.max(MIN_SIZE.h, area.h)));
  const x = Math.max(0, Math.min(g.x, Math.max(0, area.w - 120)));
  const y = Math.max(0, Math.min(g.y, Math.max(0, area.h - 40)));
  return { x: Math.round(x), y: Math.round(y), w: Math.round(w), h: Math.round(h) };
}

export function setFloating(id: string, g: Geometry | null) {
  setPrefs((p) => {
    const floating = { ...p.floating };
    if (g) floating[id] = g;
    else delete floating[id];
    return { ...p, floating };
  });
}

export function togglePinned(id: string) {
  setPrefs((p) => ({ ...p, pinned: p.pinned.includes(id) ? p.pinned.filter((x) => x !== id) : [...p.pinned, id] }));
}

export function setAssistantOpen(id: string, on: boolean) {
  setPrefs((p) => ({ ...p, assistant: { ...p.assistant, [id]: on } }));
}

const subscribe = (l: () => void) => {
  listeners.add(l);
  return () => listeners.delete(l);
};

export function useOpenWindows(): string[] {
  return useSyncExternalStore(subscribe, () => open);
}

export function useWindowPrefs(): WindowPrefs {
  return useSyncExternalStore(subscribe, () => prefs);
}
