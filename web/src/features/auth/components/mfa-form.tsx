import { KeyRound } from 'lucide-react';
import { useState, type FormEvent } from 'react';

import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { isApiError } from '@/lib/api-error';
import { useVerifyMfa } from '../api/verify-mfa';

// The second step of a sign-in: the 6-digit code of the authenticator app, or a recovery code.
export function MfaForm({ mfaToken, onVerified, onCancel }: { mfaToken: string; onVerified: () => void; onCancel: () => void }) {
  const [useRecovery, setUseRecovery] = useState(false);
  const [code, setCode] = useState('');
  const verify = useVerifyMfa();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const value = code.replace(/\s+/g, '');
    verify.mutate(useRecovery ? { mfaToken, recoveryCode: value } : { mfaToken, code: value }, { onSuccess: onVerified });
  };

  const expired = isApiError(verify.error) && verify.error.status === 401 && verify.error.code !== 'invalid_mfa_code';
  return (
    <form onSubmit={submit} className="flex flex-col gap-4" noValidate>
      <div className="flex items-start gap-3 rounded-lg bg-accent-soft p-3 text-sm text-accent-text">
        <KeyRound className="mt-0.5 size-4 shrink-0" aria-hidden />
        <p>
          {useRecovery
            ? 'Type one of the recovery codes you saved when you turned two-step sign-in on. Each works once.'
            : 'Open your authenticator app and type the 6-digit code it shows for Krilin.'}
        </p>
      </div>
      <Field label={useRecovery ? 'Recovery code' : 'Authentication code'}>
        <Input
          key={useRecovery ? 'recovery' : 'code'}
          autoFocus
          autoComplete="one-time-code"
          inputMode={useRecovery ? 'text' : 'numeric'}
          pattern={useRecovery ? undefined : '[0-9]*'}
          maxLength={useRecovery ? 32 : 6}
          placeholder={useRecovery ? 'xxxx-xxxx' : '123456'}
          className="text-center font-mono text-lg tracking-[0.3em]"
          value={code}
          onChange={(e) => setCode(useRecovery ? e.target.value : e.target.value.replace(/\D/g, ''))}
        />
      </Field>
      {verify.isError && (
        <p role="alert" className="rounded-md bg-danger-soft px-3 py-2 text-sm text-danger-text">
          {expired
            ? 'This sign-in took too long. Go back and sign in again.'
            : isApiError(verify.error)
              ? `${verify.error.message} ${verify.error.hint}`
              : 'Something went wrong. Try again.'}
        </p>
      )}
      <Button
        type="submit"
        variant="primary"
        size="lg"
        loading={verify.isPending}
        disabled={useRecovery ? code.trim().length < 4 : code.length !== 6}
      >
        Verify
      </Button>
      <div className="flex items-center justify-between text-sm">
        <button type="button" className="text-muted hover:text-fg" onClick={onCancel}>
          Back
        </button>
        <button
          type="button"
          className="font-medium text-accent-text hover:underline"
          onClick={() => {
            setUseRecovery((v) => !v);
            setCode('');
            verify.reset();
          }}
        >
          {useRecovery ? 'Use the authenticator app' : 'Use a recovery code'}
        </button>
      </div>
    </form>
  );
}
