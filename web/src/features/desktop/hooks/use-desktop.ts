import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';

import { toast } from '@/components/ui/toast';
import { isApiError } from '@/lib/api-error';
import { queryKeys } from '@/lib/query-keys';
import { getDesktopDocument, fromDocument, putDesktopDocument } from '../api/desktop-document';
import { initialState, reconcile, type DesktopState, type WidgetRef } from '../layout';
import { loadDesktop, loadSyncMark, saveDesktop, storageKey } from '../layout-store';

const SAVE_AFTER_MS = 400;

// The desktop's state for one user. The document of record is on the server
// (GET/PUT /api/v1/me/desktop, saved a moment after each change, conditional on the version
// it is based on); this browser keeps a copy to show at once, to keep a change not saved yet
// across a reload, and to fall back on when the server has no such endpoint. Another
// device's save is taken when this one has nothing unsaved; a save that lost the race (409)
// takes the other device's version and says so.
export function useDesktop(userId: string, available: WidgetRef[] | undefined) {
  const qc = useQueryClient();
  const remote = useQuery({
    queryKey: queryKeys.desktop,
    queryFn: ({ signal }) => getDesktopDocument(signal),
    staleTime: 30_000,
    retry: (n, e) => n < 2 && !(isApiError(e) && e.status < 500),
  });
  const serverless = remote.isError;
  const [state, setState] = useState<DesktopState | null>(null);
  const mark = useRef(loadSyncMark(userId));
  const version = useRef<number | null>(null); // the server version `state` is based on (null: not read yet)
  const dirty = useRef(mark.current.dirty); // changed here, not saved on the server yet
  const stateRef = useRef(state);
  stateRef.current = state;
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const availableKey = useMemo(() => available?.map((r) => `${r.app}/${r.widget}`).join(',') ?? null, [available]);
  const latest = useRef(available);
  latest.current = available;

  const save = useCallback(async () => {
    const s = stateRef.current;
    if (!s || version.current === null || version.current < 0 || !dirty.current) return;
    try {
      const doc = await putDesktopDocument(s, version.current);
      version.current = doc.version;
      if (stateRef.current === s) dirty.current = false;
      saveDesktop(userId, stateRef.current ?? s, { base: doc.version, dirty: dirty.current });
      qc.setQueryData(queryKeys.desktop, doc);
      if (dirty.current) scheduleSave();
    } catch (e) {
      if (isApiError(e) && e.status === 409) {
        dirty.current = false;
        version.current = -1; // take whatever the server has now
        toast({ title: 'Your desktop was changed on another device', description: 'Showing that version; make your change again if it is missing.' });
        void qc.invalidateQueries({ queryKey: queryKeys.desktop });
      } else {
        toast({
          title: 'The layout could not be saved to your account',
          description: 'It is kept in this browser and saved with your next change.',
          variant: 'error',
        });
      }
    }
  }, [qc, userId]);

  const scheduleSave = useCallback(() => {
    if (timer.current) clearTimeout(timer.current);
    // Not cleared on unmount: leaving the desktop right after a change still saves it.
    timer.current = setTimeout(() => void save(), SAVE_AFTER_MS);
  }, [save]);

  // First the local copy (no flash of an empty desktop), then the server's once it answers.
  useEffect(() => {
    const refs = latest.current;
    if (!refs) return;
    setState((prev) => {
      const base = prev ?? loadDesktop(userId) ?? (remote.isPending ? null : initialState(refs));
      if (!base) return null;
      const next = reconcile(base, refs);
      if (next !== base) dirty.current = true;
      return next;
    });
  }, [userId, availableKey, remote.isPending]);

  useEffect(() => {
    const refs = latest.current;
    const doc = remote.data;
    if (!refs || !doc) return;
    if (version.current !== null && doc.version <= version.current) return;
    const first = version.current === null;
    if (!first && dirty.current) return; // ours goes first; a conflict will tell
    const local = loadDesktop(userId);
    version.current = doc.version;
    // A change made here before a reload, on top of exactly this version: it goes on.
    if (first && local && dirty.current && mark.current.base === doc.version) {
      setState((prev) => reconcile(prev ?? local, refs));
      scheduleSave();
      return;
    }
    const fromServer = fromDocument(doc);
    if (!fromServer) {
      // Never saved on the server: this browser's layout (or a new one) is the first save.
      dirty.current = true;
      setState((prev) => reconcile(prev ?? local ?? initialState(refs), refs));
      scheduleSave();
      return;
    }
    const next = reconcile(fromServer, refs);
    dirty.current = next !== fromServer;
    setState(next);
    if (dirty.current) scheduleSave();
  }, [remote.data, userId, scheduleSave]);

  useEffect(() => {
    if (!state) return;
    saveDesktop(userId, state, { base: version.current ?? mark.current.base, dirty: dirty.current });
    if (!serverless && dirty.current) scheduleSave();
  }, [state, userId, serverless, scheduleSave]);

  // Another tab of this browser changed it.
  useEffect(() => {
    const onStorage = (e: StorageEvent) => {
      if (e.key !== storageKey(userId) || !latest.current || dirty.current) return;
      const stored = loadDesktop(userId);
      if (stored) setState(reconcile(stored, latest.current));
      void qc.invalidateQueries({ queryKey: queryKeys.desktop });
    };
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }, [userId, qc]);

  const update = useCallback((fn: (s: DesktopState) => DesktopState) => {
    setState((s) => {
      if (!s) return s;
      const next = fn(s);
      if (next !== s) dirty.current = true;
      return next;
    });
  }, []);
  return { state, update };
}
