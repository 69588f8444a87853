import { MoreHorizontal, Power, PowerOff, Trash2, Download, ExternalLink, PackageX } from 'lucide-react';
import { useState } from 'react';
import { useNavigate } from '@/lib/router';

import { useApps } from '@/api/apps/get-apps';
import { ConfirmDialog } from '@/components/ui/alert-dialog';
import { AppIcon } from '@/components/ui/app-icon';
import { Button } from '@/components/ui/button';
import { Menu, MenuContent, MenuItem, MenuSeparator, MenuTrigger } from '@/components/ui/dropdown-menu';
import { EmptyState, ErrorState, Skeleton } from '@/components/ui/feedback';
import { Badge } from '@/components/ui/misc';
import { Page, PageHeader } from '@/components/ui/page';
import { toast } from '@/components/ui/toast';
import type { AppSummary } from '@/lib/api-types';
import { isApiError } from '@/lib/api-error';
import { useDisableApp } from '../api/disable-app';
import { useEnableApp } from '../api/enable-app';
import { usePurgeApp } from '../api/purge-app';
import { InstallDialog } from './install-dialog';
import { UninstallDialog } from './uninstall-dialog';

type Dialog = { kind: 'install' | 'uninstall' | 'purge'; app: AppSummary } | null;

function onFailure(what: string) {
  return (e: unknown) =>
    toast({ variant: 'error', title: `${what} did not work`, description: isApiError(e) ? `${e.message} ${e.hint}` : 'Try again.' });
}

// Every app this server offers: install (with its plan), open, switch off or on, uninstall
// (with its dependents), delete the data of an uninstalled one.
export function CatalogPage() {
  const apps = useApps();
  const navigate = useNavigate();
  const enable = useEnableApp();
  const disable = useDisableApp();
  const purge = usePurgeApp();
  const [dialog, setDialog] = useState<Dialog>(null);
  const nameOf = (id: string) => apps.data?.find((a) => a.id === id)?.name ?? id;
  const open = (id: string) => navigate(`/apps/${id}`);

  return (
    <Page wide>
      <PageHeader title="App catalog" description="Apps work together: installing one brings what it needs, and you see what each may read before anything happens." />
      {apps.isPending ? (
        <div className="grid gap-4 sm:grid-cols-2 xl:grid-cols-3" role="status">
          <span className="sr-only">Loading the catalog…</span>
          {[0, 1, 2].map((i) => (
            <Skeleton key={i} className="h-44 rounded-xl" />
          ))}
        </div>
      ) : apps.isError ? (
        <ErrorState
          title="The catalog could not be loaded"
          message={isApiError(apps.error) ? apps.error.message : undefined}
          hint={isApiError(apps.error) ? apps.error.hint : undefined}
          onRetry={() => void apps.refetch()}
        />
      ) : apps.data.length === 0 ? (
        <EmptyState icon={<PackageX aria-hidden />} title="This server offers no apps" />
      ) : (
        <ul className="grid gap-4 sm:grid-cols-2 xl:grid-cols-3">
          {apps.data.map((app) => {
            const needs = app.dependencies.filter((d) => !d.optional);
            const state = !app.installed ? null : app.enabled ? 'installed' : 'off';
            return (
              <li key={app.id} className="flex flex-col gap-3 rounded-xl border border-line bg-surface p-5 shadow-raised">
                <div className="flex items-start gap-3">
                  <AppIcon icon={app.icon} size="lg" />
                  <div className="min-w-0 flex-1">
                    <h2 className="truncate font-semibold">{app.name}</h2>
                    <p className="text-xs text-muted">Version {app.installed_version ?? app.version}</p>
                  </div>
                  {state === 'installed' && <Badge tone="success">Installed</Badge>}
                  {state === 'off' && <Badge tone="warning">Switched off</Badge>}
                </div>
                <p className="flex-1 text-sm text-muted">{app.description}</p>
                {needs.length > 0 && (
                  <p className="text-xs text-muted">
                    Needs {needs.map((d) => nameOf(d.id)).join(', ')}
                    {app.dependencies.length > needs.length && `; can also read ${app.dependencies.length - needs.length} other apps when they are installed`}
                  </p>
                )}
                <div className="flex items-center gap-2">
                  {!app.installed ? (
                    <Button variant="primary" onClick={() => setDialog({ kind: 'install', app })} aria-label={`Install ${app.name}`}>
                      <Download aria-hidden /> Install
                    </Button>
                  ) : app.enabled ? (
                    <Button onClick={() => open(app.id)} aria-label={`Open ${app.name}`}>
                      <ExternalLink aria-hidden /> Open
                    </Button>
                  ) : (
                    <Button
                      onClick={() =>
                        enable.mutate(app.id, {
                          onError: onFailure(`Turning ${app.name} on`),
                          onSuccess: () => toast({ variant: 'success', title: `${app.name} is on again` }),
                        })
                      }
                      loading={enable.isPending && enable.variables === app.id}
                    >
                      <Power aria-hidden /> Turn on
                    </Button>
                  )}
                  <Menu>
                    <MenuTrigger asChild>
                      <Button size="icon" variant="ghost" aria-label={`More for ${app.name}`}>
                        <MoreHorizontal aria-hidden />
                      </Button>
                    </MenuTrigger>
                    <MenuContent>
                      {app.installed ? (
                        <>
                          {app.enabled && (
                            <MenuItem
                              onSelect={() =>
                                disable.mutate(app.id, {
                                  onError: onFailure(`Switching ${app.name} off`),
                                  onSuccess: () => toast({ title: `${app.name} is switched off`, description: 'Its data is kept; turn it on again here.' }),
                                })
                              }
                            >
                              <PowerOff aria-hidden /> Switch off
                            </MenuItem>
                          )}
                          <MenuSeparator />
                          <MenuItem danger onSelect={() => setDialog({ kind: 'uninstall', app })}>
                            <Trash2 aria-hidden /> Uninstall…
                          </MenuItem>
                        </>
                      ) : (
                        <MenuItem danger onSelect={() => setDialog({ kind: 'purge', app })}>
                          <Trash2 aria-hidden /> Delete its stored data…
                        </MenuItem>
                      )}
                    </MenuContent>
                  </Menu>
                </div>
              </li>
            );
          })}
        </ul>
      )}

      {dialog?.kind === 'install' && <InstallDialog app={dialog.app} nameOf={nameOf} onClose={() => setDialog(null)} onOpenApp={open} />}
      {dialog?.kind === 'uninstall' && <UninstallDialog app={dialog.app} nameOf={nameOf} onClose={() => setDialog(null)} />}
      <ConfirmDialog
        open={dialog?.kind === 'purge'}
        onOpenChange={(o) => !o && setDialog(null)}
        title={`Delete ${dialog?.app.name ?? ''}'s data for good?`}
        description="Everything it stored for you is deleted and cannot be brought back. Reinstalling it later starts empty."
        confirmLabel="Delete data"
        busy={purge.isPending}
        onConfirm={() => {
          const app = dialog?.app;
          if (!app) return;
          purge.mutate(app.id, {
            onError: onFailure(`Deleting ${app.name}'s data`),
            onSuccess: () => toast({ variant: 'success', title: `${app.name}'s data is deleted` }),
            onSettled: () => setDialog(null),
          });
        }}
      />
    </Page>
  );
}
