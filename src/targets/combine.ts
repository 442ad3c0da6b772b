import { VERSION, type Report, type TargetSection } from '../report/report.js';
import type { Verdict } from '../verdict.js';

/**
 * Several targets' Reports → the one Report of the run: a section per target (each a whole Report, as the
 * gate made it) under a top level that sums them up. Verdict: a broken target fails the run whatever the
 * others did (fail, then error, then inconclusive, then pass); the cause is the first failing target's;
 * the sentence names every target ("api: host rejected; web: passes").
 */

const SEVERITY: Record<Verdict, number> = { fail: 0, error: 1, inconclusive: 2, pass: 3 };

/** What the top level needs of a target: its name and its outcome (a comment keeps only this of others). */
export interface TargetOutcome {
  name: string;
  verdict: Verdict;
  cause?: string;
}

export function combineTargets(sections: TargetSection[], startedAt: string, durationMs: number): Report {
  const outcomes = sections.map((s) => ({ name: s.name, verdict: s.report.verdict, cause: s.report.cause }));
  const { verdict, lead } = overall(outcomes);
  const leading = sections.find((s) => s.name === lead?.name)?.report;
  const ready = sections.map((s) => s.report.readyAfterMs);
  return {
    tool: 'post-deploy-gate',
    version: VERSION,
    verdict,
    cause: lead?.cause as Report['cause'],
    summary: targetsSentence(outcomes),
    url: (leading ?? sections[0]?.report)?.url,
    startedAt,
    durationMs: Math.round(durationMs),
    // Ready when every target was: the last of them.
    readyAfterMs: ready.every((ms) => ms !== undefined) && ready.length ? Math.max(...(ready as number[])) : undefined,
    routes: [],
    diagnoses: [],
    warnings: [],
    targets: sections,
  };
}

/** The run's verdict and the target that sets it (the first of the most severe). */
export function overall(outcomes: TargetOutcome[]): { verdict: Verdict; lead?: TargetOutcome } {
  if (outcomes.length === 0) return { verdict: 'pass' };
  const lead = [...outcomes].sort((a, b) => SEVERITY[a.verdict] - SEVERITY[b.verdict])[0]!;
  return { verdict: lead.verdict, lead: lead.verdict === 'pass' ? undefined : lead };
}

/** "api: host rejected; web: passes." — the targets that did not pass first, each in a few words. */
export function targetsSentence(outcomes: TargetOutcome[]): string {
  if (outcomes.length === 0) return 'No target had a route in this shard; nothing was checked.';
  const ordered = [...outcomes.filter((o) => o.verdict !== 'pass'), ...outcomes.filter((o) => o.verdict === 'pass')];
  return `${ordered.map((o) => `${o.name}: ${outcomeWords(o)}`).join('; ')}.`;
}

export function outcomeWords(o: Pick<TargetOutcome, 'verdict' | 'cause'>): string {
  const cause = o.cause?.replaceAll('-', ' ');
  if (o.verdict === 'pass') return 'passes';
  if (o.verdict === 'fail') return cause ?? 'fails';
  if (o.verdict === 'inconclusive') return `could not be checked${cause ? ` (${cause})` : ''}`;
  return cause === 'config error' ? 'configuration error' : 'error (not judged)';
}

/** `change` applied to each target's report, or to the report itself when it has no targets. */
export function eachTarget(report: Report, change: (report: Report) => Report): Report {
  if (!report.targets) return change(report);
  return { ...report, targets: report.targets.map((t) => ({ ...t, report: change(t.report) })) };
}
