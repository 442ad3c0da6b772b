import { CAUSE_INFO } from '../diagnosis/catalogue/causes.js';
import { fillFix } from '../diagnosis/catalogue/causes.js';
import { STACK_NAMES } from '../diagnosis/catalogue/stacks.js';
import type { Diagnosis } from '../diagnosis/compare.js';
import type { Report } from '../report/report.js';
import { findPointer, listFiles } from './pointers.js';
import { stackOfFiles } from './stack-files.js';

/**
 * Adds to each diagnosis the repository line where its fix most likely goes (or says none was found).
 * When the answers showed no stack but the repository's files do, the fix gets that stack's addition.
 */
export function withPointers(report: Report, workspace: string | undefined): Report {
  if (!workspace || report.verdict === 'pass' || report.diagnoses.length === 0) return report;
  const files = listFiles(workspace);
  const fromFiles = stackOfFiles(files, workspace);
  const url = report.url ? new URL(report.url) : undefined;
  const diagnoses = report.diagnoses.map((answered) => {
    const d = answered.stack || !fromFiles ? answered : withFilesStack(answered, fromFiles, url);
    const found = findPointer(d.cause, workspace, d.stack?.id, files);
    if (!found) return d;
    if (found.pointer) return { ...d, where: { ...found.pointer, others: found.others } };
    return { ...d, whereNote: `no candidate found in the repository (looked for ${found.lookedFor})` };
  });
  return { ...report, diagnoses };
}

function withFilesStack(
  d: Diagnosis,
  seen: NonNullable<ReturnType<typeof stackOfFiles>>,
  url: URL | undefined,
): Diagnosis {
  const extra = CAUSE_INFO[d.cause].stackFix?.[seen.stack];
  const why = `files in the repository (${seen.files.join(', ')})`;
  return {
    ...d,
    fix: extra ? `${d.fix} ${fillFix(extra, url)}` : d.fix,
    evidence: [...d.evidence, `stack: ${STACK_NAMES[seen.stack]}, from ${why}`],
    stack: { id: seen.stack, name: STACK_NAMES[seen.stack], why },
  };
}
