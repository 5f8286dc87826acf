import { VoiceAgentPlatform } from '@outdial/contracts';

import { blandWebhook } from './bland-webhook';
import { bolnaWebhook } from './bolna-webhook';
import { elevenlabsWebhook } from './elevenlabs-webhook';
import { PlatformWebhook } from './platform-webhook';
import { retellWebhook } from './retell-webhook';
import { vapiWebhook } from './vapi-webhook';

/** The webhook of each voice-agent platform, by provider name. */
export const PLATFORM_WEBHOOKS: Record<VoiceAgentPlatform, PlatformWebhook> = {
  vapi: vapiWebhook,
  retell: retellWebhook,
  elevenlabs: elevenlabsWebhook,
  bland: blandWebhook,
  bolna: bolnaWebhook,
};
