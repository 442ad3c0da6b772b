// Starts demo deploys in the background and returns once each answers, on any OS:
// `node demo/start.js healthy:8080 django-allowed-hosts:8081`. The CI self-test uses it on Linux, Windows and
// macOS runners, where a shell's `&` does not behave the same everywhere.
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';

const serve = fileURLToPath(new URL('./serve.js', import.meta.url));
const LIMIT_MS = 15_000;

for (const spec of process.argv.slice(2)) {
  const [name, port] = spec.split(':');
  if (!name || !/^\d+$/.test(port ?? '')) {
    console.error(`"${spec}" is not NAME:PORT (e.g. healthy:8080)`);
    process.exit(2);
  }
  // Detached and unreferenced: it outlives this process (and the step that ran it).
  spawn(process.execPath, [serve, name, port], { detached: true, stdio: 'ignore', windowsHide: true }).unref();
  await answers(Number(port));
  console.log(`${name} answers on http://127.0.0.1:${port}`);
}

async function answers(port) {
  const deadline = Date.now() + LIMIT_MS;
  while (Date.now() < deadline) {
    const ok = await new Promise((resolve) => {
      const req = request({ host: '127.0.0.1', port, path: '/', timeout: 1_000 }, (res) => {
        res.resume();
        resolve(true);
      });
      req.on('error', () => resolve(false));
      req.on('timeout', () => req.destroy());
      req.end();
    });
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  console.error(`nothing answered on 127.0.0.1:${port} within ${LIMIT_MS / 1000}s`);
  process.exit(1);
}
