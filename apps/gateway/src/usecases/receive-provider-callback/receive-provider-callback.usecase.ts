import { Inject, Injectable } from '@nestjs/common';
import { isVoiceAgentPlatform, ProviderCallEvent, Subjects, VoiceAgentPlatform } from '@outdial/contracts';
import { Clock, EventPublisher, Logger, SERVICE_CONFIG, SERVICE_LOGGER, ServiceError } from '@outdial/service-runtime';

import { AgentSecretsVault } from '../../adapters/agent-secrets-vault';
import {
  SignatureCheck,
  verifyOutdialSignature,
  verifyTwilioSignature,
} from '../../adapters/provider-callbacks/callback-signatures';
import { WebhookSecrets } from '../../adapters/provider-callbacks/platforms/platform-webhook';
import { PLATFORM_WEBHOOKS } from '../../adapters/provider-callbacks/platforms/platform-webhooks';
import {
  CallbackFormatError,
  httpCallbackToEvent,
  twilioCallbackToEvent,
} from '../../adapters/provider-callbacks/provider-callbacks';
import { GatewayEnv } from '../../gateway-env';
import { DirectoryAgentsRepository } from '../../persistence/directory-agents.repository';

/** A provider's callback as received: `POST /api/provider-events/{provider}`. */
export interface ProviderCallbackCommand {
  /** The `{provider}` path segment. */
  provider: string;
  /**
   * Reads the exact bytes received (signatures are over them); called once, only after the
   * provider is known (an unknown provider is a 404 whatever its body).
   */
  read_body: () => Promise<Buffer>;
  /** Lower-case names, first value of repeated headers. */
  headers: Record<string, string | undefined>;
  /** First value of each query parameter. */
  query: Record<string, string | undefined>;
  /** Path and query as received (Twilio signs the full URL it called). */
  original_url: string;
}

/**
 * Status callbacks of real providers (dialer README "Providers"): verified (the signature is the
 * authentication, so the route needs no token), normalized to SPEC §5 and published on the
 * PROVIDER stream (msgID = the event id), where any dialer replica finishes the attempt. Nothing
 * is published for a callback that fails verification; statuses that change nothing publish nothing.
 *
 * Errors: 404 `not_found` (unknown provider, or one not configured: no HTTP_PROVIDER_SIGNING_SECRET
 * / TWILIO_AUTH_TOKEN), 401 `unauthorized` (bad or missing signature, stale timestamp), 400
 * `validation_failed` (signed but malformed), 413 is the handler's (body size).
 */
@Injectable()
export class ReceiveProviderCallbackUseCase {
  private readonly log: Logger;

