/** A configuration the server cannot start with. The CLI prints the message and exits with 2, as usage errors do. */
export class ConfigError extends Error {
  readonly option?: string;
  readonly exitCode = 2;

  constructor(message: string, option?: string) {
    super(message);
    this.name = 'ConfigError';
    if (option !== undefined) this.option = option;
  }
}
