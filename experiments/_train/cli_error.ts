/**
 * An error meant for the person at the terminal: the command line prints its
 * message as one line and exits non-zero, without a stack trace.
 */
export class CliError extends Error {
  /** Creates the error; `message` should read "Cannot <action>: <why>". */
  constructor(message: string) {
    super(message);
    this.name = "CliError";
  }
}
