import { DesktopPage } from '@/features/desktop/components/desktop-page';
import { WidgetRegistryProvider } from '@/features/desktop/widget-registry';
import { useSession } from '@/lib/use-session';
import { widgetRegistry } from './widgets';

export function DesktopRoute() {
  const session = useSession();
  if (session.status !== 'signed-in' && session.status !== 'expired') return null;
  return (
    <WidgetRegistryProvider value={widgetRegistry}>
      <DesktopPage userId={session.user.id} userName={session.user.name} />
    </WidgetRegistryProvider>
  );
}
