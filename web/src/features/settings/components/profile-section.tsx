import { useMemo, useState, type FormEvent } from 'react';

import { useMe } from '@/api/me/get-me';
import { Button } from '@/components/ui/button';
import { LoadingRows } from '@/components/ui/feedback';
import { Field } from '@/components/ui/field';
import { Input, NativeSelect } from '@/components/ui/input';
import { Section } from '@/components/ui/page';
import { toast } from '@/components/ui/toast';
import { isApiError } from '@/lib/api-error';
import type { User } from '@/lib/api-types';
import { browserTimeZone } from '@/lib/dates';
import { useUpdateMe } from '@/api/me/update-me';

function zones(current: string): string[] {
  let all: string[] = [];
  try {
    all = (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
  } catch {
    all = [];
  }
  const set = new Set(['UTC', ...all, current, browserTimeZone()]);
  return [...set].sort((a, b) => (a === 'UTC' ? -1 : b === 'UTC' ? 1 : a.localeCompare(b)));
}

export function ProfileSection() {
  const me = useMe();
  return (
    <Section id="profile" title="Profile" description="How Krilin names you, and the time zone that decides when your day starts.">
      {me.data ? <ProfileForm me={me.data} /> : <LoadingRows rows={3} label="Loading your profile" />}
    </Section>
  );
}

function ProfileForm({ me }: { me: User }) {
  const update = useUpdateMe();
  const [name, setName] = useState(me.name);
  const [tz, setTz] = useState(me.time_zone);
  const options = useMemo(() => zones(me.time_zone), [me.time_zone]);
  const device = browserTimeZone();
  const dirty = name.trim() !== me.name || tz !== me.time_zone;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const changes: { name?: string; time_zone?: string } = {};
    if (name.trim() !== me.name) changes.name = name.trim();
    if (tz !== me.time_zone) changes.time_zone = tz;
    update.mutate(changes, {
      onSuccess: () => toast({ variant: 'success', title: 'Profile saved', description: changes.time_zone ? `Your days now follow ${tz}.` : undefined }),
      onError: (err) =>
        toast({ variant: 'error', title: 'Saving did not work', description: isApiError(err) ? `${err.message} ${err.hint}` : 'Try again.' }),
    });
  };

  return (
    <form onSubmit={submit} className="flex max-w-md flex-col gap-4">
      <Field label="Name" error={!name.trim() ? 'Your name cannot be empty.' : undefined}>
        <Input value={name} maxLength={100} autoComplete="name" onChange={(e) => setName(e.target.value)} />
      </Field>
      <Field label="Email" hint="Your email is how you sign in; it cannot be changed here yet.">
        <Input value={me.email} readOnly />
      </Field>
      <Field label="Time zone" hint="Habits, streaks and the score count days in this time zone.">
        <NativeSelect value={tz} onChange={(e) => setTz(e.target.value)}>
          {options.map((z) => (
            <option key={z} value={z}>
              {z.replace(/_/g, ' ')}
            </option>
          ))}
        </NativeSelect>
      </Field>
      {device !== tz && (
        <button type="button" className="-mt-2 self-start text-sm font-medium text-accent-text hover:underline" onClick={() => setTz(device)}>
          Use this device's time zone ({device.replace(/_/g, ' ')})
        </button>
      )}
      <div>
        <Button type="submit" variant="primary" disabled={!dirty || !name.trim()} loading={update.isPending}>
          Save profile
        </Button>
      </div>
    </form>
  );
}
