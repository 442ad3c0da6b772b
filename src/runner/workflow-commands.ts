import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync } from 'node:fs';
import { EOL } from 'node:os';

/**
 * The runner's side of an action: inputs, outputs, masks, log lines, annotations and the job summary, written
 * in the runner's own protocol (workflow commands on stdout, file commands in GITHUB_OUTPUT and
 * GITHUB_STEP_SUMMARY).
 *
 * Why not @actions/core: it builds its OIDC client at load, which imports @actions/http-client and, through
 * it, the whole of undici (fetch, WebSocket, HTTP/2, the caches), about 40 % of a passing one-route run's CPU
 * (issue 19). The gate never asks for an OIDC token. What is here is byte for byte what @actions/core 3
 * writes for the calls the action makes; test/workflow-commands.test.ts holds it to @actions/core itself,
 * which stays a devDependency for that reason.
 */

export interface AnnotationProperties {
  title?: string;
  file?: string;
  startLine?: number;
}

/** `with:` inputs reach the action as INPUT_<NAME> (spaces to `_`, upper case); trimmed as core trims them. */
export function getInput(name: string): string {
  return (process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] || '').trim();
}

/** A step output: a heredoc in GITHUB_OUTPUT under a delimiter nobody can guess (the value cannot end it). */
export function setOutput(name: string, value: string): void {
  const file = process.env['GITHUB_OUTPUT'] || '';
  if (!file) {
    // A runner too old for file commands (or a local run): the deprecated stdout form, as core writes it.
    process.stdout.write(EOL);
    issueCommand('set-output', { name }, value);
    return;
  }
  const delimiter = `ghadelimiter_${randomUUID()}`;
  if (name.includes(delimiter) || value.includes(delimiter)) {
    throw new Error(`Unexpected input: an output should not contain the delimiter "${delimiter}"`);
  }
  appendFileCommand(file, `${name}<<${delimiter}${EOL}${value}${EOL}${delimiter}`);
}

/** The runner replaces this value with *** in every later line of the log. */
export function setSecret(secret: string): void {
  issueCommand('add-mask', {}, secret);
}

export function info(message: string): void {
  process.stdout.write(message + EOL);
}

export function debug(message: string): void {
  issueCommand('debug', {}, message);
}

export function error(message: string, properties: AnnotationProperties = {}): void {
  issueCommand('error', commandProperties(properties), message);
}

export function warning(message: string, properties: AnnotationProperties = {}): void {
  issueCommand('warning', commandProperties(properties), message);
}

export function notice(message: string, properties: AnnotationProperties = {}): void {
  issueCommand('notice', commandProperties(properties), message);
}

/** Markdown appended to the job summary; throws when the runner offers none, as core's summary does. */
export function appendSummary(markdown: string): void {
  const file = process.env['GITHUB_STEP_SUMMARY'];
  if (!file) {
    throw new Error(
      'Unable to find environment variable for $GITHUB_STEP_SUMMARY. Check if your runtime environment supports job summaries.',
    );
  }
  // core checks the file is there and writable, then appends; appendFileSync fails the same way when not.
  appendFileSync(file, markdown, { encoding: 'utf8' });
}

/** The runner's names for an annotation's place: `line`, not `startLine`. */
function commandProperties(properties: AnnotationProperties): Record<string, string | number | undefined> {
  if (Object.keys(properties).length === 0) return {};
  return { title: properties.title, file: properties.file, line: properties.startLine };
}

/**
 * `::name key=value,key=value::message`. An empty property is left out; the space after the name comes with
 * any property list, even one whose values are all empty, as core writes it (the runner reads both).
 */
function issueCommand(command: string, properties: Record<string, string | number | undefined>, message: string) {
  const keys = Object.keys(properties);
  const pairs = keys.filter((key) => properties[key]).map((key) => `${key}=${escapeProperty(String(properties[key]))}`);
  const head = keys.length > 0 ? `${command} ${pairs.join(',')}` : command;
  process.stdout.write(`::${head}::${escapeData(message)}${EOL}`);
}

function appendFileCommand(file: string, message: string): void {
  if (!existsSync(file)) throw new Error(`Missing file at path: ${file}`);
  appendFileSync(file, `${message}${EOL}`, { encoding: 'utf8' });
}

/** A message cannot end its own command: line breaks and `%` are percent-encoded. */
function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A property also cannot end the property list or the command head. */
function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
