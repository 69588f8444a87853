import { Archive, CheckCircle2, Circle, Flame, Plus } from 'lucide-react';
import { useNavigate } from '@/lib/router';

import { toast } from '@/components/ui/toast';
import { isApiError } from '@/lib/api-error';
import type { PaletteCommand } from '@/lib/commands';
import { useHabits } from '../api/list-habits';
import { useLogCompletion } from '../api/log-completion';
import { useUndoCompletion } from '../api/undo-completion';

// What the Habit Tracker adds to the command palette: "Log habit <name>" for each habit due
// today (or "Undo" once done), and "New habit".
export function useHabitCommands(enabled: boolean): PaletteCommand[] {
  const navigate = useNavigate();
  const habits = useHabits({ enabled, inBackground: true });
  const log = useLogCompletion();
  const undo = useUndoCompletion();
  if (!enabled) return [];
  const commands: PaletteCommand[] = [
    {
      id: 'habits:new',
      group: 'Habit Tracker',
      label: 'New habit…',
      keywords: ['create', 'add', 'start', 'track'],
      icon: <Plus aria-hidden />,
      run: () => navigate('/apps/habit-tracker?new=1'),
    },
  ];
  // Records: every habit by name, found by typing part of it.
  for (const h of habits.data?.habits ?? []) {
    if (h.id.startsWith('optimistic-')) continue;
    commands.push({
      id: `habits:record:${h.id}`,
      group: 'Records',
      label: `${h.data.name}${h.data.archived ? ' (archived)' : ''} — habit, streak ${h.streak?.current ?? 0}`,
      keywords: ['habit', 'record', h.data.name],
      icon: h.data.archived ? <Archive aria-hidden /> : <Flame aria-hidden />,
      searchOnly: true,
      run: () => navigate(`/apps/habit-tracker?habit=${encodeURIComponent(h.id)}`),
    });
  }
  for (const h of habits.data?.habits ?? []) {
    if (h.data.archived || !h.due_today || h.id.startsWith('optimistic-')) continue;
    const name = h.data.name;
    const onError = (e: unknown) =>
      toast({ variant: 'error', title: `“${name}” was not changed`, description: isApiError(e) ? `${e.message} ${e.hint}` : 'Try again.' });
    commands.push(
      h.done_today
        ? {
            id: `habits:undo:${h.id}`,
            group: 'Habit Tracker',
            label: `Undo habit ${name}`,
            keywords: ['undo', 'uncheck', name],
            icon: <Circle aria-hidden />,
            run: () =>
              undo.mutate({ habitId: h.id }, { onError, onSuccess: () => toast({ title: `“${name}” unchecked for today` }) }),
          }
        : {
            id: `habits:log:${h.id}`,
            group: 'Habit Tracker',
            label: `Log habit ${name}`,
            keywords: ['log', 'done', 'check', 'did', name],
            icon: <CheckCircle2 aria-hidden />,
            run: () =>
              log.mutate(
                { habitId: h.id },
                {
                  onError,
                  onSuccess: (r) =>
                    toast({
                      variant: 'success',
                      title: `“${name}” done for today`,
                      description: `Streak: ${r.streak.current} day${r.streak.current === 1 ? '' : 's'}.`,
                    }),
                },
              ),
          },
    );
  }
  return commands;
}
