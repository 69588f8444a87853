import { useCallback, useEffect, useMemo, useRef, useState } from 'react';

import { initialState, reconcile, type DesktopState, type WidgetRef } from '../layout';
import { loadDesktop, saveDesktop } from '../layout-store';

// The desktop's state for one user: loaded once, new apps' widgets added, saved after each
// change, and reloaded when another tab saved.
export function useDesktop(userId: string, available: WidgetRef[] | undefined) {
  const [state, setState] = useState<DesktopState | null>(null);
  const availableKey = useMemo(() => available?.map((r) => `${r.app}/${r.widget}`).join(',') ?? null, [available]);
  const latest = useRef(available);
  latest.current = available;

  useEffect(() => {
    const refs = latest.current;
    if (!refs) return;
    setState((prev) => reconcile(prev ?? loadDesktop(userId) ?? initialState(refs), refs));
  }, [userId, availableKey]);

  useEffect(() => {
    // A small JSON document: written at once, so that nothing is lost to a closed tab.
    if (state) saveDesktop(userId, state);
  }, [state, userId]);

  useEffect(() => {
    const onStorage = (e: StorageEvent) => {
      if (e.key !== `krilin.desktop.v1.${userId}` || !latest.current) return;
      const stored = loadDesktop(userId);
      if (stored) setState(reconcile(stored, latest.current));
    };
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }, [userId]);

  const update = useCallback((fn: (s: DesktopState) => DesktopState) => setState((s) => (s ? fn(s) : s)), []);
  return { state, update };
}
