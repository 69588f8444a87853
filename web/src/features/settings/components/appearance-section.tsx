import { Monitor, Moon, Sun } from 'lucide-react';
import { useSyncExternalStore } from 'react';

import { Segmented } from '@/components/ui/misc';
import { Section } from '@/components/ui/page';
import { getThemePreference, resolveTheme, setThemePreference, subscribeTheme, type ThemePreference } from '@/lib/theme';

export function AppearanceSection() {
  const pref = useSyncExternalStore(subscribeTheme, getThemePreference);
  return (
    <Section id="appearance" title="Appearance" description="Light, dark, or whatever your system uses (it follows when the system switches).">
      <div className="flex flex-wrap items-center gap-4">
        <Segmented<ThemePreference>
          label="Theme"
          value={pref}
          onValueChange={setThemePreference}
          options={[
            { value: 'system', label: 'System', icon: <Monitor aria-hidden /> },
            { value: 'light', label: 'Light', icon: <Sun aria-hidden /> },
            { value: 'dark', label: 'Dark', icon: <Moon aria-hidden /> },
          ]}
        />
        {pref === 'system' && <p className="text-sm text-muted">Now {resolveTheme('system')}.</p>}
      </div>
    </Section>
  );
}
