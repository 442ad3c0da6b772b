import { parseRouteLine } from '../../src/config/route-line.js';
import { diagnose } from '../../src/diagnosis/compare.js';
import type { Observation } from '../../src/http/observation.js';
import type { ReadinessResult } from '../../src/readiness.js';
import { CAUSE_INFO } from '../../src/diagnosis/catalogue/index.js';
import { headline } from '../../src/diagnosis/headline.js';
import type { Report } from '../../src/report/report.js';
import { judge, toSample, type RouteResult } from '../../src/smoke.js';
import { observe } from './fixtures.js';

/** Deterministic reports for the renderers' golden files, built from recorded responses. */

export function routeResult(line: string, observation: Observation, extra: Partial<RouteResult> = {}): RouteResult {
  const parsed = parseRouteLine(line);
  if (!parsed.ok) throw new Error(parsed.message);
  const problem = judge(parsed.value, observation);
  return {
    route: parsed.value,
    url: observation.url,
    passed: !problem,
    flaky: false,
    attempts: 1,
    earlier: [],
    problem,
    observation,
    ...extra,
    samples: extra.samples ?? [toSample(observation, !problem)],
  };
}

export function readyHealth(health: Observation): ReadinessResult {
  return {
    ready: true,
    readyAtMs: 4300,
    attempts: [
      { atMs: 0, error: 'refused (ECONNREFUSED)', healthy: false, waitMs: 150 },
      { atMs: 160, error: 'refused (ECONNREFUSED)', healthy: false, waitMs: 300 },
      { atMs: 470, status: 503, healthy: false, waitMs: 600 },
      { atMs: 1080, status: 503, healthy: false, waitMs: 900 },
      { atMs: 2000, status: 503, healthy: false, waitMs: 1000 },
      { atMs: 3010, status: 503, healthy: false, waitMs: 1000 },
      { atMs: 4100, status: 200, healthy: true, waitMs: 100 },
      { atMs: 4210, status: 200, healthy: true },
    ],
    last: health,
    lastHealthy: health,
    versionMissing: false,
  };
}

export function reportOf(readiness: ReadinessResult, routes: RouteResult[], overrides: Partial<Report> = {}): Report {
  const baseUrl = new URL('https://shop.example.com');
  const diagnoses = diagnose({ baseUrl, healthLabel: 'health /health/', readiness, routes });
  const failing = diagnoses.length > 0;
  return {
    tool: 'post-deploy-gate',
    version: '0.1.0',
    verdict: failing ? 'fail' : 'pass',
    cause: diagnoses[0]?.cause,
    summary: headline({
      readiness,
      routes,
      diagnoses,
      inconclusive: diagnoses.length > 0 && diagnoses.every((d) => CAUSE_INFO[d.cause].inconclusive),
    }),
    url: baseUrl.href,
    healthUrl: `${baseUrl.origin}/health/`,
    startedAt: '2026-11-22T00:00:00.000Z',
    durationMs: 4512,
    readyAfterMs: readiness.readyAtMs,
    readiness,
    routes,
    diagnoses,
    warnings: routes
      .filter((r) => r.flaky)
      .map((r) => `${r.route.label} passed only after 1 retry (${r.earlier.join(', ')})`),
    ...overrides,
  };
}

export const healthOk = () => observe('django-health-bypass', { path: '/health/', host: 'shop.example.com' });
