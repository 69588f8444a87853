import { Dialog, DialogContent } from '@/components/ui/dialog';
import { Button } from '@/components/ui/button';
import type { User } from '@/lib/api-types';
import { SignInForm } from './sign-in-form';

// Shown over the desktop when the session ended mid-use (expired, or ended on another
// device): the screen and everything typed stay; calls waiting for a token go on after.
export function ReauthDialog({ user, onSignOut }: { user: User; onSignOut: () => void }) {
  return (
    <Dialog open>
      <DialogContent
        title="Sign in again to continue"
        description={`Your session ended. Sign in as ${user.email}; nothing you typed is lost.`}
        hideClose
        onEscapeKeyDown={(e) => e.preventDefault()}
        onInteractOutside={(e) => e.preventDefault()}
      >
        <SignInForm fixedEmail={user.email} onSignedIn={() => undefined} />
        <div className="mt-4 border-t border-line pt-4 text-center">
          <Button variant="ghost" size="sm" onClick={onSignOut}>
            Sign out instead
          </Button>
        </div>
      </DialogContent>
    </Dialog>
  );
}
