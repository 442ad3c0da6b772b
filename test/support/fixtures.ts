import { readFileSync } from 'node:fs';
import { emptyObservation, type Observation } from '../../src/http/observation.js';

/** Observations built from recorded responses in test/fixtures (captured or reconstructed, source inside). */

export interface Fixture {
  source: string;
  request: { method: string; path: string; host: string };
  status: number;
  headers: Record<string, string>;
  body: string;
  firstByteMs: number;
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
  const fixture = loadFixture(name);
  const url = `http://${overrides.host ?? 'shop.example.com'}${overrides.path ?? fixture.request.path}`;
  const { path: _path, host: _host, ...rest } = overrides;
  return {
    method: fixture.request.method,
    url,
    finalUrl: url,
    status: fixture.status,
    headers: fixture.headers,
    body: fixture.body,
    bodyBytes: Buffer.byteLength(fixture.body),
    bodyTruncated: false,
    redirects: [],
    timings: { startMs: 0, firstByteMs: fixture.firstByteMs, totalMs: fixture.firstByteMs, reusedConnection: false },
    ...rest,
  };
}

export function failedRequest(kind: NonNullable<Observation['error']>['kind'], code: string, path = '/'): Observation {
  return {
    ...emptyObservation('GET', `http://shop.example.com${path}`, 0),
    timings: { startMs: 0, totalMs: 3, reusedConnection: false },
    error: { kind, phase: kind === 'dns' ? 'dns' : 'connect', code, message: code },
  };
}
