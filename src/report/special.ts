import type { ConfigIssue } from '../config/types.js';
import { VERSION, type Report } from './report.js';

/** Reports for runs that never got to check anything: bad configuration, or a fault of our own. */

export function configErrorReport(issues: ConfigIssue[], startedAt: Date, durationMs: number): Report {
  const names = [...new Set(issues.map((i) => i.input.split(' ')[0]))].join(', ');
  return {
    ...empty(startedAt, durationMs),
    verdict: 'error',
    cause: 'config-error',
    summary: `Invalid configuration (${names}): ${issues.length} problem${issues.length === 1 ? '' : 's'}; nothing was requested.`,
    configIssues: issues,
  };
}

export function faultReport(error: unknown, startedAt: Date, durationMs: number): Report {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : `non-Error thrown: ${String(error)}`;
  return {
    ...empty(startedAt, durationMs),
    verdict: 'error',
    summary: 'post-deploy-gate failed internally; the deploy was not judged.',
    fault: message,
  };
}

function empty(startedAt: Date, durationMs: number): Omit<Report, 'verdict' | 'summary'> {
  return {
    tool: 'post-deploy-gate',
    version: VERSION,
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(durationMs),
    routes: [],
    diagnoses: [],
    warnings: [],
  };
}
