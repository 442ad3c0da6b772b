import { describe, expect, it } from 'vitest';
import { diagnose } from '../src/diagnosis/compare.js';
import { observe } from './support/fixtures.js';
import { readyHealth, routeResult } from './support/reports.js';

/** Timeouts by evidence: captured answers of Debian's Apache, Varnish and Squid, judged by their timing. */

function causeOf(fixture: string) {
  const health = observe('django-health-bypass', { path: '/health/' });
  const [first] = diagnose({
    baseUrl: new URL('http://shop.example.com'),
    healthLabel: 'health /health/',
    readiness: readyHealth(health),
    routes: [
      routeResult('/', observe('healthy-nginx-django', { path: '/' })),
      routeResult('/report/', observe(fixture, { path: '/report/' })),
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

  it('says what the timing shows', () => {
    const d = causeOf('varnish-503-first-byte-timeout');
    expect(d.evidence.join('\n')).toMatch(
      /timing: 503 after 1\.\d s; this deploy's working answers take \d+ ms \(median\)/,
    );
  });
});
