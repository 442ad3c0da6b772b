import type { Report } from './report.js';

/** The JSON report: everything, but passing routes keep only a short body excerpt to keep the file small. */
const PASSING_BODY_CHARS = 256;

export function renderJson(report: Report): string {
  const routes = report.routes.map((r) =>
    r.passed ? { ...r, observation: { ...r.observation, body: r.observation.body.slice(0, PASSING_BODY_CHARS) } } : r,
  );
  return JSON.stringify({ ...report, routes }, null, 2) + '\n';
}
