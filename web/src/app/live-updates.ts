import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';

import { toast } from '@/components/ui/toast';
import { api } from '@/lib/api-client';
import { LiveConnection, type LiveSocket, type LiveStatus } from '@/lib/live';
import { createLiveCacheSync, streamsFor } from '@/lib/live-queries';

async function wsTicket(): Promise<string> {
  const out = await api<{ ticket: string }>('/api/v1/ws-ticket', { method: 'POST' });
  return out.ticket;
}

function openSocket(ticket: string): LiveSocket {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return new WebSocket(`${scheme}://${location.host}/ws?ticket=${encodeURIComponent(ticket)}`) as unknown as LiveSocket;
}

const parse = (key: string) =>
  key.split(',').map((k) => {
    const [app_id = '', stream_id = ''] = k.split('/');
    return { app_id, stream_id };
  });

// The tab's one live connection while signed in: follows the streams of the installed,
// enabled apps and the user's notifications, and keeps the query caches current.
export function useLiveUpdates(apps: Array<{ id: string; installed: boolean; enabled: boolean }> | undefined): LiveStatus {
  const qc = useQueryClient();
  const [status, setStatus] = useState<LiveStatus>('idle');
  const conn = useRef<LiveConnection | null>(null);
  const key = apps ? streamsFor(apps).map((s) => `${s.app_id}/${s.stream_id}`).join(',') : null;
  const keyRef = useRef(key);
  keyRef.current = key;

  useEffect(() => {
    const sync = createLiveCacheSync(qc, (n) => {
      if (n && typeof n.title === 'string') toast({ title: n.title, description: n.body || undefined, variant: 'info' });
    });
    const c = new LiveConnection(
      {
        ticket: wsTicket,
        open: openSocket,
        setTimeout: (fn, ms) => window.setTimeout(fn, ms),
        clearTimeout: (h) => window.clearTimeout(h as number),
        random: Math.random,
      },
      { onEvent: sync.onEvent, onResync: sync.onResync, onStatus: setStatus },
    );
    conn.current = c;
    const online = () => c.retryNow();
    const visible = () => {
      if (document.visibilityState === 'visible') c.retryNow();
    };
    window.addEventListener('online', online);
    document.addEventListener('visibilitychange', visible);
    if (keyRef.current !== null) c.setStreams(parse(keyRef.current));
    c.start();
    return () => {
      window.removeEventListener('online', online);
      document.removeEventListener('visibilitychange', visible);
      c.stop();
      sync.dispose();
      conn.current = null;
    };
  }, [qc]);

  useEffect(() => {
    if (key !== null) conn.current?.setStreams(parse(key));
  }, [key]);

  return status;
}
