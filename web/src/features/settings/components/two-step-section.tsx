import { Copy, Download, ShieldCheck, Smartphone } from 'lucide-react';
import QRCode from 'qrcode';
import { useEffect, useState, type FormEvent } from 'react';

import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { Badge } from '@/components/ui/misc';
import { toast } from '@/components/ui/toast';
import { isApiError } from '@/lib/api-error';
import { tokenClaims } from '@/lib/session';
import { useConfirmTotp } from '../api/confirm-totp';
import { useEnrollTotp } from '../api/enroll-totp';
import { useRemoveTotp } from '../api/remove-totp';

type Step =
  | { kind: 'off' }
  | { kind: 'scan'; secret: string; uri: string }
  | { kind: 'codes'; codes: string[] }
  | { kind: 'on'; note?: string };

function grouped(secret: string) {
  return secret.replace(/(.{4})/g, '$1 ').trim();
}

function QrImage({ uri }: { uri: string }) {
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    QRCode.toString(uri, { type: 'svg', margin: 1, errorCorrectionLevel: 'M', color: { dark: '#000000', light: '#ffffff' } })
      .then((svg) => live && setSrc(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`))
      .catch(() => live && setSrc(null));
    return () => {
      live = false;
    };
  }, [uri]);
  return (
    <div className="flex size-44 shrink-0 items-center justify-center rounded-lg border border-line bg-white p-2">
      {src ? <img src={src} alt="QR code to add Krilin to your authenticator app" className="size-full" /> : <span className="text-xs text-neutral-600">Drawing the code…</span>}
    </div>
  );
}

// Two-step sign-in with an authenticator app (TOTP): scan, confirm with a first code, save
// the recovery codes; or turn it off with the password and a code.
export function TwoStepSection() {
  // The server does not say yet whether it is on (GET /me lacks it); a session signed in with
  // a code knows, and setting up answers "already on" otherwise.
  const [step, setStep] = useState<Step>(tokenClaims().aal === 2 ? { kind: 'on' } : { kind: 'off' });
  const enroll = useEnrollTotp();
  const confirm = useConfirmTotp();
  const remove = useRemoveTotp();
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');

  const start = () =>
    enroll.mutate(undefined, {
      onSuccess: (r) => {
        setCode('');
        setStep({ kind: 'scan', secret: r.secret, uri: r.otpauth_uri });
      },
      onError: (e) => {
        if (isApiError(e) && e.code === 'mfa_already_enabled') setStep({ kind: 'on', note: 'Two-step sign-in is already on for your account.' });
        else toast({ variant: 'error', title: 'Setting up did not start', description: isApiError(e) ? `${e.message} ${e.hint}` : 'Try again.' });
      },
    });

  const submitConfirm = (e: FormEvent) => {
    e.preventDefault();
    confirm.mutate(code, { onSuccess: (r) => setStep({ kind: 'codes', codes: r.recovery_codes }) });
  };

  const submitRemove = (e: FormEvent) => {
    e.preventDefault();
    remove.mutate(
      { password, code: code.replace(/\s+/g, '') },
      {
        onSuccess: () => {
          setPassword('');
          setCode('');
          setStep({ kind: 'off' });
          toast({ title: 'Two-step sign-in is off', description: 'Signing in needs only your password now.' });
        },
      },
    );
  };

  if (step.kind === 'scan') {
    return (
      <div className="flex flex-col gap-5">
        <div className="flex flex-wrap items-start gap-5">
          <QrImage uri={step.uri} />
          <ol className="flex min-w-0 flex-1 list-decimal flex-col gap-2 pl-5 text-sm">
            <li>Open an authenticator app on your phone (Aegis, 1Password, Google Authenticator…).</li>
            <li>
              Scan this code, or type the key by hand:
              <code className="mt-1.5 block rounded-md bg-surface-2 px-3 py-2 font-mono text-sm tracking-wider" data-testid="totp-secret">
                {grouped(step.secret)}
              </code>
            </li>
            <li>Type the 6-digit code it shows to finish.</li>
          </ol>
        </div>
        <form onSubmit={submitConfirm} className="flex max-w-md flex-col gap-3">
          <Field
            label="Code from the app"
            error={confirm.isError ? (isApiError(confirm.error) ? `${confirm.error.message} ${confirm.error.hint}` : 'Try again.') : undefined}
          >
            <Input
              autoFocus
              inputMode="numeric"
              autoComplete="one-time-code"
              maxLength={6}
              className="w-40 text-center font-mono text-lg tracking-[0.3em]"
              value={code}
              onChange={(e) => setCode(e.target.value.replace(/\D/g, ''))}
            />
          </Field>
          <div className="flex gap-2">
            <Button type="submit" variant="primary" loading={confirm.isPending} disabled={code.length !== 6}>
              Turn on two-step sign-in
            </Button>
            <Button variant="ghost" onClick={() => setStep({ kind: 'off' })}>
              Cancel
            </Button>
          </div>
        </form>
      </div>
    );
  }

  if (step.kind === 'codes') {
    const text = step.codes.join('\n');
    return (
      <div className="flex flex-col gap-4">
        <p className="flex items-center gap-2 text-sm font-medium text-success">
          <ShieldCheck className="size-4" aria-hidden /> Two-step sign-in is on.
        </p>
        <p className="text-sm text-muted">
          Save these recovery codes somewhere safe. Each one signs you in once if you lose your phone. They are shown only now.
        </p>
        <ul className="grid max-w-md grid-cols-2 gap-2 rounded-lg bg-surface-2 p-3 font-mono text-sm" aria-label="Recovery codes">
          {step.codes.map((c) => (
            <li key={c}>{c}</li>
          ))}
        </ul>
        <div className="flex flex-wrap gap-2">
          <Button
            onClick={() =>
              void navigator.clipboard?.writeText(text).then(
                () => toast({ title: 'Recovery codes copied' }),
                () => toast({ variant: 'error', title: 'Copying did not work', description: 'Select the codes and copy them by hand.' }),
              )
            }
          >
            <Copy aria-hidden /> Copy
          </Button>
          <Button asChild>
            <a href={`data:text/plain;charset=utf-8,${encodeURIComponent(`Krilin recovery codes\n\n${text}\n`)}`} download="krilin-recovery-codes.txt">
              <Download aria-hidden /> Download
            </a>
          </Button>
          <Button variant="primary" onClick={() => setStep({ kind: 'on' })}>
            I saved them
          </Button>
        </div>
      </div>
    );
  }

  if (step.kind === 'on') {
    return (
      <div className="flex flex-col gap-4">
        <div className="flex items-center gap-2">
          <Badge tone="success">
            <ShieldCheck className="size-3.5" aria-hidden /> On
          </Badge>
          <p className="text-sm text-muted">{step.note ?? 'Signing in asks for a code from your authenticator app.'}</p>
        </div>
        <form onSubmit={submitRemove} className="flex max-w-md flex-col gap-3 border-t border-line pt-4">
          <p className="text-sm font-medium">Turn two-step sign-in off</p>
          <input type="text" autoComplete="username" className="hidden" aria-hidden tabIndex={-1} readOnly />
          <Field label="Password">
            <Input type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} />
          </Field>
          <Field label="Code from the app, or a recovery code">
            <Input autoComplete="one-time-code" value={code} onChange={(e) => setCode(e.target.value)} className="w-48 font-mono" />
          </Field>
          {remove.isError && (
            <p role="alert" className="rounded-md bg-danger-soft px-3 py-2 text-sm text-danger-text">
              {isApiError(remove.error) ? `${remove.error.message} ${remove.error.hint}` : 'Try again.'}
            </p>
          )}
          <div>
            <Button type="submit" variant="danger" loading={remove.isPending} disabled={!password || !code}>
              Turn off
            </Button>
          </div>
        </form>
      </div>
    );
  }

  return (
    <div className="flex flex-wrap items-center justify-between gap-4">
      <p className="flex items-start gap-3 text-sm text-muted">
        <Smartphone className="mt-0.5 size-4 shrink-0" aria-hidden />
        Ask for a code from an authenticator app at sign-in, so that a stolen password is not enough.
      </p>
      <Button variant="primary" onClick={start} loading={enroll.isPending}>
        Set up two-step sign-in
      </Button>
    </div>
  );
}
