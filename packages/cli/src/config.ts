import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

import { CliError, ExitCode } from './exit-codes';

/** One saved connection: the gateway URL and an API token. */
export interface Profile {
  url: string;
  token: string;
}

interface ConfigFile {
  profiles: Record<string, Profile>;
}

/**
 * Where profiles live: `$OUTDIAL_CONFIG`, else `$XDG_CONFIG_HOME/outdial/config.json`, else
 * `~/.config/outdial/config.json`. The file holds tokens, so it is written with mode 0600 (its
 * folder 0700).
 */
export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.OUTDIAL_CONFIG) return env.OUTDIAL_CONFIG;
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'outdial', 'config.json');
}

async function readConfig(path: string): Promise<ConfigFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { profiles: {} };
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as Partial<ConfigFile>;
    return { profiles: parsed.profiles ?? {} };
  } catch {
    throw new CliError('bad_config', `${path} is not valid JSON; fix or delete it`, ExitCode.notConfigured);
  }
}

/** Saves `profile` under `name` (other profiles kept), atomically, mode 0600. Returns the path. */
export async function saveProfile(
  name: string,
  profile: Profile,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  const path = configPath(env);
  const config = await readConfig(path);
  config.profiles[name] = profile;
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  await chmod(temp, 0o600);
  await rename(temp, path);
  return path;
}

/** Removes the profile `name`; returns whether it existed. */
export async function removeProfile(name: string, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  const path = configPath(env);
  const config = await readConfig(path);
  if (!config.profiles[name]) return false;
  delete config.profiles[name];
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  await rename(temp, path);
  return true;
}

/**
 * The connection to use. An explicit `--profile` wins; otherwise `OUTDIAL_URL` and `OUTDIAL_TOKEN`
 * (each may be set alone and take the rest from the profile), then the profile named by
 * `OUTDIAL_PROFILE` or `default`. Throws `CliError` (`not_configured`, exit 4) when no URL or token.
 */
export async function resolveProfile(
  explicitProfile: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Profile & { source: string }> {
  const name = explicitProfile ?? env.OUTDIAL_PROFILE ?? 'default';
  const saved = (await readConfig(configPath(env))).profiles[name];
  if (explicitProfile && !saved)
    throw new CliError(
      'not_configured',
      `no profile "${name}" in ${configPath(env)}; run: outdial login --profile ${name} --url URL --token TOKEN`,
      ExitCode.notConfigured,
    );
  const url = explicitProfile ? saved?.url : (env.OUTDIAL_URL ?? saved?.url);
  const token = explicitProfile ? saved?.token : (env.OUTDIAL_TOKEN ?? saved?.token);
  if (!url || !token) {
    throw new CliError(
      'not_configured',
      'no API URL or token: run `outdial login --url URL --token TOKEN` or set OUTDIAL_URL and OUTDIAL_TOKEN',
      ExitCode.notConfigured,
    );
  }
  return {
    url,
    token,
    source: explicitProfile || !(env.OUTDIAL_URL || env.OUTDIAL_TOKEN) ? `profile ${name}` : 'environment',
  };
}
