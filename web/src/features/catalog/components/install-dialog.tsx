import { useState } from 'react';

import { useInstallApp } from '@/api/apps/install-app';
import { useInstallPlan } from '@/api/apps/get-install-plan';
import { InstallPlanSummary } from '@/components/install-plan-summary';
import { Button } from '@/components/ui/button';
import { Dialog, DialogContent, DialogFooter } from '@/components/ui/dialog';
import { ErrorState, LoadingRows } from '@/components/ui/feedback';
import { toast } from '@/components/ui/toast';
import type { AppSummary } from '@/lib/api-types';
import { isApiError } from '@/lib/api-error';

// The install plan of one app, then the install itself: exactly what the person saw.
export function InstallDialog({
  app,
  nameOf,
  onClose,
  onOpenApp,
}: {
  app: AppSummary;
  nameOf: (id: string) => string;
  onClose: () => void;
  onOpenApp: (id: string) => void;
}) {
  const [accepted, setAccepted] = useState<string[]>([]);
  const plan = useInstallPlan(app.id, accepted);
  const install = useInstallApp();

  const go = () => {
    install.mutate(
      { id: app.id, accept: accepted },
      {
        onSuccess: (done) => {
          const others = done.install.filter((a) => a.id !== app.id).map((a) => a.name);
          toast({
            variant: 'success',
            title: `${app.name} is installed`,
            description: others.length ? `Together with ${others.join(', ')}. Its widgets are on your desktop.` : 'Its widgets are on your desktop.',
            action: { label: 'Open', onClick: () => onOpenApp(app.id) },
          });
          onClose();
        },
      },
    );
  };

  const count = plan.data?.install.length ?? 0;
  return (
    <Dialog open onOpenChange={(o) => !o && onClose()}>
      <DialogContent title={`Install ${app.name}`} description={app.description} className="max-w-xl">
        {plan.isPending ? (
          <LoadingRows rows={3} label="Working out the install plan" />
        ) : plan.isError ? (
          <ErrorState
            title="This app cannot be installed as things are"
            message={isApiError(plan.error) ? plan.error.message : undefined}
            onRetry={() => void plan.refetch()}
          />
        ) : (
          <InstallPlanSummary
            plan={plan.data}
            nameOf={nameOf}
            accepted={accepted}
            onToggleOptional={(id, on) => setAccepted((a) => (on ? [...a, id] : a.filter((x) => x !== id)))}
          />
        )}
        {install.isError && (
          <p role="alert" className="mt-4 rounded-md bg-danger-soft px-3 py-2 text-sm text-danger-text">
            {isApiError(install.error) ? `${install.error.message} ${install.error.hint}` : 'The install did not work. Try again.'}
          </p>
        )}
        <DialogFooter>
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button variant="primary" onClick={go} loading={install.isPending} disabled={!plan.data || plan.isFetching}>
            {count > 1 ? `Install ${count} apps` : 'Install'}
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
