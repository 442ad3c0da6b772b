/** Where the core says what it is doing. The action maps it to workflow commands (runner/workflow-commands.ts), the CLI to stderr. */
export interface Logger {
  info(message: string): void;
  warning(message: string): void;
  debug(message: string): void;
}

export const silentLogger: Logger = { info: () => {}, warning: () => {}, debug: () => {} };
