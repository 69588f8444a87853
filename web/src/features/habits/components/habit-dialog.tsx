import { useState, type FormEvent } from 'react';

import { Button } from '@/components/ui/button';
import { Dialog, DialogContent, DialogFooter } from '@/components/ui/dialog';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { MultiToggle, Segmented } from '@/components/ui/misc';
import { WEEKDAYS, type Weekday } from '@/lib/dates';
import type { Habit, Schedule } from '../types';

const DAY_OPTIONS: Array<{ value: Weekday; label: string; short: string }> = [
  { value: 'mon', label: 'Monday', short: 'Mon' },
  { value: 'tue', label: 'Tuesday', short: 'Tue' },
  { value: 'wed', label: 'Wednesday', short: 'Wed' },
  { value: 'thu', label: 'Thursday', short: 'Thu' },
  { value: 'fri', label: 'Friday', short: 'Fri' },
  { value: 'sat', label: 'Saturday', short: 'Sat' },
  { value: 'sun', label: 'Sunday', short: 'Sun' },
];

export interface HabitFormValue {
  name: string;
  schedule: Schedule;
  target: number;
}

// Create or edit a habit: a name, every day or chosen days, a daily target.
export function HabitDialog({
  open,
  onOpenChange,
  habit,
  onSubmit,
  busy,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  habit?: Habit | undefined;
  onSubmit: (value: HabitFormValue) => void;
  busy?: boolean;
}) {
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      {open && (
        <DialogContent
          title={habit ? `Edit “${habit.data.name}”` : 'New habit'}
          description={habit ? 'Changes apply from today; past days keep their history.' : 'Something small you want to do regularly.'}
        >
          <HabitForm habit={habit} onSubmit={onSubmit} busy={busy} onCancel={() => onOpenChange(false)} />
        </DialogContent>
      )}
    </Dialog>
  );
}

function HabitForm({
  habit,
  onSubmit,
  onCancel,
  busy,
}: {
  habit?: Habit | undefined;
  onSubmit: (v: HabitFormValue) => void;
  onCancel: () => void;
  busy?: boolean | undefined;
}) {
  const [name, setName] = useState(habit?.data.name ?? '');
  const [kind, setKind] = useState<Schedule['kind']>(habit?.data.schedule.kind ?? 'daily');
  const [days, setDays] = useState<Weekday[]>(
    habit?.data.schedule.kind === 'weekdays' ? habit.data.schedule.days : ['mon', 'tue', 'wed', 'thu', 'fri'],
  );
  const [target, setTarget] = useState(String(habit?.data.target ?? 1));
  const [touched, setTouched] = useState(false);

  const nameError = touched && !name.trim() ? 'Give the habit a name.' : undefined;
  const daysError = kind === 'weekdays' && days.length === 0 ? 'Pick at least one day.' : undefined;
  const t = Number(target);
  const targetError = !Number.isInteger(t) || t < 1 || t > 100 ? 'A whole number from 1 to 100.' : undefined;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (!name.trim() || daysError || targetError) return;
    const ordered = WEEKDAYS.filter((d) => days.includes(d));
    onSubmit({
      name: name.trim(),
      schedule: kind === 'daily' ? { kind: 'daily' } : { kind: 'weekdays', days: ordered },
      target: t,
    });
  };

  return (
    <form onSubmit={submit} className="flex flex-col gap-5" noValidate>
      <Field label="Name" error={nameError}>
        <Input
          autoFocus
          maxLength={100}
          placeholder="e.g. Read 10 pages"
          value={name}
          onChange={(e) => setName(e.target.value)}
          onBlur={() => setTouched(true)}
        />
      </Field>
      <fieldset className="flex flex-col gap-2">
        <legend className="mb-1.5 text-sm font-medium">When</legend>
        <Segmented
          label="Schedule"
          value={kind}
          onValueChange={setKind}
          options={[
            { value: 'daily', label: 'Every day' },
            { value: 'weekdays', label: 'On some days' },
          ]}
        />
        {kind === 'weekdays' && (
          <div className="mt-1 flex flex-col gap-1.5">
            <MultiToggle label="Days" value={days} onValueChange={setDays} options={DAY_OPTIONS} />
            {daysError && (
              <p role="alert" className="text-xs font-medium text-danger-text">
                {daysError}
              </p>
            )}
          </div>
        )}
      </fieldset>
      <Field label="Daily target" hint="How many times a day counts as done. Streaks count a day with one completion." error={targetError}>
        <Input type="number" min={1} max={100} step={1} inputMode="numeric" className="w-24" value={target} onChange={(e) => setTarget(e.target.value)} />
      </Field>
      <DialogFooter>
        <Button variant="secondary" onClick={onCancel}>
          Cancel
        </Button>
        <Button type="submit" variant="primary" loading={busy}>
          {habit ? 'Save changes' : 'Create habit'}
        </Button>
      </DialogFooter>
    </form>
  );
}
