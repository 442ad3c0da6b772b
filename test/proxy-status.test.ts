import { describe, expect, it } from 'vitest';
import { proxyAnswer } from '../src/http/errors.js';

/** Issue 23, item 7: only the runner's proxy's own Proxy-Status error is a proxy failure (RFC 9209). */

const PROXY = 'http://proxy.corp:3128';
const target = new URL('http://shop.test/');
const answer = (header: string) => proxyAnswer(PROXY, target, 502, { 'proxy-status': header });

describe("Proxy-Status: the runner's proxy or the deployment's edge", () => {
  it('is the proxy failing when the last member names it and carries an error', () => {
    expect(answer('proxy.corp; error=destination_unavailable')).toMatchObject({ kind: 'proxy' });
    expect(answer('edge; received-status=502, "proxy.corp:3128"; error=connection_timeout')).toMatchObject({
      kind: 'proxy',
    });
  });

  it("is the deployment's own answer when another intermediary names itself, or the error is not the last member's", () => {
    expect(answer('shop-edge; error=connection_refused')).toBeUndefined();
    expect(answer('proxy.corp; error=connection_refused, shop-cdn')).toBeUndefined();
    expect(answer('shop-edge; error=connection_refused, proxy.corp')).toBeUndefined();
    expect(answer('proxy.corp')).toBeUndefined();
  });

  it("Squid's own error header is still the proxy's", () => {
    expect(proxyAnswer(PROXY, target, 503, { 'x-squid-error': 'ERR_DNS_FAIL 0' })).toMatchObject({ kind: 'proxy' });
  });
});
