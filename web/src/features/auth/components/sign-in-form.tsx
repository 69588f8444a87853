import { useState, type FormEvent } from 'react';

import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { isApiError } from '@/lib/api-error';
import { useSignIn } from '../api/sign-in';
import { MfaForm } from './mfa-form';

function messageOf(e: unknown): string {
  if (!isApiError(e)) return 'Something went wrong. Try again.';
  if (e.code === 'invalid_credentials') return 'That email and password do not match an account.';
  return `${e.message} ${e.hint}`;
}

// Email and password, then (when the account has it on) the second step. `fixedEmail`
// locks the email: used when a session expired and the same person signs in again.
export function SignInForm({ onSignedIn, fixedEmail }: { onSignedIn: () => void; fixedEmail?: string }) {
  const [email, setEmail] = useState(fixedEmail ?? '');
  const [password, setPassword] = useState('');
  const [mfaToken, setMfaToken] = useState<string | null>(null);
  const signIn = useSignIn();

  if (mfaToken) {
    return <MfaForm mfaToken={mfaToken} onVerified={onSignedIn} onCancel={() => setMfaToken(null)} />;
  }

  const submit = (e: FormEvent) => {
    e.preventDefault();
    signIn.mutate(
      { email: email.trim(), password },
      {
        onSuccess: (r) => {
          if (r.kind === 'mfa') setMfaToken(r.mfaToken);
          else onSignedIn();
        },
      },
    );
  };

  return (
    <form onSubmit={submit} className="flex flex-col gap-4" noValidate>
      <Field label="Email">
        <Input
          type="email"
          autoComplete="username"
          required
          value={email}
          readOnly={Boolean(fixedEmail)}
          onChange={(e) => setEmail(e.target.value)}
          autoFocus={!fixedEmail}
        />
      </Field>
      <Field label="Password">
        <Input
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          autoFocus={Boolean(fixedEmail)}
        />
      </Field>
      {signIn.isError && (
        <p role="alert" className="rounded-md bg-danger-soft px-3 py-2 text-sm text-danger-text">
          {messageOf(signIn.error)}
        </p>
      )}
      <Button type="submit" variant="primary" size="lg" loading={signIn.isPending} disabled={!email || !password}>
        Sign in
      </Button>
    </form>
  );
}
