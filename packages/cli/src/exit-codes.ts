/**
 * Exit codes of `outdial` (documented in packages/cli/README.md). Scripts can rely on them.
 */
export const ExitCode = {
  /** Success; with `--watch` or `watch`: the batch ended `completed`. */
  ok: 0,
  /** The API answered with an error (printed as `error: <code>: <message>`). */
  apiError: 1,
  /** Bad usage: unknown command or option, missing or malformed value. */
  usage: 2,
  /** The API could not be reached (connection refused, DNS, reset) after the retries. */
  unreachable: 3,
  /** No API URL or token: run `outdial login` or set OUTDIAL_URL and OUTDIAL_TOKEN. */
  notConfigured: 4,
  /** `validate`: the file was read but has no row that could be called. */
  nothingToCall: 5,
  /** A watched batch ended `failed`. */
  batchFailed: 10,
  /** A watched batch ended `cancelled`. */
  batchCancelled: 11,
  /** Interrupted (Ctrl-C) while watching; the batch keeps running. */
  interrupted: 130,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** Exit code for a batch that reached a final status (SPEC §4). */
export function exitCodeForFinalStatus(status: string): ExitCodeValue {
  if (status === 'completed') return ExitCode.ok;
  if (status === 'cancelled') return ExitCode.batchCancelled;
  return ExitCode.batchFailed;
}

/** A refusal of the CLI itself (bad value, missing configuration), printed like an API error. */
export class CliError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly exitCode: ExitCodeValue = ExitCode.usage,
  ) {
    super(message);
  }
}
