import { REPORT_SCHEMA_VERSION, type Report } from './report.js';

/** The JSON report: everything, but passing routes keep only a short body excerpt to keep the file small. */
const PASSING_BODY_CHARS = 256;

export function renderJson(report: Report): string {
  return JSON.stringify({ schemaVersion: REPORT_SCHEMA_VERSION, ...trimmed(report) }, null, 2) + '\n';
}

function trimmed(report: Report): Report {
  const routes = report.routes.map((r) =>
    r.passed ? { ...r, observation: { ...r.observation, body: r.observation.body.slice(0, PASSING_BODY_CHARS) } } : r,
  );
  const targets = report.targets?.map((t) => ({ ...t, report: trimmed(t.report) }));
  return { ...report, routes, ...(targets ? { targets } : {}) };
}
