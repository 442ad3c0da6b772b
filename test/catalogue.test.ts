import { describe, expect, it } from 'vitest';
import { parseRouteLine } from '../src/config/route-line.js';
import { CAUSES, FAMILIES, FINGERPRINTS, SOFT_FAILURES } from '../src/diagnosis/catalogue/index.js';
import { matchFingerprint, softFailure } from '../src/diagnosis/catalogue/match.js';
import { judge } from '../src/smoke.js';
import { allFixtures, asObservation } from './support/fixtures.js';

/**
 * Every signature of the catalogue is replayed: from responses captured from the real software
 * (test/fixtures/captured, scripts/capture-fixtures.ts), or, for hosted platforms, reconstructed from the
 * vendor's documented text with the source named beside it (test/fixtures/reconstructed). Each fixture
 * names, inside itself, the row it must match and that row's cause.
 */

const fixtures = allFixtures();
const signatures = fixtures.filter((f) => f.expect.fingerprint !== null);
const healthy = fixtures.filter((f) => f.expect.fingerprint === null);
const context = (f: (typeof fixtures)[number]) => ({ routePath: f.request?.path ?? '/' });

describe('the fingerprint catalogue', () => {
  it.each(signatures.map((f) => [f.name, f] as const))('%s', (_name, f) => {
    const match = matchFingerprint(asObservation(f), FINGERPRINTS, context(f));
    expect(match?.row.id).toBe(f.expect.fingerprint);
    expect(match?.row.cause).toBe(f.expect.cause);
  });

  it('has a replayed response for every row', () => {
    const covered = new Set(signatures.map((f) => f.expect.fingerprint));
    expect(FINGERPRINTS.map((row) => row.id).filter((id) => !covered.has(id))).toEqual([]);
  });

  it('has an expectation in every fixture and a source for every reconstructed one', () => {
    for (const f of fixtures) {
      expect(f.expect, f.name).toBeDefined();
      if (f.folder === 'reconstructed') expect(f.source.length, f.name).toBeGreaterThan(10);
    }
  });

  it('gives every row a unique id, a known cause and a source', () => {
    const causes = new Set<string>(CAUSES.map((c) => c.id));
    expect(new Set(FINGERPRINTS.map((r) => r.id)).size).toBe(FINGERPRINTS.length);
    for (const row of FINGERPRINTS) {
      expect(causes.has(row.cause), row.id).toBe(true);
      expect(row.source.length, row.id).toBeGreaterThan(5);
    }
  });

  // The families are joined in one order; no recorded answer may depend on it.
  it.each(fixtures.map((f) => [f.name, f] as const))('%s matches rows of one family at most', (_name, f) => {
    const observation = asObservation(f);
    const families = Object.entries(FAMILIES)
      .filter(([, rows]) => matchFingerprint(observation, rows, context(f)))
      .map(([family]) => family);
    expect(families.length).toBeLessThanOrEqual(1);
  });

  it('marks every soft-failure row, and only those fail a route on content', () => {
    for (const row of FINGERPRINTS)
      expect('soft' in row && row.soft, row.id).toBe(SOFT_FAILURES.includes(row as never));
    for (const f of signatures) {
      const soft = softFailure(asObservation(f), f.request?.path ?? '/');
      expect(soft !== undefined, f.name).toBe(SOFT_FAILURES.some((r) => r.id === f.expect.fingerprint));
    }
  });
});

describe('the cause table', () => {
  it('lists each cause once, and the contract keeps its order of priority', () => {
    const ids = CAUSES.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    // The most fundamental first: configuration, then the deployment, then the network, then the app.
    expect(ids.indexOf('config-error')).toBe(0);
    expect(ids.indexOf('deployment-failed')).toBeLessThan(ids.indexOf('dns-failure'));
    expect(ids.indexOf('host-rejected')).toBeLessThan(ids.indexOf('no-healthy-backend'));
    expect(ids.indexOf('wrong-content')).toBeLessThan(ids.indexOf('auth-required'));
  });
});

describe('healthy deploys raise no false alarm', () => {
  it('has healthy captures of every local stack', () => {
    expect(healthy.length).toBeGreaterThanOrEqual(6);
  });

  it.each(healthy.map((f) => [f.name, f] as const))('%s passes and matches no signature', (_name, f) => {
    const observation = asObservation(f);
    const route = parseRouteLine(f.request?.path ?? '/');
    expect(route.ok && judge(route.value, observation)).toBeUndefined();
    expect(matchFingerprint(observation, FINGERPRINTS, context(f))).toBeUndefined();
  });
});
