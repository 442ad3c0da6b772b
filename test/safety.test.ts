import { beforeAll, describe, expect, it } from 'vitest';
import { testPattern } from '../src/body-pattern.js';
import { compileBodyPattern } from '../src/config/route-line.js';
import { isBlockedAddress } from '../src/http/addresses.js';
import { loadPatternEngine } from '../src/body-pattern.js';

// Route lines parsed here directly, not through resolveConfig, which loads RE2 for a run that needs it.
beforeAll(loadPatternEngine);

describe('body patterns run on RE2: linear time, so no pattern is refused for its shape', () => {
  it.each(['(a+)+$', '(a*)*b', '(\\w+\\s?)+$', '(.*,){20}x', 'v(\\d+\\.)+\\d+', 'items', '^<title>[^<]*</title>'])(
    'accepts %s',
    (pattern) => {
      expect(compileBodyPattern(pattern, '')).toMatchObject({ ok: true });
    },
  );

  it.each([
    ['(a)\\1', /backreferences/],
    ['(?=a)b', /lookahead/],
    ['(?<!a)b', /lookbehind/],
    ['(unclosed', /missing closing \)/],
  ])('refuses %s, saying what RE2 does not support', (pattern, reason) => {
    const compiled = compileBodyPattern(pattern, '');
    expect(compiled.ok).toBe(false);
    expect(!compiled.ok && compiled.message).toMatch(/^invalid regular expression/);
    expect(!compiled.ok && compiled.message).toMatch(reason);
  });

  it('matches a pattern that backtracks exponentially in JavaScript in linear time', () => {
    const started = performance.now();
    expect(testPattern('(a+)+$', '', `${'a'.repeat(100_000)}!`)).toBe(false);
    expect(testPattern('a*a*a*a*a*a*b', '', 'a'.repeat(100_000))).toBe(false);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(testPattern('v\\d', 'i', 'version V2')).toBe(true);
    expect(testPattern('^b', 'm', 'a\nb')).toBe(true);
    expect(testPattern('a.b', 's', 'a\nb')).toBe(true);
  });
});

describe('addresses the gate never contacts', () => {
  it.each([
    '169.254.169.254',
    '169.254.0.1',
    '::ffff:169.254.169.254',
    '::ffff:a9fe:a9fe',
    '[::ffff:a9fe:a9fe]',
    '::169.254.169.254',
    '::ffff:0:a9fe:a9fe',
    '64:ff9b::169.254.169.254',
    '64:ff9b:1::a9fe:a9fe',
    '2002:a9fe:a9fe::1',
    'fe80::1',
    'fe80::1%eth0',
    'fd00:ec2::254',
    '100.100.100.200',
    '::ffff:100.100.100.200',
    '0.0.0.0',
    '::',
  ])('blocks %s', (address) => {
    expect(isBlockedAddress(address)).toBe(true);
  });
  it.each([
    '127.0.0.1',
    '10.0.0.5',
    '192.168.1.10',
    '::1',
    '::ffff:127.0.0.1',
    '2606:4700::1111',
    '8.8.8.8',
    'shop.example',
  ])('allows %s', (address) => {
    expect(isBlockedAddress(address)).toBe(false);
  });
});
