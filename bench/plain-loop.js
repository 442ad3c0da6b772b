// The yardstick for the routes figure: the same requests with a bare undici loop at the same concurrency,
// in a process of its own. `node bench/plain-loop.js URL COUNT CONCURRENCY`
import { Agent, request } from 'undici';

const [base, count, concurrency] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
const agent = new Agent();
let next = 0;
async function worker() {
  while (next < count) {
    const i = next++;
    const response = await request(`${base}/p/${i}`, { dispatcher: agent });
    await response.body.text();
  }
}
await Promise.all(Array.from({ length: concurrency }, worker));
await agent.close();
