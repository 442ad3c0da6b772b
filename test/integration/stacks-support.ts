import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

/**
 * For the stacks-* files: which server binary is missing (the file then skips and says which; .ci/run
 * installs them all, so CI never skips), and the JSON report of a run.
 */
export function missing(...binaries: string[]): string | undefined {
  const absent = binaries.filter((b) =>
    b.startsWith('/') ? !existsSync(b) : spawnSync('sh', ['-c', `command -v ${b}`]).status !== 0,
  );
  return absent.length ? `skipped: ${absent.join(', ')} not installed (.ci/run installs it)` : undefined;
}

export interface ReportDiagnosis {
  cause: string;
  layer: string;
  confidence: string;
  headline: string;
  fix: string;
  evidence: string[];
  routes: string[];
  alternative?: string;
  fingerprint?: { id: string };
  stack?: { id: string };
}

export function diagnosesOf(path: string | undefined): ReportDiagnosis[] {
  if (!path) throw new Error('the run wrote no report');
  return (JSON.parse(readFileSync(path, 'utf8')) as { diagnoses: ReportDiagnosis[] }).diagnoses;
}
