import { twimlUrlWithVariables, twimlWithStreamParameters } from './twiml-variables';

describe('contact variables for a Twilio-connected agent', () => {
  it("adds the variables as query parameters of twiml_url, keeping the URL's own", () => {
    expect(
      twimlUrlWithVariables('https://agent.example.com/twiml?lang=en', {
        name: 'Ada Lovelace',
        plan: 'gold & co',
        lang: 'fr',
      }),
    ).toBe('https://agent.example.com/twiml?lang=en&name=Ada+Lovelace&plan=gold+%26+co');
  });

  it('adds escaped <Parameter>s to every <Stream> of inline TwiML', () => {
    const twiml =
      '<Response><Connect><Stream url="wss://a.example.com/s"/></Connect><Start><Stream url="wss://b.example.com"></Stream></Start></Response>';
    expect(twimlWithStreamParameters(twiml, { name: 'Ada "The" <Countess>' })).toBe(
      '<Response><Connect><Stream url="wss://a.example.com/s"><Parameter name="name" value="Ada &quot;The&quot; &lt;Countess&gt;"/></Stream></Connect>' +
        '<Start><Stream url="wss://b.example.com"><Parameter name="name" value="Ada &quot;The&quot; &lt;Countess&gt;"/></Stream></Start></Response>',
    );
    expect(twimlWithStreamParameters('<Response><Say>Hi</Say></Response>', { name: 'Ada' })).toBe(
      '<Response><Say>Hi</Say></Response>',
    );
  });
});
