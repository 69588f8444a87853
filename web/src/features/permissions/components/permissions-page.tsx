import { ArrowRight, ShieldCheck, ShieldOff } from 'lucide-react';
import { useState } from 'react';

import { useApps } from '@/api/apps/get-apps';
import { useOutputLabels } from '@/api/apps/get-output-labels';
import { ConfirmDialog } from '@/components/ui/alert-dialog';
import { AppIcon } from '@/components/ui/app-icon';
import { Button } from '@/components/ui/button';
import { EmptyState, ErrorState, LoadingRows } from '@/components/ui/feedback';
import { Badge } from '@/components/ui/misc';
import { Page, PageHeader } from '@/components/ui/page';
import { toast } from '@/components/ui/toast';
import { isApiError } from '@/lib/api-error';
import { dateTime } from '@/lib/dates';
import { useGrants, type Grant } from '../api/get-grants';
import { useRevokeGrant } from '../api/revoke-grant';

// What each app may read of another's data, as accepted at install; revoke any of it.
export function PermissionsPage() {
  const grants = useGrants();
  const apps = useApps();
  const labelOf = useOutputLabels();
  const revoke = useRevokeGrant();
  const [confirm, setConfirm] = useState<Grant | null>(null);
  const app = (id: string) => apps.data?.find((a) => a.id === id);
  const nameOf = (id: string) => app(id)?.name ?? id;
  const what = (g: Grant) => (g.kind === 'output' ? labelOf(g.provider, g.name) : g.name.replace(/_/g, ' '));

  const live = grants.data?.filter((g) => !g.revoked_at) ?? [];
  const revoked = grants.data?.filter((g) => g.revoked_at) ?? [];

  const row = (g: Grant) => (
    <li key={g.id} className="flex flex-wrap items-center gap-3 px-4 py-3">
      <div className="flex items-center gap-1.5" aria-hidden>
        <AppIcon icon={app(g.consumer)?.icon ?? ''} size="sm" />
        <ArrowRight className="size-3.5 text-subtle" />
        <AppIcon icon={app(g.provider)?.icon ?? ''} size="sm" />
      </div>
      <div className="min-w-0 flex-1">
        <p className="text-sm">
          <span className="font-medium">{nameOf(g.consumer)}</span> may read {what(g)} from <span className="font-medium">{nameOf(g.provider)}</span>
        </p>
        <p className="text-xs text-muted">
          {g.revoked_at ? `Revoked ${dateTime(g.revoked_at)}` : `Granted ${dateTime(g.created_at)}`}
        </p>
      </div>
      {g.revoked_at ? (
        <Badge>Revoked</Badge>
      ) : (
        <Button size="sm" variant="secondary" onClick={() => setConfirm(g)} aria-label={`Revoke: ${nameOf(g.consumer)} reads ${what(g)}`}>
          <ShieldOff aria-hidden /> Revoke
        </Button>
      )}
    </li>
  );

  return (
    <Page>
      <PageHeader
        title="Permissions"
        description="Apps read each other's data only where you allowed it when installing. Every read is in Activity."
      />
      {grants.isPending ? (
        <LoadingRows rows={3} label="Loading permissions" />
      ) : grants.isError ? (
        <ErrorState
          title="Permissions could not be loaded"
          message={isApiError(grants.error) ? grants.error.message : undefined}
          onRetry={() => void grants.refetch()}
        />
      ) : (
        <>
          <section aria-labelledby="live-grants" className="rounded-xl border border-line bg-surface shadow-raised">
            <h2 id="live-grants" className="border-b border-line px-4 py-3 text-sm font-semibold">
              Allowed
            </h2>
            {live.length === 0 ? (
              <EmptyState icon={<ShieldCheck aria-hidden />} title="No app reads another's data">
                When an app needs another's data, its install plan asks first.
              </EmptyState>
            ) : (
              <ul className="divide-y divide-line">{live.map(row)}</ul>
            )}
          </section>
          {revoked.length > 0 && (
            <section aria-labelledby="revoked-grants" className="rounded-xl border border-line bg-surface shadow-raised">
              <h2 id="revoked-grants" className="border-b border-line px-4 py-3 text-sm font-semibold">
                Revoked
              </h2>
              <p className="px-4 pt-3 text-xs text-muted">To allow one again, uninstall and reinstall the app that reads it.</p>
              <ul className="divide-y divide-line">{revoked.map(row)}</ul>
            </section>
          )}
        </>
      )}
      <ConfirmDialog
        open={confirm !== null}
        onOpenChange={(o) => !o && setConfirm(null)}
        title="Revoke this permission?"
        description={
          confirm
            ? `${nameOf(confirm.consumer)} will no longer read ${what(confirm)} from ${nameOf(confirm.provider)}. It keeps working with what it may still read, and says so where something is missing.`
            : ''
        }
        confirmLabel="Revoke"
        onConfirm={() => {
          const g = confirm;
          setConfirm(null);
          if (!g) return;
          revoke.mutate(g.id, {
            onSuccess: () => toast({ title: 'Permission revoked', description: `${nameOf(g.consumer)} can no longer read ${what(g)}.` }),
            onError: (e) =>
              toast({ variant: 'error', title: 'Revoking did not work', description: isApiError(e) ? `${e.message} ${e.hint}` : 'Try again.' }),
          });
        }}
      />
    </Page>
  );
}
