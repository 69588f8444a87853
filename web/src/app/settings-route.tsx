import { Bell } from 'lucide-react';

import { useApps } from '@/api/apps/get-apps';
import { MutesSection } from '@/features/notifications/components/mutes-section';
import { SettingsPage } from '@/features/settings/components/settings-page';

// Settings with the sections other features add (Notifications: per-app mute).
export function SettingsRoute() {
  const apps = useApps();
  const installed = (apps.data ?? []).filter((a) => a.installed);
  return (
    <SettingsPage
      extra={[
        {
          id: 'notifications',
          label: 'Notifications',
          icon: Bell,
          title: 'Notifications',
          description: 'Which apps may pop up reminders and messages. Muted apps’ notifications are still listed under the bell.',
          node: <MutesSection apps={installed} />,
        },
      ]}
    />
  );
}
