import { OutdialApiError } from '@outdial/client';
import { CommanderError } from 'commander';

import { CliError, ExitCode } from './exit-codes';
import { formatError } from './format';
import { buildProgram } from './program';
import { Io } from './terminal';

/**
 * Runs `outdial` with `argv` (without the node and script paths) and resolves to the exit code
 * (see exit-codes.ts). Never throws: errors print as one line, `error: <code>: <message>` (or
 * `{"error":{…}}` with --json) on stderr, without a stack trace.
 */
export async function run(
  argv: string[],
  io: Io = { stdout: process.stdout, stderr: process.stderr, env: process.env },
): Promise<number> {
  let exitCode: number = ExitCode.ok;
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });
  const json = argv.includes('--json');
  const fail = (code: string, message: string, status: number | undefined, details: unknown, exit: number) => {
    io.stderr.write(
      json
        ? `${JSON.stringify({ error: { code, message, details: details ?? null, status } })}\n`
        : `${formatError(code, message, details)}\n`,
    );
    return exit;
  };
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; commander already printed usage errors.
      if (
        error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        error.code === 'commander.help'
      )
        return ExitCode.ok;
      if (error.code === 'commander.executeSubCommandAsync') return ExitCode.ok;
      return ExitCode.usage;
    }
    if (error instanceof OutdialApiError) {
      return fail(
        error.code,
        error.message,
        error.status || undefined,
        error.details,
        error.status === 0 ? ExitCode.unreachable : ExitCode.apiError,
      );
    }
    if (error instanceof CliError) return fail(error.code, error.message, undefined, undefined, error.exitCode);
    const code = (error as NodeJS.ErrnoException)?.code;
    if (code === 'ENOENT' || code === 'EISDIR' || code === 'EACCES') {
      const path = (error as NodeJS.ErrnoException).path ?? '';
      const why = { ENOENT: 'no such file', EISDIR: 'is a directory', EACCES: 'permission denied' }[code];
      return fail('file_unreadable', `${path ? `${path}: ` : ''}${why}`, undefined, undefined, ExitCode.usage);
    }
    return fail(
      'internal',
      error instanceof Error ? error.message : String(error),
      undefined,
      undefined,
      ExitCode.apiError,
    );
  }
}
