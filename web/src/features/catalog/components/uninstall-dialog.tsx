import { AlertTriangle } from 'lucide-react';
import { useState } from 'react';

import { Button } from '@/components/ui/button';
import { Dialog, DialogContent, DialogFooter } from '@/components/ui/dialog';
import { toast } from '@/components/ui/toast';
import type { AppSummary } from '@/lib/api-types';
import { isApiError } from '@/lib/api-error';
import { useUninstallApp, type UninstallMode } from '../api/uninstall-app';

// Uninstalling: a confirmation first; when other installed apps need this one, the server
// names them (409 has_dependents) and the dialog offers: remove them all, only switch this
// one off (everything kept), or cancel.
export function UninstallDialog({ app, nameOf, onClose }: { app: AppSummary; nameOf: (id: string) => string; onClose: () => void }) {
  const uninstall = useUninstallApp();
  const [dependents, setDependents] = useState<string[] | null>(null);
  const [chosen, setChosen] = useState<UninstallMode | 'plain' | null>(null);

  const run = (mode?: UninstallMode) => {
    setChosen(mode ?? 'plain');
    uninstall.mutate(
      mode ? { id: app.id, mode } : { id: app.id },
      {
        onSuccess: () => {
          toast({
            variant: 'success',
            title:
              mode === 'disable'
                ? `${app.name} is switched off`
                : mode === 'cascade'
                  ? `${app.name} and ${dependents?.length ?? 0} app${dependents?.length === 1 ? '' : 's'} uninstalled`
                  : `${app.name} is uninstalled`,
            description:
              mode === 'disable'
                ? 'Its data and permissions are kept. Turn it back on from the App catalog.'
                : 'Its data is kept until you delete it from the App catalog; reinstalling brings it back.',
          });
          onClose();
        },
        onError: (e) => {
          if (isApiError(e) && e.code === 'has_dependents') {
            const list = (e.details?.dependents as string[] | undefined) ?? [];
            setDependents(list);
            uninstall.reset();
          }
        },
      },
    );
  };

  const error = uninstall.error;
  const errorText = error && !(isApiError(error) && error.code === 'has_dependents')
    ? isApiError(error)
      ? `${error.message} ${error.hint}`
      : 'That did not work. Try again.'
    : null;

  if (dependents) {
    const names = dependents.map(nameOf);
    return (
      <Dialog open onOpenChange={(o) => !o && onClose()}>
        <DialogContent
          title={`Other apps need ${app.name}`}
          description={`${names.join(', ')} ${names.length === 1 ? 'needs' : 'need'} ${app.name} to work.`}
        >
          <div className="flex items-start gap-3 rounded-lg bg-warning-soft p-3 text-sm">
            <AlertTriangle className="mt-0.5 size-4 shrink-0 text-warning" aria-hidden />
            <ul className="flex flex-col gap-1">
              <li>
                <span className="font-medium">Uninstall all</span>: removes {app.name} and {names.join(', ')}. Data is kept until deleted.
              </li>
              <li>
                <span className="font-medium">Only switch off</span>: keeps {app.name} installed with its data; it stops answering, and{' '}
                {names.join(', ')} will show partial results.
              </li>
            </ul>
          </div>
          {errorText && (
            <p role="alert" className="mt-4 rounded-md bg-danger-soft px-3 py-2 text-sm text-danger-text">
              {errorText}
            </p>
          )}
          <DialogFooter>
            <Button variant="secondary" onClick={onClose}>
              Cancel
            </Button>
            <Button variant="secondary" onClick={() => run('disable')} loading={uninstall.isPending && chosen === 'disable'} disabled={uninstall.isPending}>
              Only switch off
            </Button>
            <Button variant="danger" onClick={() => run('cascade')} loading={uninstall.isPending && chosen === 'cascade'} disabled={uninstall.isPending}>
              Uninstall all {dependents.length + 1} apps
            </Button>
          </DialogFooter>
        </DialogContent>
      </Dialog>
    );
  }

  return (
    <Dialog open onOpenChange={(o) => !o && onClose()}>
      <DialogContent
        title={`Uninstall ${app.name}?`}
        description="It leaves your desktop and stops reading or sharing data. What it stored is kept until you delete it, so reinstalling brings it back."
      >
        {errorText && (
          <p role="alert" className="rounded-md bg-danger-soft px-3 py-2 text-sm text-danger-text">
            {errorText}
          </p>
        )}
        <DialogFooter>
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button variant="danger" onClick={() => run()} loading={uninstall.isPending}>
            Uninstall
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
