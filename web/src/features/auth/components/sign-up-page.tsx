import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from '@/lib/router';

import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { isApiError } from '@/lib/api-error';
import { useSignUp } from '../api/sign-up';
import { AuthScreen } from './auth-screen';

export function SignUpPage() {
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const signUp = useSignUp();
  const tooShort = password.length > 0 && [...password].length < 8;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (tooShort) return;
    signUp.mutate(
      { name: name.trim(), email: email.trim(), password },
      { onSuccess: () => navigate('/welcome', { replace: true }) },
    );
  };

  const error = signUp.error;
  const fieldError = (field: 'email' | 'password' | 'name') => {
    if (!isApiError(error)) return undefined;
    if (field === 'email' && (error.code === 'invalid_email' || error.code === 'email_taken')) return `${error.message} ${error.hint}`;
    if (field === 'password' && error.code === 'weak_password') return `${error.message} ${error.hint}`;
    if (field === 'name' && error.code === 'invalid_name') return error.message;
    return undefined;
  };
  const general =
    error && !fieldError('email') && !fieldError('password') && !fieldError('name')
      ? isApiError(error)
        ? `${error.message} ${error.hint}`
        : 'Something went wrong. Try again.'
      : null;

  return (
    <AuthScreen
      title="Create your Krilin account"
      subtitle="Your data stays on this server."
      footer={
        <>
          Already have an account?{' '}
          <Link to="/sign-in" className="font-medium text-accent-text hover:underline">
            Sign in
          </Link>
        </>
      }
    >
      <form onSubmit={submit} className="flex flex-col gap-4" noValidate>
        <Field label="Name" error={fieldError('name')}>
          <Input autoComplete="name" required autoFocus value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <Field label="Email" error={fieldError('email')}>
          <Input type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </Field>
        <Field
          label="Password"
          hint="At least 8 characters. A few unrelated words make a strong passphrase."
          error={tooShort ? 'Use at least 8 characters.' : fieldError('password')}
        >
          <Input type="password" autoComplete="new-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        </Field>
        {general && (
          <p role="alert" className="rounded-md bg-danger-soft px-3 py-2 text-sm text-danger-text">
            {general}
          </p>
        )}
        <Button
          type="submit"
          variant="primary"
          size="lg"
          loading={signUp.isPending}
          disabled={!name.trim() || !email.trim() || password.length === 0}
        >
          Create account
        </Button>
      </form>
    </AuthScreen>
  );
}
