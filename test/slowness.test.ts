import { describe, expect, it } from 'vitest';
import { diagnose } from '../src/diagnosis/compare.js';
import { observe } from './support/fixtures.js';
import { readyHealth, routeResult } from './support/reports.js';

/** Timeouts by evidence: captured answers of Debian's Apache, Varnish and Squid, judged by their timing. */

function causeOf(fixture: string, firstByteMs?: number) {
  const health = observe('django-health-bypass', { path: '/health/' });
  const [first] = diagnose({
    baseUrl: new URL('http://shop.example.com'),
    healthLabel: 'health /health/',
    readiness: readyHealth(health),
    routes: [
      routeResult('/', observe('healthy-nginx-django', { path: '/' })),
      routeResult(
        '/report/',
        observe(fixture, {
          path: '/report/',
          ...(firstByteMs
            ? { timings: { startMs: 0, firstByteMs, totalMs: firstByteMs, reusedConnection: false } }
            : {}),
        }),
      ),
    ],
  });
  return first!;
}

describe('a proxy 5xx far slower than the deploy otherwise answers is a timeout', () => {
  for (const fixture of ['apache-502-proxy-timeout', 'varnish-503-first-byte-timeout', 'squid-504-read-timeout']) {
    it(`${fixture}: upstream-timeout`, () => {
      const d = causeOf(fixture);
      expect(d.cause).toBe('upstream-timeout');
      expect(d.routes).toEqual(['/report/']);
    });
  }

  it('the same Varnish page, answered at once for a dead backend, is not a timeout', () => {
    expect(causeOf('varnish-503-backend-fetch-failed').cause).not.toBe('upstream-timeout');
    expect(causeOf('apache-503-unreachable').cause).not.toBe('upstream-timeout');
    expect(causeOf('lighttpd-503-unreachable').cause).not.toBe('upstream-timeout');
  });

  it('a signature with no timing of its own (lighttpd 503) becomes a timeout when it took seconds, and says why', () => {
    expect(causeOf('lighttpd-503-unreachable').cause).toBe('upstream-unreachable');
    const d = causeOf('lighttpd-503-unreachable', 5_000);
    expect(d.cause).toBe('upstream-timeout');
    expect(d.evidence.join('\n')).toMatch(
      /timing: 503 after 5\.0 s; this deploy's working answers take \d+ ms \(median\)/,
    );
  });
});
