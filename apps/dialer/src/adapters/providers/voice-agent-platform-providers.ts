import { Injectable } from '@nestjs/common';

import { BlandCallProvider } from './bland/bland-call-provider';
import { BolnaCallProvider } from './bolna/bolna-call-provider';
import { CallProvider } from './call-provider';
import { ElevenLabsCallProvider } from './elevenlabs/elevenlabs-call-provider';
import { RetellCallProvider } from './retell/retell-call-provider';
import { VapiCallProvider } from './vapi/vapi-call-provider';

/** The voice-agent platform providers (SPEC §7), injected together so the registry's constructor stays small. */
@Injectable()
export class VoiceAgentPlatformProviders {
  readonly all: CallProvider[];

  constructor(
    vapi: VapiCallProvider,
    retell: RetellCallProvider,
    elevenlabs: ElevenLabsCallProvider,
    bland: BlandCallProvider,
    bolna: BolnaCallProvider,
  ) {
    this.all = [vapi, retell, elevenlabs, bland, bolna];
  }
}

export const VOICE_AGENT_PLATFORM_PROVIDERS = [
  VapiCallProvider,
  RetellCallProvider,
  ElevenLabsCallProvider,
  BlandCallProvider,
  BolnaCallProvider,
  VoiceAgentPlatformProviders,
];
