import { LogOut, Monitor, Smartphone } from 'lucide-react';
import { useState } from 'react';

import { ConfirmDialog } from '@/components/ui/alert-dialog';
import { Button } from '@/components/ui/button';
import { ErrorState, LoadingRows } from '@/components/ui/feedback';
import { Badge } from '@/components/ui/misc';
import { Section } from '@/components/ui/page';
import { toast } from '@/components/ui/toast';
import { isApiError } from '@/lib/api-error';
import { dateTime, relativeTime } from '@/lib/dates';
import { useSessions, type SessionInfo } from '../api/get-sessions';
import { useRevokeSession } from '../api/revoke-session';
import { useSignOutEverywhere } from '../api/sign-out-everywhere';

// "Chrome on Linux" from a user agent string; good enough to recognise one's devices.
export function deviceName(ua: string): string {
  if (!ua) return 'Unknown device';
  const browser = /Edg\//.test(ua)
    ? 'Edge'
    : /Firefox\//.test(ua)
      ? 'Firefox'
      : /Chrom(e|ium)\//.test(ua)
        ? 'Chrome'
        : /Safari\//.test(ua)
          ? 'Safari'
          : /curl\//.test(ua)
            ? 'curl'
            : ua.split(/[ /]/)[0] || 'A program';
  const os = /Android/.test(ua)
    ? 'Android'
    : /iPhone|iPad/.test(ua)
      ? 'iOS'
      : /Mac OS X/.test(ua)
        ? 'macOS'
        : /Windows/.test(ua)
          ? 'Windows'
          : /Linux/.test(ua)
            ? 'Linux'
            : '';
  return os ? `${browser} on ${os}` : browser;
}

export function SessionsSection() {
  const sessions = useSessions();
  const revoke = useRevokeSession();
  const everywhere = useSignOutEverywhere();
  const [confirmAll, setConfirmAll] = useState(false);

  const end = (s: SessionInfo) =>
    revoke.mutate(s.id, {
      onSuccess: () => toast({ title: `${deviceName(s.user_agent)} is signed out` }),
      onError: (e) => toast({ variant: 'error', title: 'Ending the session did not work', description: isApiError(e) ? `${e.message} ${e.hint}` : 'Try again.' }),
    });

  return (
    <Section id="sessions" title="Sessions" description="The devices signed in to your account. End any you do not recognise.">
      {sessions.isPending ? (
        <LoadingRows rows={2} label="Loading sessions" />
      ) : sessions.isError ? (
        <ErrorState title="Sessions could not be loaded" onRetry={() => void sessions.refetch()} />
      ) : (
        <>
          <ul className="-my-2 divide-y divide-line">
            {sessions.data.map((s) => {
              const mobile = /Android|iPhone|iPad|Mobile/.test(s.user_agent);
              const Icon = mobile ? Smartphone : Monitor;
              return (
                <li key={s.id} className="flex items-center gap-3 py-3">
                  <Icon className="size-5 shrink-0 text-muted" aria-hidden />
                  <div className="min-w-0 flex-1">
                    <p className="flex items-center gap-2 text-sm font-medium">
                      {deviceName(s.user_agent)} {s.current && <Badge tone="accent">This device</Badge>}
                    </p>
                    <p className="text-xs text-muted">
                      {s.address || 'unknown address'} · signed in {dateTime(s.created_at)} · last active{' '}
                      <time title={dateTime(s.last_used_at)}>{relativeTime(s.last_used_at)}</time>
                    </p>
                  </div>
                  {!s.current && (
                    <Button size="sm" onClick={() => end(s)} aria-label={`Sign out ${deviceName(s.user_agent)}`}>
                      Sign out
                    </Button>
                  )}
                </li>
              );
            })}
          </ul>
          <div className="mt-4 border-t border-line pt-4">
            <Button variant="secondary" onClick={() => setConfirmAll(true)}>
              <LogOut aria-hidden /> Sign out everywhere
            </Button>
          </div>
        </>
      )}
      <ConfirmDialog
        open={confirmAll}
        onOpenChange={setConfirmAll}
        title="Sign out on every device?"
        description="Every session ends at once, this one too. You will sign in again here."
        confirmLabel="Sign out everywhere"
        busy={everywhere.isPending}
        onConfirm={() =>
          everywhere.mutate(undefined, {
            onError: (e) => toast({ variant: 'error', title: 'That did not work', description: isApiError(e) ? `${e.message} ${e.hint}` : 'Try again.' }),
          })
        }
      />
    </Section>
  );
}
