/**
 * The contact's variables reaching a Twilio-connected agent (issue 17), so it can greet each contact
 * by name:
 * - `twiml_url`: each variable becomes a query parameter of the URL Twilio fetches the TwiML from
 *   (Twilio requests the Url as given, query included: https://www.twilio.com/docs/voice/api/call-resource#create-a-call-resource);
 *   parameters already in the URL win over variables of the same name.
 * - inline `twiml`: each variable becomes a `<Parameter name value/>` of every `<Stream>`, which
 *   Twilio hands to the media-stream server in the `start` message's `customParameters`
 *   (https://www.twilio.com/docs/voice/twiml/stream#custom-parameters).
 */
export function twimlUrlWithVariables(url: string, variables: Record<string, string>): string {
  const parsed = new URL(url);
  for (const [name, value] of Object.entries(variables))
    if (!parsed.searchParams.has(name)) parsed.searchParams.set(name, value);
  return parsed.toString();
}

export function twimlWithStreamParameters(twiml: string, variables: Record<string, string>): string {
  const entries = Object.entries(variables);
  if (entries.length === 0) return twiml;
  const parameters = entries
    .map(([name, value]) => `<Parameter name="${xmlEscape(name)}" value="${xmlEscape(value)}"/>`)
    .join('');
  return twiml.replace(/<Stream\b([^>]*?)(\/?)>/g, (_m, attrs: string, selfClosing: string) =>
    selfClosing ? `<Stream${attrs}>${parameters}</Stream>` : `<Stream${attrs}>${parameters}`,
  );
}

function xmlEscape(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}
