import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseRouteLine } from '../src/config/route-line.js';
import { matchFingerprint } from '../src/diagnosis/classify.js';
import { FINGERPRINTS } from '../src/diagnosis/fingerprints.js';
import type { Observation } from '../src/http/observation.js';
import { judge } from '../src/smoke.js';
import { observe, type Fixture } from './support/fixtures.js';

/**
 * Every signature of the catalogue is replayed: from responses captured from the real software
 * (test/fixtures/captured, scripts/capture-fixtures.ts), or, for hosted platforms, reconstructed from the
 * vendor's documented text with the source named beside it (test/fixtures/reconstructed).
 */

/** Captured fixture → the signature it must match. */
const CAPTURED: Record<string, string> = {
  'django-400-disallowed-host': 'django-disallowed-host',
  'django-403-csrf': 'django-csrf-failed',
  'django-500': 'django-server-error',
  'django-404': 'django-not-found',
  'nginx-502-refused': 'nginx-502',
  'nginx-502-worker-killed': 'nginx-502-slow',
  'nginx-503': 'nginx-503',
  'nginx-504': 'nginx-504',
  'nginx-404': 'nginx-404',
  'nginx-welcome': 'nginx-welcome-page',
  'haproxy-503-no-server': 'haproxy-no-server',
  'haproxy-502-worker-killed': 'haproxy-invalid-response',
  'haproxy-504': 'haproxy-504',
  'haproxy-monitor-uri': 'haproxy-monitor-uri',
  'caddy-502-refused': 'caddy-empty-502',
  'caddy-200-no-handler': 'caddy-empty-200',
  'flask-404': 'flask-not-found',
  'flask-500': 'flask-500',
  'starlette-400-invalid-host': 'starlette-invalid-host',
  'express-404': 'express-cannot-get',
  'express-500': 'express-500',
  'express-500-dev-stack': 'express-dev-stack',
  'sevalla-application-crashed': 'sevalla-application-crashed',
  'envoy-no-healthy-upstream': 'envoy-no-healthy-upstream',
};

const reconstructed = JSON.parse(
  readFileSync(new URL('./fixtures/reconstructed/catalogue.json', import.meta.url), 'utf8'),
) as Array<Fixture & { expect: string }>;

function asObservation(f: Fixture): Observation {
  const url = 'https://shop.example.com/';
  return {
    method: 'GET',
    url,
    finalUrl: url,
    status: f.status,
    headers: f.headers,
    body: f.body,
    bodyBytes: f.body.length,
    bodyTruncated: false,
    redirects: [],
    timings: { startMs: 0, firstByteMs: f.firstByteMs, totalMs: f.firstByteMs, reusedConnection: false },
  };
}

const replays: Array<{ name: string; expect: string; observation: Observation }> = [
  ...Object.entries(CAPTURED).map(([name, expect]) => ({ name, expect, observation: observe(name) })),
  ...reconstructed.map((f) => ({ name: `${f.expect} (${f.source})`, expect: f.expect, observation: asObservation(f) })),
];

describe('the fingerprint catalogue', () => {
  it.each(replays.map((r) => [r.name, r] as const))('%s', (_name, replay) => {
    expect(matchFingerprint(replay.observation)?.row.id).toBe(replay.expect);
  });

  it('has a replayed response for every row', () => {
    const covered = new Set(replays.map((r) => r.expect));
    expect(FINGERPRINTS.map((row) => row.id).filter((id) => !covered.has(id))).toEqual([]);
  });

  it('names a source for every reconstructed response', () => {
    for (const f of reconstructed) expect(f.source.length, f.expect).toBeGreaterThan(10);
  });
});

describe('healthy deploys raise no false alarm', () => {
  const healthy = readdirSync(new URL('./fixtures/captured/', import.meta.url))
    .filter((f) => f.startsWith('healthy-') || f === 'django-health-bypass.json')
    .map((f) => f.replace(/\.json$/, ''));

  it('has healthy captures of every local stack', () => {
    expect(healthy.length).toBeGreaterThanOrEqual(6);
  });

  it.each(healthy)('%s passes and matches no signature', (name) => {
    const observation = observe(name);
    const route = parseRouteLine('/');
    expect(route.ok && judge(route.value, observation)).toBeUndefined();
    expect(matchFingerprint(observation)).toBeUndefined();
  });
});
