import { KeyRound, Package, PlugZap, ShieldCheck } from 'lucide-react';

import type { InstallPlan } from '@/lib/api-types';
import { Badge, Checkbox } from './ui/misc';

// An install plan in plain words (no fetching: the caller has the plan): the apps that will
// be installed (dependencies first, and who needs them), the optional apps on offer, the
// integrations, and what each app will be allowed to read.
export function InstallPlanSummary({
  plan,
  nameOf,
  accepted,
  onToggleOptional,
}: {
  plan: InstallPlan;
  nameOf: (id: string) => string;
  accepted: readonly string[];
  onToggleOptional?: (id: string, on: boolean) => void;
}) {
  return (
    <div className="flex flex-col gap-5 text-sm">
      <section aria-labelledby="plan-apps">
        <h3 id="plan-apps" className="mb-2 flex items-center gap-2 font-medium">
          <Package className="size-4 text-muted" aria-hidden /> Will be installed
        </h3>
        <ol className="flex flex-col gap-1.5">
          {plan.install.map((a, i) => (
            <li key={a.id} className="flex items-center justify-between gap-3 rounded-lg bg-surface-2 px-3 py-2">
              <span className="flex min-w-0 items-center gap-2">
                <span className="text-xs tabular-nums text-subtle">{i + 1}.</span>
                <span className="truncate font-medium">{a.name}</span>
                <span className="text-xs text-muted">{a.version}</span>
              </span>
              {a.required_by ? (
                <Badge>needed by {nameOf(a.required_by)}</Badge>
              ) : a.optional ? (
                <Badge tone="accent">optional</Badge>
              ) : null}
            </li>
          ))}
        </ol>
      </section>

      {plan.optional.length > 0 && (
        <section aria-labelledby="plan-optional">
          <h3 id="plan-optional" className="mb-2 flex items-center gap-2 font-medium">
            <PlugZap className="size-4 text-muted" aria-hidden /> Optional apps that would add to it
          </h3>
          <ul className="flex flex-col gap-1.5">
            {plan.optional.map((o) => (
              <li key={o.id} className="flex items-start gap-3 rounded-lg border border-line px-3 py-2">
                {onToggleOptional && (
                  <Checkbox
                    className="mt-0.5"
                    checked={accepted.includes(o.id)}
                    onCheckedChange={(v) => onToggleOptional(o.id, v)}
                    label={`Also install ${o.name ?? nameOf(o.id)}`}
                  />
                )}
                <span>
                  <span className="font-medium">{o.name ?? nameOf(o.id)}</span>
                  {o.purpose && <span className="block text-muted">{o.purpose}</span>}
                </span>
              </li>
            ))}
          </ul>
        </section>
      )}

      {plan.integrations.length > 0 && (
        <section aria-labelledby="plan-integrations">
          <h3 id="plan-integrations" className="mb-2 flex items-center gap-2 font-medium">
            <PlugZap className="size-4 text-muted" aria-hidden /> Outside services
          </h3>
          <ul className="flex flex-col gap-1 text-muted">
            {plan.integrations.map((x, i) => (
              <li key={i}>{String(x.text ?? x.name ?? x.id ?? 'An integration')}</li>
            ))}
          </ul>
        </section>
      )}

      <section aria-labelledby="plan-permissions">
        <h3 id="plan-permissions" className="mb-2 flex items-center gap-2 font-medium">
          <ShieldCheck className="size-4 text-muted" aria-hidden /> What the apps may read
        </h3>
        {plan.permissions.length === 0 ? (
          <p className="text-muted">Nothing outside its own data.</p>
        ) : (
          <ul className="flex flex-col gap-1.5">
            {plan.permissions.map((p) => (
              <li key={`${p.consumer}:${p.provider}:${p.kind}:${p.name}`} className="flex items-start gap-2">
                <KeyRound className="mt-0.5 size-3.5 shrink-0 text-subtle" aria-hidden />
                <span>
                  <span className="font-medium">{nameOf(p.consumer)}</span>: {p.text}
                  {p.requires_grant && <span className="text-muted"> — you grant this by installing; revoke it any time under Permissions</span>}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
