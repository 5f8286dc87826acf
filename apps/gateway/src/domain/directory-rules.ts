import {
  FieldError,
  isVoiceAgentPlatform,
  MachineDetectionConfigError,
  machineDetectionSettings,
} from '@outdial/contracts';

/** Directory rules as pure functions: shared by the API, the admin CLI and their tests. */

export const AGENT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
export const VARIABLE_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
/** E.164: "+", a country code that does not start with 0, 8 to 15 digits in all. */
export const E164_PATTERN = /^\+[1-9]\d{7,14}$/;
export const ORG_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** Bounds of the org limits (PATCH /api/org and the admin CLI). */
export const ORG_LIMITS = {
  maxConcurrentCalls: { min: 1, max: 10_000 },
  callsPerSecond: { min: 0.01, max: 1000 },
} as const;

export const AGENT_CONFIG_MAX_BYTES = 16 * 1024;

/** Config keys that look like secrets: those belong in a service's env, never in events or the API. */
const SECRET_KEY = /(secret|password|passwd|token|api[_-]?key|private[_-]?key|credential|auth)/i;

/**
 * Checks an agent's provider config: small, JSON only, no secrets (the config travels in
 * AgentChangedEvent to every dialer), and what the provider needs (`http`: an http(s)
 * `endpoint_url`).
 */
export function agentConfigProblems(
  provider: string,
  config: Record<string, unknown>,
  platformProblems?: (config: Record<string, unknown>) => FieldError[],
): FieldError[] {
  const problems: FieldError[] = [];
  if (Buffer.byteLength(JSON.stringify(config), 'utf8') > AGENT_CONFIG_MAX_BYTES) {
    problems.push({ field: 'config', problems: [`must be at most ${AGENT_CONFIG_MAX_BYTES} bytes of JSON`] });
  }
  for (const path of secretLookingKeys(config, 'config')) {
    problems.push({
      field: path,
      problems: ['looks like a secret; keep secrets in the service environment, not in agent config'],
    });
  }
  if (isVoiceAgentPlatform(provider) && platformProblems) problems.push(...platformProblems(config));
  if (provider === 'http') {
    const url = config.endpoint_url;
    if (typeof url !== 'string' || !isHttpUrl(url)) {
      problems.push({
        field: 'config.endpoint_url',
        problems: ['an http agent needs config.endpoint_url, an http(s) URL'],
      });
    }
  }
  if (provider === 'twilio') problems.push(...machineDetectionProblems(config));
  return problems;
}

/** A twilio agent's answering-machine detection settings (`machine_detection`, `machine_detection_timeout_seconds`, `hangup_on_machine`). */
function machineDetectionProblems(config: Record<string, unknown>): FieldError[] {
  const problems: FieldError[] = [];
  // Each key on its own (with the mode, which hangup_on_machine depends on), so every wrong key is named.
  for (const key of ['machine_detection', 'machine_detection_timeout_seconds', 'hangup_on_machine'] as const) {
    try {
      machineDetectionSettings({
        [key]: config[key],
        ...(key === 'hangup_on_machine' && config.machine_detection === 'off' ? { machine_detection: 'off' } : {}),
      });
    } catch (error) {
      if (!(error instanceof MachineDetectionConfigError)) throw error;
      problems.push({ field: `config.${error.field}`, problems: [error.message] });
    }
  }
  return problems;
}

function secretLookingKeys(value: unknown, path: string, depth = 0): string[] {
  if (depth > 5 || value === null || typeof value !== 'object') return [];
  const out: string[] = [];
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    const childPath = Array.isArray(value) ? `${path}[${key}]` : `${path}.${key}`;
    if (!Array.isArray(value) && SECRET_KEY.test(key)) out.push(childPath);
    out.push(...secretLookingKeys(child, childPath, depth + 1));
  }
  return out;
}

export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

export interface PageParams {
  page: number;
  page_size: number;
}

/** One page of a directory list (SPEC §9 list shape). */
export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  page_size: number;
}
