// Preloaded into the built action (NODE_OPTIONS=--import=…): writes every module URL the process loaded to
// $GATE_LOADS_FILE at exit, so a test can tell from outside which chunks of dist/ a run needed.
import { registerHooks } from 'node:module';
import { writeFileSync } from 'node:fs';

const loaded = [];
registerHooks({
  load(url, context, nextLoad) {
    loaded.push(url);
    return nextLoad(url, context);
  },
});
process.on('exit', () => writeFileSync(process.env.GATE_LOADS_FILE, loaded.join('\n')));
