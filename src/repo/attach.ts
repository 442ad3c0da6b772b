import type { Report } from '../report/report.js';
import { findPointer } from './pointers.js';

/** Adds to each diagnosis the repository line where its fix most likely goes (or says none was found). */
export function withPointers(report: Report, workspace: string | undefined): Report {
  if (!workspace || report.verdict === 'pass' || report.diagnoses.length === 0) return report;
  const diagnoses = report.diagnoses.map((d) => {
    const found = findPointer(d.cause, workspace);
    if (!found) return d;
    if (found.pointer) return { ...d, where: { ...found.pointer, others: found.others } };
    return { ...d, whereNote: `no candidate found in the repository (looked for ${found.lookedFor})` };
  });
  return { ...report, diagnoses };
}
