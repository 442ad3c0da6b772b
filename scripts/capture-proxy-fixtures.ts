// Records the answers of Debian's Apache, Varnish, lighttpd and Squid when the app behind them is
// unreachable or too slow, into test/fixtures/captured/ (the signatures issue 10 added). Run on Node 24
// as root or a user who can start those servers:  node scripts/capture-proxy-fixtures.ts
import { spawnSync } from 'node:child_process';
import { Stack, freePort } from '../test/integration/stack.ts';
import { capture, djangoVersions } from './capture.ts';

const first = (command: string, args: string[]) => {
  const run = spawnSync(command, args, { encoding: 'utf8' });
  return `${run.stdout}${run.stderr}`.trim().split('\n')[0]!;
};
const versions = {
  apache: first('apache2', ['-v']).replace(/^Server version: /, ''),
  varnish: first('varnishd', ['-V']).replace(/ revision \w+/, ''),
  lighttpd: first('lighttpd', ['-v']).replace(/ - .*/, ''),
  squid: first('squid', ['-v']),
  django: djangoVersions(),
};

const stack = new Stack();
try {
  const app = `127.0.0.1:${await freePort()}`;
  await stack.gunicorn({ bind: app, workers: 4, env: { ALLOWED_HOSTS: '127.0.0.1' } });
  const dead = `127.0.0.1:${await freePort()}`;
  const port = () => freePort();

  const apacheSlow = await port();
  await stack.apache({ port: apacheSlow, upstream: app, proxyTimeoutSec: 1 });
  await capture(
    'apache-502-proxy-timeout',
    `${versions.apache}; ProxyTimeout 1 before a 5 s view answers (${versions.django})`,
    `http://127.0.0.1:${apacheSlow}/slow/?s=5`,
  );
  const apacheDead = await port();
  await stack.apache({ port: apacheDead, upstream: dead });
  await capture(
    'apache-503-unreachable',
    `${versions.apache}; ProxyPass to a port where nothing listens`,
    `http://127.0.0.1:${apacheDead}/`,
  );

  const varnishDead = await port();
  await stack.varnish({ port: varnishDead, backend: dead });
  await capture(
    'varnish-503-backend-fetch-failed',
    `${versions.varnish}; backend on a port where nothing listens`,
    `http://127.0.0.1:${varnishDead}/`,
  );
  const varnishSlow = await port();
  await stack.varnish({ port: varnishSlow, backend: app, firstByteTimeoutSec: 1 });
  await capture(
    'varnish-503-first-byte-timeout',
    `${versions.varnish}; first_byte_timeout 1 before a 5 s view answers`,
    `http://127.0.0.1:${varnishSlow}/slow/?s=5`,
  );

  const lighttpdDead = await port();
  await stack.lighttpd({ port: lighttpdDead, backend: dead });
  await capture(
    'lighttpd-503-unreachable',
    `${versions.lighttpd}; mod_proxy to a port where nothing listens`,
    `http://127.0.0.1:${lighttpdDead}/`,
  );

  const squidDead = await port();
  await stack.squidAccelerator({ port: squidDead, origin: dead });
  await capture(
    'squid-502-unreachable',
    `${versions.squid}; accelerator with its origin on a port where nothing listens`,
    `http://127.0.0.1:${squidDead}/`,
  );
  const squidSlow = await port();
  await stack.squidAccelerator({ port: squidSlow, origin: app, readTimeoutSec: 1 });
  await capture(
    'squid-504-read-timeout',
    `${versions.squid}; read_timeout 1 second before a 5 s view answers`,
    `http://127.0.0.1:${squidSlow}/slow/?s=5`,
  );
} finally {
  await stack.stop();
}
