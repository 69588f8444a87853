import { useQueries, useQueryClient } from '@tanstack/react-query';
import { Check, CheckCircle2, Circle, Loader2, Sparkles } from 'lucide-react';
import { useState } from 'react';
import { useNavigate } from '@/lib/router';

import { useApps } from '@/api/apps/get-apps';
import { getInstallPlan } from '@/api/apps/get-install-plan';
import { installApp } from '@/api/apps/install-app';
import { useMe } from '@/api/me/get-me';
import { updateMe } from '@/api/me/update-me';
import { InstallPlanSummary } from '@/components/install-plan-summary';
import { AppIcon } from '@/components/ui/app-icon';
import { Button } from '@/components/ui/button';
import { Dialog, DialogContent, DialogFooter } from '@/components/ui/dialog';
import { ErrorState, LoadingRows } from '@/components/ui/feedback';
import { Logo } from '@/components/ui/logo';
import { Checkbox } from '@/components/ui/misc';
import { cn } from '@/lib/cn';
import { isApiError } from '@/lib/api-error';
import { browserTimeZone } from '@/lib/dates';
import { queryKeys } from '@/lib/query-keys';
import { installCalls, mergePlans } from '../plan';
import { markOnboarded } from '../onboarding-state';

type Progress = Record<string, 'waiting' | 'installing' | 'done' | 'failed'>;

