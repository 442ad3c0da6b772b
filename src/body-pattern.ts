import { Worker } from 'node:worker_threads';

/**
 * Tests a body against a user's pattern in a worker thread that is stopped after a time limit, so a
 * pattern that backtracks catastrophically on this particular body cannot hang the run.
 */

export const PATTERN_TIME_LIMIT_MS = 250;

const WORKER_CODE = `
const { parentPort, workerData } = require('node:worker_threads');
parentPort.postMessage(new RegExp(workerData.pattern, workerData.flags).test(workerData.text));
`;

export function testPattern(
  pattern: string,
  flags: string,
  text: string,
  limitMs = PATTERN_TIME_LIMIT_MS,
): Promise<boolean | 'too-slow'> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_CODE, { eval: true, workerData: { pattern, flags, text } });
    const timer = setTimeout(() => {
      void worker.terminate();
      resolve('too-slow');
    }, limitMs);
    worker.once('message', (matched: boolean) => {
      clearTimeout(timer);
      void worker.terminate();
      resolve(matched);
    });
    worker.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}
