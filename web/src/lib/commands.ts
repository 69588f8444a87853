import type { ReactNode } from 'react';

// A command of the palette (Ctrl/Cmd+K). Features contribute theirs through a hook
// (e.g. habits' "Log habit …"); the app shell gathers them; the palette only shows and runs.
export interface PaletteCommand {
  id: string;
  group: string;
  label: string;
  keywords?: string[];
  icon?: ReactNode;
  shortcut?: string;
  // A record found by search (a habit by name…): listed only once something is typed.
  searchOnly?: boolean;
  // Runs after the palette closed.
  run: () => void;
}
