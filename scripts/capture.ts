// One recorded response → test/fixtures/captured/NAME.json (status, headers without Date, body, time to
// first byte), for the diagnosis tests to replay. Shared by the capture scripts.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'undici';

const OUT = new URL('../test/fixtures/captured/', import.meta.url).pathname;
mkdirSync(OUT, { recursive: true });

export async function capture(
  name: string,
  source: string,
  url: string,
  host?: string,
  method: 'GET' | 'POST' = 'GET',
): Promise<void> {
  const started = performance.now();
  const response = await request(url, { method, headers: host ? { host } : {}, headersTimeout: 20_000 });
  const firstByteMs = Math.round(performance.now() - started);
  const body = await response.body.text();
  const headers = Object.fromEntries(
    Object.entries(response.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v)]),
  );
  // The Date header changes every run; it carries no signal.
  delete headers['date'];
  // What the fixture must match is decided by a person, once: a re-capture keeps it (test/catalogue.test.ts
  // fails for a fixture without one).
  const expect = previousExpect(name);
  writeFileSync(
    `${OUT}${name}.json`,
    JSON.stringify(
      {
        source,
        expect,
        request: { method, path: new URL(url).pathname + new URL(url).search, host: host ?? new URL(url).host },
        status: response.statusCode,
        headers,
        body,
        firstByteMs,
      },
      null,
      2,
    ) + '\n',
  );
  console.log(`${name}: ${response.statusCode} in ${firstByteMs} ms`);
}

function previousExpect(name: string): unknown {
  try {
    return (JSON.parse(readFileSync(`${OUT}${name}.json`, 'utf8')) as { expect?: unknown }).expect;
  } catch {
    return undefined;
  }
}

/** The Django and gunicorn versions behind every capture, for the fixtures' `software` line. */
export function djangoVersions(): string {
  return execFileSync(
    '/usr/bin/python3',
    ['-c', 'import django, gunicorn; print("Django", django.__version__, "gunicorn", gunicorn.__version__)'],
    { encoding: 'utf8' },
  ).trim();
}
