/**
 * Link-local and cloud-metadata addresses: a deploy's name never legitimately points there, and a
 * prober that follows it can be turned against the runner's own cloud credentials.
 */
export function isBlockedAddress(address: string): boolean {
  const ip = address.toLowerCase().replace(/^::ffff:/, '');
  return (
    /^169\.254\./.test(ip) || // IPv4 link-local, including 169.254.169.254
    ip === '100.100.100.200' || // Alibaba Cloud metadata
    /^fe[89ab][0-9a-f]:/.test(ip) || // IPv6 link-local fe80::/10
    ip === 'fd00:ec2::254' || // AWS metadata over IPv6
    ip === '0.0.0.0' ||
    ip === '::'
  );
}
