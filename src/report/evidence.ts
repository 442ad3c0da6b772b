import type { Diagnosis } from '../diagnosis/compare.js';
import type { Observation } from '../http/observation.js';
import { describeObservation } from '../http/describe.js';
import type { Report } from './report.js';

/**
 * What a diagnosis's evidence says beyond the route table: the table already shows every request's
 * status and time, so "GET / → 400 in 45ms" is left out, and a line is said once.
 */
export function evidenceBeyondTable(d: Diagnosis, report: Report): string[] {
  const rows = new Set(report.routes.map((r) => requestLine(r.observation)));
  const health = [report.readiness?.last, report.readiness?.lastHealthy]
    .filter((o): o is Observation => o !== undefined)
    .map((o) => requestLine(o));
  for (const line of health) rows.add(line);
  const seen = new Set<string>();
  return d.evidence.filter((line) => {
    const repeatsRow =
      rows.has(line) || health.some((h) => line.startsWith(`health ${h}`) || line.startsWith(`${h} (`));
    if (repeatsRow || seen.has(line)) return false;
    seen.add(line);
    return true;
  });
}

/** The words diagnosis uses for one request ("GET /a → 503 in 4ms"). */
function requestLine(o: Observation): string {
  const url = new URL(o.url);
  return `${o.method} ${url.pathname}${url.search} → ${describeObservation(o)}`;
}

/** Which diagnosis covers each route (the first that names it). */
export function diagnosisByRoute(diagnoses: Diagnosis[]): Map<string, Diagnosis> {
  const map = new Map<string, Diagnosis>();
  for (const d of diagnoses) for (const route of d.routes) if (!map.has(route)) map.set(route, d);
  return map;
}
