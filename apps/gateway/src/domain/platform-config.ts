import { FieldError, isVoiceAgentPlatform, VoiceAgentPlatform } from '@outdial/contracts';

import { agentConfigProblems, E164_PATTERN } from './directory-rules';

/** The secret fields of a voice-agent platform agent's config: sealed at rest, never returned, logged or published. */
export const AGENT_SECRET_FIELDS = ['api_key', 'webhook_secret'] as const;
export type AgentSecrets = Partial<Record<(typeof AGENT_SECRET_FIELDS)[number], string>>;

interface PlatformConfigRule {
  /** Each group: at least one of these fields is required (a non-empty string). */
  required: string[][];
  /** Optional string fields. */
  optional: string[];
}

/**
 * The configuration contract of each platform (SPEC §7; issue 17): besides `api_key` (secret),
 * the platform's own ids. Optional everywhere: `webhook_secret` (secret) and `max_concurrent_calls`
 * (the plan's concurrency limit, 1-10,000).
 */
export const PLATFORM_CONFIG: Record<VoiceAgentPlatform, PlatformConfigRule> = {
  vapi: { required: [['assistant_id'], ['phone_number_id']], optional: [] },
  retell: { required: [['agent_id']], optional: ['from_number'] },
  elevenlabs: { required: [['agent_id'], ['agent_phone_number_id']], optional: ['telephony'] },
  bland: { required: [['pathway_id', 'task']], optional: ['voice', 'from_number'] },
  bolna: { required: [['agent_id']], optional: ['from_number'] },
};

/** Splits a submitted config into what may be stored and published, and the secrets to seal. */
export function splitAgentConfig(
  provider: string,
  config: Record<string, unknown>,
): { config: Record<string, unknown>; secrets: AgentSecrets; secretProblems: FieldError[] } {
  if (!isVoiceAgentPlatform(provider)) return { config, secrets: {}, secretProblems: [] };
  const rest: Record<string, unknown> = {};
  const secrets: AgentSecrets = {};
  const secretProblems: FieldError[] = [];
  for (const [key, value] of Object.entries(config)) {
    if ((AGENT_SECRET_FIELDS as readonly string[]).includes(key)) {
      if (typeof value !== 'string' || value.trim() === '' || value.length > 4096)
        secretProblems.push({
          field: `config.${key}`,
          problems: ['must be a non-empty string of at most 4096 characters'],
        });
      else secrets[key as keyof AgentSecrets] = value;
    } else rest[key] = value;
  }
  return { config: rest, secrets, secretProblems };
}

/** What a platform agent's (non-secret) config and its secrets lack or get wrong, naming each field. */
export function platformConfigProblems(
  platform: VoiceAgentPlatform,
  config: Record<string, unknown>,
  secrets: AgentSecrets,
): FieldError[] {
  const rule = PLATFORM_CONFIG[platform];
  const problems: FieldError[] = [];
  if (!secrets.api_key)
    problems.push({
      field: 'config.api_key',
      problems: [
        `a ${platform} agent needs config.api_key, the ${platform} API key (stored encrypted, never returned)`,
      ],
    });
  for (const group of rule.required) {
    const given = group.filter((field) => config[field] !== undefined);
    for (const field of given)
      if (typeof config[field] !== 'string' || (config[field] as string).trim() === '')
        problems.push({ field: `config.${field}`, problems: ['must be a non-empty string'] });
    if (given.length === 0) {
      problems.push({
        field: `config.${group[0]}`,
        problems: [
          group.length === 1
            ? `a ${platform} agent needs config.${group[0]}`
            : `a ${platform} agent needs one of ${group.map((f) => `config.${f}`).join(', ')}`,
        ],
      });
    }
  }
  for (const field of rule.optional) {
    const value = config[field];
    if (value !== undefined && (typeof value !== 'string' || value.trim() === ''))
      problems.push({ field: `config.${field}`, problems: ['must be a non-empty string'] });
  }
  if (typeof config.from_number === 'string' && !E164_PATTERN.test(config.from_number))
    problems.push({ field: 'config.from_number', problems: ['must be E.164, e.g. +12025550123'] });
  if (
    platform === 'elevenlabs' &&
    config.telephony !== undefined &&
    config.telephony !== 'twilio' &&
    config.telephony !== 'sip_trunk'
  ) {
    problems.push({ field: 'config.telephony', problems: ['must be twilio or sip_trunk'] });
  }
  const max = config.max_concurrent_calls;
  if (max !== undefined && (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > 10_000)) {
    problems.push({
      field: 'config.max_concurrent_calls',
      problems: ["must be an integer from 1 to 10000 (your plan's concurrency limit)"],
    });
  }
  return problems;
}

/** The webhook URL a user registers at the platform for this agent (Bolna's carries the shared secret as `token`, added by the user). */
export function agentWebhookUrl(
  publicBaseUrl: string,
  provider: string,
  orgId: string,
  agentId: string,
): string | undefined {
  if (!isVoiceAgentPlatform(provider)) return undefined;
  return `${publicBaseUrl.replace(/\/$/, '')}/api/provider-events/${provider}?org_id=${encodeURIComponent(orgId)}&agent_id=${encodeURIComponent(agentId)}`;
}

/** An agent's config as stored and published, its secrets (to be sealed), and what is wrong with them. */
export interface CheckedAgentConfig {
  config: Record<string, unknown>;
  secrets: AgentSecrets;
  /** Empty when the config may be stored; otherwise the API's 400 names each field. */
  problems: FieldError[];
}

/**
 * Validates a submitted config (the problems name each field) and splits it: the
 * stored and published part, and the secrets merged over `kept` (the stored ones a PATCH leaves
 * out). Non-platform providers keep the old rule: no secret-looking keys at all.
 */
export function checkedAgentConfig(
  provider: string,
  submitted: Record<string, unknown>,
  kept: AgentSecrets,
): CheckedAgentConfig {
  const { config, secrets, secretProblems } = splitAgentConfig(provider, submitted);
  const merged: AgentSecrets = { ...kept, ...secrets };
  const problems = [
    ...secretProblems,
    ...agentConfigProblems(
      provider,
      config,
      isVoiceAgentPlatform(provider) ? (c) => platformConfigProblems(provider, c, merged) : undefined,
    ),
  ];
  return { config, secrets: merged, problems };
}
