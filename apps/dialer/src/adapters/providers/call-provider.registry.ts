import { Injectable } from '@nestjs/common';
import { ProviderName } from '@outdial/contracts';

import { CallProvider } from './call-provider';
import { HttpCallProvider } from './http/http-call-provider';
import { SimulatedCallProvider } from './simulated/simulated-call-provider';
import { TwilioCallProvider } from './twilio/twilio-call-provider';
import { VoiceAgentPlatformProviders } from './voice-agent-platform-providers';

/** The providers this dialer can place calls with, by name (SPEC §7). */
@Injectable()
export class CallProviderRegistry {
  private readonly providers = new Map<ProviderName, CallProvider>();

  constructor(
    simulated: SimulatedCallProvider,
    http: HttpCallProvider,
    twilio: TwilioCallProvider,
    platforms: VoiceAgentPlatformProviders,
  ) {
    for (const provider of [simulated, http, twilio, ...platforms.all]) this.providers.set(provider.name, provider);
  }

  get(name: ProviderName): CallProvider | undefined {
    return this.providers.get(name);
  }
}
