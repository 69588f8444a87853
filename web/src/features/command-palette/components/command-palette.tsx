import { Command } from 'cmdk';
import { Dialog as D } from 'radix-ui';
import { Search } from 'lucide-react';
import { useState } from 'react';

import { Kbd } from '@/components/ui/misc';
import type { PaletteCommand } from '@/lib/commands';

// The command palette: type to find any command (open an app, log a habit, go to a page,
// switch the theme), arrows to choose, Enter to run, Escape to close.
export function CommandPalette({
  open,
  onOpenChange,
  commands,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  commands: PaletteCommand[];
}) {
  const [search, setSearch] = useState('');
  const shown = search.trim() ? commands : commands.filter((c) => !c.searchOnly);
  const groups = [...new Set(shown.map((c) => c.group))];
  const run = (c: PaletteCommand) => {
    onOpenChange(false);
    setSearch('');
    // After the dialog gave focus back, so that what the command opens gets it.
    setTimeout(c.run, 0);
  };
  return (
    <D.Root
      open={open}
      onOpenChange={(o) => {
        onOpenChange(o);
        if (!o) setSearch('');
      }}
    >
      <D.Portal>
        <D.Overlay className="fixed inset-0 z-40 bg-black/30 data-[state=open]:animate-fade-in" />
        <D.Content
          aria-describedby={undefined}
          className="fixed left-1/2 top-[12vh] z-50 w-[calc(100vw-2rem)] max-w-xl -translate-x-1/2 overflow-hidden rounded-xl border border-line bg-surface text-fg shadow-overlay data-[state=open]:animate-fade-in"
        >
          <D.Title className="sr-only">Command palette</D.Title>
          <Command label="Command palette" loop>
            <div className="flex items-center gap-2 border-b border-line px-4">
              <Search className="size-4 shrink-0 text-muted" aria-hidden />
              <Command.Input
                value={search}
                onValueChange={setSearch}
                placeholder="Type a command or search your records… (try “log habit”)"
                className="h-12 w-full bg-transparent text-sm text-fg outline-none placeholder:text-subtle"
              />
              <Kbd>Esc</Kbd>
            </div>
            <Command.List className="max-h-[min(60vh,26rem)] overflow-y-auto p-2">
              <Command.Empty className="px-3 py-8 text-center text-sm text-muted">Nothing matches “{search}”.</Command.Empty>
              {groups.map((g) => (
                <Command.Group
                  key={g}
                  heading={g}
                  className="[&_[cmdk-group-heading]]:px-2 [&_[cmdk-group-heading]]:pb-1 [&_[cmdk-group-heading]]:pt-2 [&_[cmdk-group-heading]]:text-xs [&_[cmdk-group-heading]]:font-medium [&_[cmdk-group-heading]]:text-muted"
                >
                  {shown
                    .filter((c) => c.group === g)
                    .map((c) => (
                      <Command.Item
                        key={c.id}
                        value={`${c.label} ${c.id}`}
                        keywords={c.keywords}
                        onSelect={() => run(c)}
                        className="flex cursor-default select-none items-center gap-3 rounded-md px-2 py-2 text-sm data-[selected=true]:bg-accent-soft data-[selected=true]:text-fg [&_svg]:size-4 [&_svg]:text-muted"
                      >
                        {c.icon}
                        <span className="flex-1 truncate">{c.label}</span>
                        {c.shortcut && <Kbd>{c.shortcut}</Kbd>}
                      </Command.Item>
                    ))}
                </Command.Group>
              ))}
            </Command.List>
          </Command>
        </D.Content>
      </D.Portal>
    </D.Root>
  );
}
