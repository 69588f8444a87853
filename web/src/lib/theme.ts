// Light and dark: the person's choice (system, light or dark) is kept in localStorage under
// the key public/theme-init.js reads before the first paint; "system" follows the OS
// setting live.
import { readString, writeString } from './storage';

export type ThemePreference = 'system' | 'light' | 'dark';
export type Theme = 'light' | 'dark';

const KEY = 'krilin.theme';
const listeners = new Set<() => void>();

export function getThemePreference(): ThemePreference {
  const v = readString(KEY);
  return v === 'light' || v === 'dark' ? v : 'system';
}

function systemTheme(): Theme {
  return typeof window !== 'undefined' && window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export function resolveTheme(pref: ThemePreference = getThemePreference()): Theme {
  return pref === 'system' ? systemTheme() : pref;
}

export function applyTheme(): void {
  const theme = resolveTheme();
  const root = document.documentElement;
  root.dataset.theme = theme;
  root.style.colorScheme = theme;
}

export function setThemePreference(pref: ThemePreference): void {
  writeString(KEY, pref);
  applyTheme();
  for (const l of listeners) l();
}

export function subscribeTheme(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

// Follow the system while the preference is "system"; follow other tabs' choices.
export function watchTheme(): () => void {
  const mq = window.matchMedia('(prefers-color-scheme: dark)');
  const onChange = () => {
    applyTheme();
    for (const l of listeners) l();
  };
  const onStorage = (e: StorageEvent) => {
    if (e.key === KEY) onChange();
  };
  mq.addEventListener('change', onChange);
  window.addEventListener('storage', onStorage);
  return () => {
    mq.removeEventListener('change', onChange);
    window.removeEventListener('storage', onStorage);
  };
}
