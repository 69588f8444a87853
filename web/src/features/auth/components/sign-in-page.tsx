import { Link, useLocation, useNavigate } from '@/lib/router';

import { getSession } from '@/lib/session';
import { AuthScreen } from './auth-screen';
import { SignInForm } from './sign-in-form';

export function SignInPage() {
  const navigate = useNavigate();
  const location = useLocation();
  const from = (location.state as { from?: string } | null)?.from;
  const session = getSession();
  const expired = session.status === 'signed-out' && session.reason === 'expired';
  return (
    <AuthScreen
      title="Sign in to Krilin"
      subtitle={expired ? 'Your session ended. Sign in again to pick up where you left off.' : 'Welcome back.'}
      footer={
        <>
          New here?{' '}
          <Link to="/sign-up" className="font-medium text-accent-text hover:underline">
            Create an account
          </Link>
        </>
      }
    >
      <SignInForm onSignedIn={() => navigate(from && from !== '/sign-in' ? from : '/', { replace: true })} />
    </AuthScreen>
  );
}
