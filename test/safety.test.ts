import { describe, expect, it } from 'vitest';
import { testPattern } from '../src/body-pattern.js';
import { catastrophicReason } from '../src/config/regex-safety.js';
import { isBlockedAddress } from '../src/http/addresses.js';

describe('catastrophic patterns are refused before any request', () => {
  it.each(['(a+)+$', '(a*)*b', '(\\w+\\s?)+$', '(.*,){20}x', '((ab)*)+', '(?:x+y?)*z', '([a-z]+)*$'])(
    'refuses %s',
    (pattern) => {
      expect(catastrophicReason(pattern)).toMatch(/exponential time/);
    },
  );

  it.each([
    'items',
    'v\\d+\\.\\d+',
    '^<title>[^<]*</title>',
    '(ab)+',
    '(a|b)c*',
    '\\(a+\\)+',
    '[(]a+[)]+',
    'x{2}',
    '(abc){3}',
  ])('accepts %s', (pattern) => {
    expect(catastrophicReason(pattern)).toBeUndefined();
  });

  it('stops a slow pattern at the time limit instead of hanging', async () => {
    const started = performance.now();
    expect(await testPattern('a*a*a*a*a*a*b', '', 'a'.repeat(50_000), 100)).toBe('too-slow');
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(await testPattern('v\\d', 'i', 'version V2')).toBe(true);
  });
});

describe('addresses the gate never contacts', () => {
  it.each([
    '169.254.169.254',
    '169.254.0.1',
    '::ffff:169.254.169.254',
    'fe80::1',
    'fd00:ec2::254',
    '100.100.100.200',
    '0.0.0.0',
  ])('blocks %s', (address) => {
    expect(isBlockedAddress(address)).toBe(true);
  });
  it.each(['127.0.0.1', '10.0.0.5', '192.168.1.10', '::1', '2606:4700::1111', '8.8.8.8'])('allows %s', (address) => {
    expect(isBlockedAddress(address)).toBe(false);
  });
});