  constructor(
    private readonly publisher: EventPublisher,
    private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) private readonly config: GatewayEnv,
    @Inject(SERVICE_LOGGER) logger: Logger,
    private readonly agents: DirectoryAgentsRepository,
    private readonly vault: AgentSecretsVault,
  ) {
    this.log = logger.child({ component: 'provider-events' });
  }

  async execute(command: ProviderCallbackCommand): Promise<void> {
    const { provider } = command;
    const platform = isVoiceAgentPlatform(provider) ? provider : undefined;
    if (provider !== 'http' && provider !== 'twilio' && !platform)
      throw new ServiceError(
        'not_found',
        `no provider ${provider}: callbacks are accepted for http, twilio, vapi, retell, elevenlabs, bland and bolna`,
      );
    const raw = await command.read_body();
    const event = platform
      ? await this.platformEvent(platform, command, raw)
      : provider === 'http'
        ? this.httpEvent(command, raw)
        : this.twilioEvent(command, raw);
    if (!event) return;
    await this.publisher.publish(Subjects.providerEvent, event);
    this.log.debug(
      { provider, attempt_id: event.attempt_id, kind: event.kind, outcome: event.outcome },
      'provider event published',
    );
  }

  private httpEvent(command: ProviderCallbackCommand, raw: Buffer): ProviderCallEvent {
    const secret = this.config.HTTP_PROVIDER_SIGNING_SECRET;
    if (!secret)
      throw new ServiceError(
        'not_found',
        'the http provider is not configured on this platform (HTTP_PROVIDER_SIGNING_SECRET)',
      );
    const body = raw.toString('utf8');
    this.require(
      verifyOutdialSignature(
        secret,
        command.headers['x-outdial-timestamp'],
        command.headers['x-outdial-signature'],
        body,
        this.clock.nowMs(),
        this.config.PROVIDER_CALLBACK_TOLERANCE_SECONDS,
      ),
      'http',
    );
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      throw new ServiceError('validation_failed', 'the callback body is not JSON', [
        { field: '(body)', problems: ['must be JSON'] },
      ]);
    }
    return this.normalized(() => httpCallbackToEvent(parsed, this.clock.now()));
  }

  private twilioEvent(command: ProviderCallbackCommand, raw: Buffer): ProviderCallEvent | null {
    const token = this.config.TWILIO_AUTH_TOKEN;
    if (!token)
      throw new ServiceError('not_found', 'the twilio provider is not configured on this platform (TWILIO_AUTH_TOKEN)');
    const params = [...new URLSearchParams(raw.toString('utf8')).entries()];
    // Twilio signs the URL it called: our public address plus the path and query as received.
    const url = `${this.config.PUBLIC_BASE_URL.replace(/\/$/, '')}${command.original_url}`;
    this.require(verifyTwilioSignature(token, url, params, command.headers['x-twilio-signature']), 'twilio');
    const attemptId = command.query.attempt_id ?? '';
    if (!attemptId)
      throw new ServiceError('validation_failed', 'the callback URL has no attempt_id', [
        { field: 'attempt_id', problems: ['required in the query'] },
      ]);
    // `amd=async` is in the URL the dialer gave Twilio (and signed with it): the call has async AMD.
    const asyncAmd = command.query.amd === 'async';
    return this.normalized(() => twilioCallbackToEvent(attemptId, new Map(params), this.clock.now(), { asyncAmd }));
  }

  /**
   * A voice-agent platform's webhook. The URL names the agent (`?org_id=&agent_id=`, shown as the
   * agent's `webhook_url`), whose secrets (or the platform's env secret) authenticate it; nothing is
   * read from the body before that check passes.
   */
  private async platformEvent(
    platform: VoiceAgentPlatform,
    command: ProviderCallbackCommand,
    raw: Buffer,
  ): Promise<ProviderCallEvent | null> {
    const webhook = PLATFORM_WEBHOOKS[platform];
    const query = command.query;
    if (!query.org_id || !query.agent_id) {
      throw new ServiceError(
        'validation_failed',
        "the webhook URL must name the agent: ?org_id=...&agent_id=... (the agent's webhook_url)",
        [{ field: 'org_id', problems: ['required in the query, with agent_id'] }],
      );
    }
    let secrets: WebhookSecrets = {};
    // An unknown agent has no secrets of its own: the platform's env secret may still verify it.
    const agent = await this.agents.find(query.org_id, query.agent_id);
    if (agent?.provider === platform) secrets = { ...this.vault.open(agent) };
    secrets.webhook_secret ??= this.platformSecret(platform);
    const body = raw.toString('utf8');
    this.require(
      webhook.verify(
        {
          rawBody: body,
          headers: command.headers,
          query,
          nowMs: this.clock.nowMs(),
          toleranceSeconds: this.config.PROVIDER_CALLBACK_TOLERANCE_SECONDS,
        },
        secrets,
      ),
      platform,
    );
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      throw new ServiceError('validation_failed', 'the webhook body is not JSON', [
        { field: '(body)', problems: ['must be JSON'] },
      ]);
    }
    return this.normalized(() => webhook.toEvent(parsed, this.clock.now()));
  }

  private platformSecret(platform: VoiceAgentPlatform): string | undefined {
    switch (platform) {
      case 'vapi':
        return this.config.VAPI_WEBHOOK_SECRET;
      case 'elevenlabs':
        return this.config.ELEVENLABS_WEBHOOK_SECRET;
      case 'bland':
        return this.config.BLAND_WEBHOOK_SECRET;
      case 'bolna':
        return this.config.BOLNA_WEBHOOK_SECRET;
      case 'retell':
        return undefined;
    }
  }

  private require(check: SignatureCheck, provider: string): void {
    if (check.ok) return;
    this.log.warn({ provider, reason: check.reason }, 'provider callback refused');
    throw new ServiceError('unauthorized', `callback signature refused: ${check.reason}`);
  }

  private normalized<T>(map: () => T): T {
    try {
      return map();
    } catch (error) {
      if (error instanceof CallbackFormatError)
        throw new ServiceError('validation_failed', error.message, [{ field: error.field, problems: [error.message] }]);
      throw error;
    }
  }
}
