import ipaddr from 'ipaddr.js';
import { isIP } from 'node:net';

/**
 * Link-local and cloud-metadata addresses: a deploy's name never legitimately points there, and a
 * prober that follows it can be turned against the runner's own cloud credentials.
 *
 * Decided on the parsed address, never on its text: the URL parser rewrites `[::ffff:169.254.169.254]`
 * to `[::ffff:a9fe:a9fe]`, and an IPv4 address can hide inside several IPv6 forms. Each of those is
 * unwrapped to the IPv4 address it reaches, and that is checked.
 */

const BLOCKED_V4: ReadonlyArray<[ipaddr.IPv4, number]> = [
  ipaddr.IPv4.parseCIDR('169.254.0.0/16'), // link-local, including 169.254.169.254 (AWS, GCP, Azure, OCI)
  ipaddr.IPv4.parseCIDR('100.100.100.200/32'), // Alibaba Cloud metadata
  ipaddr.IPv4.parseCIDR('0.0.0.0/8'), // "this host": reaches the runner itself
];
const BLOCKED_V6: ReadonlyArray<[ipaddr.IPv6, number]> = [
  ipaddr.IPv6.parseCIDR('fe80::/10'), // link-local
  ipaddr.IPv6.parseCIDR('fd00:ec2::254/128'), // AWS metadata over IPv6
  ipaddr.IPv6.parseCIDR('::/128'), // unspecified: reaches the runner itself
];

/** IPv6 prefixes whose last 32 bits are an IPv4 address the packet ends up at. */
const EMBEDS_V4_LAST32: ReadonlyArray<[ipaddr.IPv6, number]> = [
  ipaddr.IPv6.parseCIDR('::ffff:0:0/96'), // IPv4-mapped
  ipaddr.IPv6.parseCIDR('::/96'), // IPv4-compatible (deprecated, still parsed)
  ipaddr.IPv6.parseCIDR('::ffff:0:0:0/96'), // IPv4-translated (RFC 6145)
  ipaddr.IPv6.parseCIDR('64:ff9b::/96'), // NAT64 well-known prefix (RFC 6052)
  ipaddr.IPv6.parseCIDR('64:ff9b:1::/48'), // NAT64 local-use prefix (RFC 8215), usually as a /96
];
const SIX_TO_FOUR = ipaddr.IPv6.parseCIDR('2002::/16'); // 6to4: the IPv4 address is in bits 16–47
const LOOPBACK_V6 = ipaddr.IPv6.parse('::1');

/** `address` as written in a URL (brackets allowed), a DNS answer or an override. Names are not addresses. */
export function isBlockedAddress(address: string): boolean {
  const text = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (!isIP(text)) return false;
  return reachedIPv4(ipaddr.parse(text)).some((ip) =>
    ip.kind() === 'ipv4'
      ? BLOCKED_V4.some((range) => (ip as ipaddr.IPv4).match(range))
      : BLOCKED_V6.some((range) => (ip as ipaddr.IPv6).match(range)),
  );
}

/** The address itself, plus every IPv4 address it embeds. */
function reachedIPv4(ip: ipaddr.IPv4 | ipaddr.IPv6): Array<ipaddr.IPv4 | ipaddr.IPv6> {
  if (ip.kind() === 'ipv4') return [ip];
  const v6 = ip as ipaddr.IPv6;
  if (v6.match(LOOPBACK_V6, 128)) return [v6];
  const bytes = v6.toByteArray();
  const found: Array<ipaddr.IPv4 | ipaddr.IPv6> = [v6];
  if (EMBEDS_V4_LAST32.some((range) => v6.match(range)) && !v6.match(ipaddr.IPv6.parse('::'), 128)) {
    found.push(new ipaddr.IPv4(bytes.slice(12, 16)));
  }
  if (v6.match(EMBEDS_V4_LAST32[4]!)) {
    // RFC 6052 layout for a /48 prefix: bits 48–63, then (after the reserved octet) 72–87.
    found.push(new ipaddr.IPv4([bytes[6]!, bytes[7]!, bytes[9]!, bytes[10]!]));
  }
  if (v6.match(SIX_TO_FOUR)) found.push(new ipaddr.IPv4(bytes.slice(2, 6)));
  return found;
}

/** Address forms the README promises are refused, for messages. */
export const BLOCKED_HELP =
  'a link-local or cloud-metadata address (169.254.0.0/16, 100.100.100.200, 0.0.0.0/8, fe80::/10, fd00:ec2::254, ::), ' +
  'also inside IPv4-mapped, IPv4-compatible, NAT64 or 6to4 IPv6 forms';
