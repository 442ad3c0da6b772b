// Writes the inputs and outputs tables of README.md from action.yml, and the cause table from the catalogue
// (src/diagnosis/catalogue/causes.ts, read from its build in lib/), between the marker comments, so the README
// can never disagree with the action. `node scripts/readme-tables.js --check` only compares.
import { readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'yaml';

const action = parse(readFileSync(new URL('../action.yml', import.meta.url), 'utf8'));
const cell = (text) =>
  String(text ?? '')
    .replace(/\s+/g, ' ')
    .replace(/\|/g, '\\|')
    .trim();

/** `causes`: the catalogue's CAUSES table, in priority order. */
export function tables(causes) {
  const inputs = ['| input | default | meaning |', '|---|---|---|'];
  for (const [name, spec] of Object.entries(action.inputs)) {
    const fallback = spec.default === undefined ? '—' : `\`${spec.default}\``;
    inputs.push(`| \`${name}\` | ${fallback} | ${cell(spec.description)} |`);
  }
  const outputs = ['| output | meaning |', '|---|---|'];
  for (const [name, spec] of Object.entries(action.outputs))
    outputs.push(`| \`${name}\` | ${cell(spec.description)} |`);
  const causeRows = ['| cause | what the gate saw | the fix it names |', '|---|---|---|'];
  for (const cause of causes) {
    const saw = cause.inconclusive
      ? `${cause.readme.saw.replace(/\.$/, '')} (verdict \`inconclusive\`).`
      : cause.readme.saw;
    causeRows.push(`| \`${cause.id}\` | ${cell(saw)} | ${cell(cause.readme.fix)} |`);
  }
  return { inputs: inputs.join('\n'), outputs: outputs.join('\n'), causes: causeRows.join('\n') };
}

export function withTables(readme, causes) {
  const { inputs, outputs, causes: causeTable } = tables(causes);
  const put = (text, name, table) =>
    text.replace(new RegExp(`(<!-- ${name}:start -->\\n)[\\s\\S]*?(\\n<!-- ${name}:end -->)`), `$1${table}$2`);
  return put(put(put(readme, 'inputs', inputs), 'outputs', outputs), 'causes', causeTable);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const path = new URL('../README.md', import.meta.url);
  const readme = readFileSync(path, 'utf8');
  const { CAUSES } = await import('../lib/diagnosis/catalogue/causes.js');
  const updated = withTables(readme, CAUSES);
  if (process.argv.includes('--check')) {
    if (updated !== readme) {
      console.error(
        'README.md tables differ from action.yml or the cause catalogue: run npm run build && node scripts/readme-tables.js',
      );
      process.exit(1);
    }
  } else writeFileSync(path, updated);
}
