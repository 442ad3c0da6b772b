import type { Observation } from '../../http/observation.js';
import type { Fingerprint, SoftFailure } from './fingerprint.js';
import { SOFT_FAILURES } from './soft-failures.js';

/**
 * Reads an answer against fingerprint rows: the first row whose every condition holds, with the lines that
 * matched. It imports only the soft-failure rows (the route stage needs them on every run); the rest of
 * the catalogue is loaded with the diagnosis, by runs that found something to diagnose.
 */

const EXCERPT_CHARS = 160;

export interface MatchContext {
  /** The route's configured path; rows with a `routePath` condition match only when it is given. */
  routePath?: string;
}

export function matchFingerprint<Row extends Fingerprint = Fingerprint>(
  observation: Observation,
  rows: readonly Row[],
  context: MatchContext = {},
): { row: Row; evidence: string[] } | undefined {
  if (observation.status === undefined || observation.error) return undefined;
  const firstByte = observation.timings.firstByteMs ?? observation.timings.totalMs;
  for (const row of rows) {
    if (row.statuses && !row.statuses.includes(observation.status)) continue;
    if (row.emptyBody && observation.body.trim() !== '') continue;
    if (row.slowerThanMs !== undefined && firstByte < row.slowerThanMs) continue;
    if (row.fasterThanMs !== undefined && firstByte >= row.fasterThanMs) continue;
    if (row.routePath && (context.routePath === undefined || !row.routePath.test(context.routePath))) continue;
    const evidence: string[] = [];
    if (row.header) {
      const [name, pattern] = row.header;
      const value = observation.headers[name];
      if (value === undefined || !pattern.test(value)) continue;
      evidence.push(`header ${name}: ${value}`);
    }
    if (row.body) {
      const match = row.body.exec(observation.body);
      if (!match) continue;
      evidence.push(`body: ${lineAround(observation.body, match.index, match[0])}`);
    }
    if (row.emptyBody) evidence.push('body: (empty)');
    return { row, evidence };
  }
  return undefined;
}

/** The soft-failure row a passing answer matches: a placeholder, default or shell page, not the app. */
export function softFailure(observation: Observation, routePath?: string): SoftFailure | undefined {
  return matchFingerprint(observation, SOFT_FAILURES, { routePath })?.row;
}

/** The first line of a body with text, cut for an evidence line. */
export function firstLine(body: string): string {
  const line =
    body
      .split('\n')
      .map((l) => l.trim())
      .find(Boolean) ?? '';
  return line.length > EXCERPT_CHARS ? `${line.slice(0, EXCERPT_CHARS)}…` : line;
}

function lineAround(body: string, index: number, matched: string): string {
  const start = body.lastIndexOf('\n', index) + 1;
  const endAt = body.indexOf('\n', index + matched.length);
  const line = body.slice(start, endAt === -1 ? undefined : endAt).trim();
  return line.length > EXCERPT_CHARS ? `${matched.slice(0, EXCERPT_CHARS)}…` : line;
}
