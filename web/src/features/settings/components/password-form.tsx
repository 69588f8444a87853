import { useState, type FormEvent } from 'react';

import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { toast } from '@/components/ui/toast';
import { isApiError } from '@/lib/api-error';
import { useChangePassword } from '../api/change-password';

export function PasswordForm() {
  const change = useChangePassword();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const mismatch = again.length > 0 && again !== next;
  const short = next.length > 0 && [...next].length < 8;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (mismatch || short) return;
    change.mutate(
      { current_password: current, new_password: next },
      {
        onSuccess: () => {
          setCurrent('');
          setNext('');
          setAgain('');
          toast({ variant: 'success', title: 'Password changed', description: 'Your other devices are signed out; sign in there with the new one.' });
        },
      },
    );
  };
  const err = change.error;
  return (
    <form onSubmit={submit} className="flex max-w-md flex-col gap-4">
      {/* For password managers: which account this is. */}
      <input type="text" autoComplete="username" className="hidden" aria-hidden tabIndex={-1} readOnly />
      <Field label="Current password" error={isApiError(err) && err.code === 'wrong_password' ? 'That is not your current password.' : undefined}>
        <Input type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} />
      </Field>
      <Field
        label="New password"
        hint="At least 8 characters."
        error={short ? 'Use at least 8 characters.' : isApiError(err) && err.code === 'weak_password' ? `${err.message} ${err.hint}` : undefined}
      >
        <Input type="password" autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} />
      </Field>
      <Field label="New password, again" error={mismatch ? 'The two new passwords differ.' : undefined}>
        <Input type="password" autoComplete="new-password" value={again} onChange={(e) => setAgain(e.target.value)} />
      </Field>
      {isApiError(err) && !['wrong_password', 'weak_password'].includes(err.code) && (
        <p role="alert" className="rounded-md bg-danger-soft px-3 py-2 text-sm text-danger-text">
          {err.message} {err.hint}
        </p>
      )}
      <div>
        <Button type="submit" variant="primary" loading={change.isPending} disabled={!current || !next || next !== again}>
          Change password
        </Button>
      </div>
    </form>
  );
}
