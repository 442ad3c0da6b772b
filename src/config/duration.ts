/**
 * Durations as the contract writes them: `1500ms`, `30s`, `5m` (also `1h`), or a bare number of seconds.
 * Hand-written rather than `ms`/`parse-duration`: those read a bare number as milliseconds and accept
 * units the contract does not promise, and this grammar is four lines.
 */
const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/;
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

export const DURATION_HELP = 'a duration such as 1500ms, 30s, 5m, or a number of seconds';

/** Milliseconds, or undefined when the text is not a duration. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match) return undefined;
  const unit = (match[2] ?? 's') as keyof typeof UNIT_MS;
  return Math.round(Number(match[1]) * UNIT_MS[unit]);
}

/** `90s` → "1m 30s"; `1500` → "1.5s"; `12` → "12ms": the one way a duration is written, in logs, reports and the summary. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(1))}s`;
  // Rounded to whole seconds first, so 4 min 59.6 s reads "5m", never "4m 60s".
  const total = Math.round(ms / 1000);
  const minutes = Math.floor(total / 60);
  const seconds = total % 60;
  return seconds ? `${minutes}m ${seconds}s` : `${minutes}m`;
}
