// Writes the inputs and outputs tables of README.md from action.yml (between the marker comments), so the
// README can never disagree with the action. `node scripts/readme-tables.js --check` only compares.
import { readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'yaml';

const action = parse(readFileSync(new URL('../action.yml', import.meta.url), 'utf8'));
const cell = (text) =>
  String(text ?? '')
    .replace(/\s+/g, ' ')
    .replace(/\|/g, '\\|')
    .trim();

export function tables() {
  const inputs = ['| input | default | meaning |', '|---|---|---|'];
  for (const [name, spec] of Object.entries(action.inputs)) {
    const fallback = spec.default === undefined ? '—' : `\`${spec.default}\``;
    inputs.push(`| \`${name}\` | ${fallback} | ${cell(spec.description)} |`);
  }
  const outputs = ['| output | meaning |', '|---|---|'];
  for (const [name, spec] of Object.entries(action.outputs))
    outputs.push(`| \`${name}\` | ${cell(spec.description)} |`);
  return { inputs: inputs.join('\n'), outputs: outputs.join('\n') };
}

export function withTables(readme) {
  const { inputs, outputs } = tables();
  const put = (text, name, table) =>
    text.replace(new RegExp(`(<!-- ${name}:start -->\\n)[\\s\\S]*?(\\n<!-- ${name}:end -->)`), `$1${table}$2`);
  return put(put(readme, 'inputs', inputs), 'outputs', outputs);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const path = new URL('../README.md', import.meta.url);
  const readme = readFileSync(path, 'utf8');
  const updated = withTables(readme);
  if (process.argv.includes('--check')) {
    if (updated !== readme) {
      console.error('README.md tables differ from action.yml: run node scripts/readme-tables.js');
      process.exit(1);
    }
  } else writeFileSync(path, updated);
}
