import { readdirSync, readFileSync } from 'node:fs';
import type { CauseId } from '../../src/diagnosis/catalogue/index.js';
import { emptyObservation, type Observation } from '../../src/http/observation.js';

/** Observations built from recorded responses in test/fixtures (captured or reconstructed, source inside). */

export interface Fixture {
  source: string;
  /** The signature this answer must match (and its cause), or `fingerprint: null` for a healthy answer. */
  expect: { fingerprint: string | null; cause?: CauseId };
  /** Absent in some reconstructed entries: GET / on shop.example.com. */
  request?: { method: string; path: string; host: string };
  status: number;
  headers: Record<string, string>;
  body: string;
  firstByteMs: number;
}

/** Every recorded answer: the captured and reconstructed files, and each entry of catalogue.json. */
export function allFixtures(): Array<Fixture & { name: string; folder: 'captured' | 'reconstructed' }> {
  const all: Array<Fixture & { name: string; folder: 'captured' | 'reconstructed' }> = [];
  for (const folder of ['captured', 'reconstructed'] as const) {
    const dir = new URL(`../fixtures/${folder}/`, import.meta.url);
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
      const parsed = JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as Fixture | Fixture[];
      if (Array.isArray(parsed))
        parsed.forEach((f) => all.push({ ...f, name: `${f.expect.fingerprint} (${f.source})`, folder }));
      else all.push({ ...parsed, name: file.replace(/\.json$/, ''), folder });
    }
  }
  return all;
}

/** A fixture as the Observation a request would have made (the path it was recorded on, unless given). */
export function asObservation(fixture: Fixture, overrides: { path?: string; host?: string } = {}): Observation {
  const url = `http://${overrides.host ?? 'shop.example.com'}${overrides.path ?? fixture.request?.path ?? '/'}`;
  return {
    method: fixture.request?.method ?? 'GET',
    url,
    finalUrl: url,
    status: fixture.status,
    headers: fixture.headers,
    body: fixture.body,
    bodyBytes: Buffer.byteLength(fixture.body),
    bodyTruncated: false,
    redirects: [],
    timings: { startMs: 0, firstByteMs: fixture.firstByteMs, totalMs: fixture.firstByteMs, reusedConnection: false },
  };
}

export function loadFixture(name: string): Fixture {
  for (const folder of ['captured', 'reconstructed']) {
    try {
      return JSON.parse(
        readFileSync(new URL(`../fixtures/${folder}/${name}.json`, import.meta.url), 'utf8'),
      ) as Fixture;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  throw new Error(`no fixture ${name}`);
}

export function observe(
  name: string,
  overrides: Partial<Observation> & { path?: string; host?: string } = {},
): Observation {
  const { path, host, ...rest } = overrides;
  return { ...asObservation(loadFixture(name), { path, host }), ...rest };
}

export function failedRequest(kind: NonNullable<Observation['error']>['kind'], code: string, path = '/'): Observation {
  return {
    ...emptyObservation('GET', `http://shop.example.com${path}`, 0),
    timings: { startMs: 0, totalMs: 3, reusedConnection: false },
    error: { kind, phase: kind === 'dns' ? 'dns' : 'connect', code, message: code },
  };
}
