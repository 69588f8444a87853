export const APP_ID = 'dashboard';

export interface ProductivityScore {
  score: number | null;
  partial: boolean;
  note: string;
  sources: Array<{ app: string; available: boolean; reason?: string }>;
  breakdown?: {
    habits?: { completion_rate: number; scheduled: number; completed: number; current_streaks: number[] };
    [source: string]: unknown;
  };
}
