import { machineDetectionParams } from './twilio-machine-detection';

const URL = 'https://outdial.example.com/api/provider-events/twilio?attempt_id=a%3A1&amd=async';

describe('machineDetectionParams (Twilio "Answering Machine Detection" API parameters)', () => {
  it('asks for asynchronous AMD with its own callback', () => {
    expect(machineDetectionParams({ mode: 'detect', hangupOnMachine: false }, URL)).toEqual([
      ['MachineDetection', 'Enable'],
      ['AsyncAmd', 'true'],
      ['AsyncAmdStatusCallback', URL],
      ['AsyncAmdStatusCallbackMethod', 'POST'],
    ]);
  });

  it('waits for the end of the greeting with detect_message_end, and passes the timeout', () => {
    expect(
      Object.fromEntries(
        machineDetectionParams({ mode: 'detect_message_end', timeoutSeconds: 10, hangupOnMachine: true }, URL),
      ),
    ).toMatchObject({ MachineDetection: 'DetectMessageEnd', MachineDetectionTimeout: '10', AsyncAmd: 'true' });
  });

  it('asks for nothing when off', () => {
    expect(machineDetectionParams({ mode: 'off', hangupOnMachine: false }, URL)).toEqual([]);
  });
});
