import * as undiciIndex from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { Agent, EnvHttpProxyAgent, Pool, buildConnector, request } from '../src/http/undici.js';
import { startServer, type TestServer } from './support/servers.js';

// src/http/undici.ts loads undici file by file (its index costs the start-up most of its time). An undici
// upgrade that moves or splits those files must fail here, not in a deploy.

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('the parts of undici the probe loads', () => {
  it('are the very classes and functions undici exports', () => {
    expect(Agent).toBe(undiciIndex.Agent);
    expect(Pool).toBe(undiciIndex.Pool);
    expect(EnvHttpProxyAgent).toBe(undiciIndex.EnvHttpProxyAgent);
    expect(buildConnector).toBe(undiciIndex.buildConnector);
  });

  it('give a dispatcher the request and connect methods (the proxy tunnel uses connect)', () => {
    const agent = new Agent();
    expect(typeof agent.request).toBe('function');
    expect(typeof agent.connect).toBe('function');
    void agent.close();
  });

  it('request sends the path with its query, the method and the headers, without the fragment', async () => {
    let seen = '';
    server = await startServer({
      '/p': (req, res) => {
        seen = req.url ?? '';
        res.end('hello');
      },
    });
    const agent = new Agent();
    const url = new URL(`${server.url}/p?x=1&y=%20#frag`);
    const response = await request(url, { method: 'HEAD', headers: { 'x-probe': 'yes' }, dispatcher: agent });
    await response.body.dump();
    expect(response.statusCode).toBe(200);
    expect(seen).toBe('/p?x=1&y=%20');
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]).toMatchObject({ method: 'HEAD', path: '/p', headers: { 'x-probe': 'yes' } });
    await agent.close();
  });
});
