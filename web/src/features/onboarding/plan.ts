// Onboarding installs several starter apps at once: one plan shown for all of them, and the
// fewest install calls that carry it out (an app another chosen app brings along is not
// installed twice). Pure, unit-tested.
import type { InstallPlan } from '@/lib/api-types';

export function mergePlans(plans: InstallPlan[]): InstallPlan | null {
  if (plans.length === 0) return null;
  const install = new Map<string, InstallPlan['install'][number]>();
  const optional = new Map<string, InstallPlan['optional'][number]>();
  const permissions = new Map<string, InstallPlan['permissions'][number]>();
  for (const p of plans) {
    for (const a of p.install) {
      const seen = install.get(a.id);
      // Chosen for itself beats "needed by": the person picked it.
      if (!seen || (seen.required_by && !a.required_by)) install.set(a.id, a);
    }
    for (const o of p.optional) optional.set(o.id, o);
    for (const x of p.permissions) permissions.set(`${x.consumer}|${x.provider}|${x.kind}|${x.name}`, x);
  }
  const chosen = new Set(plans.map((p) => p.app));
  for (const id of chosen) {
    const a = install.get(id);
    if (a && a.required_by) install.set(id, { ...a, required_by: null });
  }
  return {
    app: plans.map((p) => p.app).join(','),
    install: [...install.values()],
    optional: [...optional.values()].filter((o) => !install.has(o.id)),
    integrations: plans.flatMap((p) => p.integrations),
    permissions: [...permissions.values()],
  };
}

// Which of the chosen apps to call install for: those no other chosen app's plan installs.
export function installCalls(plans: InstallPlan[]): string[] {
  return plans
    .filter((p) => !plans.some((q) => q !== p && q.install.some((a) => a.id === p.app)))
    .map((p) => p.app);
}
