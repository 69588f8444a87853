import { Component, type ErrorInfo, type ReactNode } from 'react';

import { Button } from '@/components/ui/button';

// When a screen crashes (or a new version replaced the files a page still asks for): say so
// and offer a reload, instead of a blank page.
export class ScreenErrorBoundary extends Component<{ children: ReactNode }, { error: Error | null }> {
  state = { error: null as Error | null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  componentDidCatch(error: Error, info: ErrorInfo) {
    console.error('Screen failed', error, info.componentStack);
  }

  render() {
    const { error } = this.state;
    if (!error) return this.props.children;
    const chunk = /dynamically imported module|Failed to fetch|Importing a module|Loading chunk/.test(error.message);
    return (
      <div role="alert" className="flex min-h-dvh flex-col items-center justify-center gap-3 bg-canvas px-6 text-center">
        <h1 className="text-lg font-semibold">{chunk ? 'Krilin was updated' : 'Something went wrong on this screen'}</h1>
        <p className="max-w-md text-sm text-muted">
          {chunk ? 'A newer version of the desktop is on the server. Reload to use it.' : 'Reload the page; if it happens again, the server log may say why.'}
        </p>
        <Button variant="primary" onClick={() => window.location.reload()}>
          Reload
        </Button>
      </div>
    );
  }
}
