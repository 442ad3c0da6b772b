// Preloaded into the built action (NODE_OPTIONS=--import) by the fault suite: the DNS and socket edge
// of the child process, faked and observed without touching the bundle.
//   GATE_TEST_DNS: JSON { "name": ["first answer", "second answer", …] }; the last answer repeats.
//   GATE_TEST_CONNECT_LOG: a file that gets one line per address a socket actually dialled.
import dns from 'node:dns';
import { appendFileSync } from 'node:fs';
import net from 'node:net';
import { syncBuiltinESMExports } from 'node:module';

const answers = JSON.parse(process.env.GATE_TEST_DNS || '{}');
const calls = new Map();
const realLookup = dns.lookup;
dns.lookup = function lookup(hostname, options, callback) {
  const list = answers[hostname];
  if (!list) return realLookup.call(this, hostname, options, callback);
  const cb = typeof options === 'function' ? options : callback;
  const n = calls.get(hostname) ?? 0;
  calls.set(hostname, n + 1);
  const address = list[Math.min(n, list.length - 1)];
  const family = address.includes(':') ? 6 : 4;
  const all = typeof options === 'object' && options?.all;
  process.nextTick(() => (all ? cb(null, [{ address, family }]) : cb(null, address, family)));
};
syncBuiltinESMExports();

const log = process.env.GATE_TEST_CONNECT_LOG;
if (log) {
  const connect = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function (...args) {
    const options = typeof args[0] === 'object' && !Array.isArray(args[0]) ? args[0] : {};
    if (options.host && net.isIP(options.host)) appendFileSync(log, `${options.host}\n`);
    this.once('lookup', (error, address) => !error && address && appendFileSync(log, `${address}\n`));
    return connect.apply(this, args);
  };
}

// GATE_TEST_CRASH: something deep inside throws where nobody catches it.
if (process.env.GATE_TEST_CRASH === 'uncaught') {
  setTimeout(() => {
    throw new Error('boom from a timer');
  }, 300);
}
if (process.env.GATE_TEST_CRASH === 'rejection') {
  setTimeout(() => void Promise.reject(new Error('boom from a promise')), 300);
}