// The first minute: a welcome, a few starter apps (installed through their real install
// plans, shown first), the time zone, done.
export function OnboardingPage() {
  const navigate = useNavigate();
  const qc = useQueryClient();
  const me = useMe();
  const apps = useApps();
  const [picked, setPicked] = useState<string[] | null>(null);
  const [useDeviceZone, setUseDeviceZone] = useState(true);
  const [planOpen, setPlanOpen] = useState(false);
  const [progress, setProgress] = useState<Progress | null>(null);
  const [error, setError] = useState<string | null>(null);
  const device = browserTimeZone();

  const available = apps.data?.filter((a) => !a.installed) ?? [];
  const chosen = picked ?? available.map((a) => a.id);
  const plans = useQueries({
    queries: chosen.map((id) => ({
      queryKey: queryKeys.apps.plan(id, []),
      queryFn: ({ signal }: { signal: AbortSignal }) => getInstallPlan(id, [], signal),
      enabled: planOpen,
      staleTime: 0,
    })),
  });
  const planData = plans.every((p) => p.data) ? plans.map((p) => p.data!) : null;
  const merged = planData ? mergePlans(planData) : null;
  const nameOf = (id: string) => apps.data?.find((a) => a.id === id)?.name ?? id;
  const zoneDiffers = me.data && me.data.time_zone !== device;

  const finish = () => {
    if (me.data) markOnboarded(me.data.id);
    navigate('/', { replace: true });
  };

  const install = async () => {
    if (!planData || !merged) return;
    setError(null);
    const order = installCalls(planData);
    const state: Progress = Object.fromEntries(merged.install.map((a) => [a.id, 'waiting']));
    setProgress({ ...state });
    try {
      if (zoneDiffers && useDeviceZone) await updateMe({ time_zone: device });
      for (const id of order) {
        const plan = planData.find((p) => p.app === id);
        for (const a of plan?.install ?? []) state[a.id] = state[a.id] === 'done' ? 'done' : 'installing';
        setProgress({ ...state });
        try {
          await installApp(id);
        } catch (e) {
          // Installed by an earlier, interrupted try: that is fine.
          if (!(isApiError(e) && e.code === 'already_installed')) throw e;
        }
        for (const a of plan?.install ?? []) state[a.id] = 'done';
        setProgress({ ...state });
      }
    } catch (e) {
      for (const k of Object.keys(state)) if (state[k] === 'installing') state[k] = 'failed';
      setProgress({ ...state });
      setError(isApiError(e) ? `${e.message} ${e.hint}` : 'The install stopped. Try again.');
    } finally {
      void qc.invalidateQueries({ queryKey: queryKeys.apps.all });
      void qc.invalidateQueries({ queryKey: queryKeys.me });
      void qc.invalidateQueries({ queryKey: queryKeys.outputs.all });
      void qc.invalidateQueries({ queryKey: queryKeys.grants });
    }
  };

  const allDone = progress !== null && Object.values(progress).every((s) => s === 'done');
  const installing = progress !== null && !allDone && !error;

  return (
    <div className="flex min-h-dvh items-center justify-center bg-canvas px-4 py-10">
      <main className="w-full max-w-2xl">
        <div className="mb-8 flex flex-col items-center text-center">
          <Logo className="size-10" />
          <h1 className="mt-4 text-2xl font-semibold tracking-tight">
            {allDone ? 'You are set' : `Welcome to Krilin${me.data ? `, ${me.data.name}` : ''}`}
          </h1>
          <p className="mt-1 max-w-md text-sm text-muted">
            {allDone
              ? 'Your apps are installed and their widgets are on your desktop.'
              : 'Pick the apps to start with. They work together, and you can add or remove apps any time in the App catalog.'}
          </p>
        </div>

        {allDone ? (
          <div className="flex flex-col items-center gap-3">
            <Button variant="primary" size="lg" onClick={finish} autoFocus>
              <Sparkles aria-hidden /> Open my desktop
            </Button>
          </div>
        ) : apps.isPending ? (
          <LoadingRows rows={2} label="Loading the apps" />
        ) : apps.isError ? (
          <ErrorState title="The apps could not be loaded" hint={isApiError(apps.error) ? apps.error.hint : undefined} onRetry={() => void apps.refetch()} />
        ) : (
          <div className="flex flex-col gap-6">
            <fieldset>
              <legend className="sr-only">Starter apps</legend>
              <ul className="grid gap-3 sm:grid-cols-2">
                {available.map((a) => {
                  const on = chosen.includes(a.id);
                  return (
                    <li key={a.id}>
                      <label
                        className={cn(
                          'flex h-full cursor-pointer items-start gap-3 rounded-xl border bg-surface p-4 shadow-raised transition-colors duration-(--k-duration-fast)',
                          on ? 'border-accent ring-1 ring-accent' : 'border-line hover:border-line-strong',
                        )}
                      >
                        <AppIcon icon={a.icon} size="lg" />
                        <span className="min-w-0 flex-1">
                          <span className="block font-medium">{a.name}</span>
                          <span className="mt-0.5 block text-sm text-muted">{a.description}</span>
                        </span>
                        <Checkbox
                          checked={on}
                          disabled={installing}
                          label={`Install ${a.name}`}
                          onCheckedChange={(v) => setPicked(v ? [...chosen, a.id] : chosen.filter((x) => x !== a.id))}
                        />
                      </label>
                    </li>
                  );
                })}
              </ul>
              {available.length === 0 && <p className="text-center text-sm text-muted">Every app is already installed.</p>}
            </fieldset>

            {zoneDiffers && (
              <label className="flex items-center gap-3 rounded-xl border border-line bg-surface p-4 text-sm shadow-raised">
                <Checkbox checked={useDeviceZone} onCheckedChange={setUseDeviceZone} label="Use this device's time zone" />
                <span>
                  Count my days in <span className="font-medium">{device.replace(/_/g, ' ')}</span> (this device's time zone) instead of{' '}
                  {me.data?.time_zone}.
                </span>
              </label>
            )}

            <div className="flex items-center justify-between">
              <Button variant="ghost" onClick={finish}>
                Skip for now
              </Button>
              <Button variant="primary" size="lg" disabled={chosen.length === 0} onClick={() => setPlanOpen(true)}>
                Continue
              </Button>
            </div>
          </div>
        )}
      </main>

      <Dialog open={planOpen && !allDone} onOpenChange={(o) => !installing && setPlanOpen(o)}>
        <DialogContent title="Here is what will happen" description="Nothing is installed until you say so." className="max-w-xl" hideClose={installing}>
          {plans.some((p) => p.isError) ? (
            <ErrorState title="The install plan could not be worked out" onRetry={() => plans.forEach((p) => void p.refetch())} />
          ) : !merged ? (
            <LoadingRows rows={3} label="Working out the install plan" />
          ) : progress ? (
            <ul className="flex flex-col gap-2" aria-live="polite">
              {merged.install.map((a) => {
                const s = progress[a.id] ?? 'waiting';
                return (
                  <li key={a.id} className="flex items-center gap-3 rounded-lg bg-surface-2 px-3 py-2 text-sm">
                    {s === 'done' ? (
                      <CheckCircle2 className="size-4 text-success" aria-hidden />
                    ) : s === 'installing' ? (
                      <Loader2 className="size-4 animate-spin text-accent-text" aria-hidden />
                    ) : s === 'failed' ? (
                      <Circle className="size-4 text-danger-text" aria-hidden />
                    ) : (
                      <Circle className="size-4 text-subtle" aria-hidden />
                    )}
                    <span className="flex-1 font-medium">{a.name}</span>
                    <span className="text-xs text-muted">{{ done: 'Installed', installing: 'Installing…', failed: 'Not installed', waiting: 'Waiting' }[s]}</span>
                  </li>
                );
              })}
            </ul>
          ) : (
            <InstallPlanSummary plan={merged} nameOf={nameOf} accepted={[]} />
          )}
          {error && (
            <p role="alert" className="mt-4 rounded-md bg-danger-soft px-3 py-2 text-sm text-danger-text">
              {error}
            </p>
          )}
          <DialogFooter>
            {!installing && (
              <Button variant="secondary" onClick={() => setPlanOpen(false)}>
                Back
              </Button>
            )}
            <Button variant="primary" onClick={() => void install()} loading={installing} disabled={!merged || installing}>
              <Check aria-hidden /> {error ? 'Try again' : `Install ${merged?.install.length ?? ''} apps`}
            </Button>
          </DialogFooter>
        </DialogContent>
      </Dialog>
    </div>
  );
}
