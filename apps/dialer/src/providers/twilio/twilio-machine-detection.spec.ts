import { MachineDetectionConfigError, machineDetectionParams, machineDetectionSettings } from './twilio-machine-detection';

const URL = 'https://outdial.example.com/api/provider-events/twilio?attempt_id=a%3A1&amd=async';

describe('machineDetectionSettings', () => {
  it('defaults to detect with Twilio\'s timeout', () => {
    expect(machineDetectionSettings({ twiml_url: 'https://x' })).toEqual({ mode: 'detect' });
    expect(machineDetectionSettings({ machine_detection: null })).toEqual({ mode: 'detect' });
  });

  it('reads the mode and the timeout', () => {
    expect(machineDetectionSettings({ machine_detection: 'off' })).toEqual({ mode: 'off' });
    expect(machineDetectionSettings({ machine_detection: 'detect_message_end', machine_detection_timeout_seconds: 45 })).toEqual({ mode: 'detect_message_end', timeoutSeconds: 45 });
  });

  it('refuses values outside the lists, naming the key', () => {
    expect(() => machineDetectionSettings({ machine_detection: 'Enable' })).toThrow(MachineDetectionConfigError);
    expect(() => machineDetectionSettings({ machine_detection: true })).toThrow(/machine_detection must be one of off, detect, detect_message_end/);
    expect(() => machineDetectionSettings({ machine_detection_timeout_seconds: 2 })).toThrow(/machine_detection_timeout_seconds must be an integer from 3 to 59/);
    expect(() => machineDetectionSettings({ machine_detection_timeout_seconds: 60 })).toThrow(MachineDetectionConfigError);
    expect(() => machineDetectionSettings({ machine_detection_timeout_seconds: '30' })).toThrow(MachineDetectionConfigError);
  });
});

describe('machineDetectionParams (Twilio "Answering Machine Detection" API parameters)', () => {
  it('asks for asynchronous AMD with its own callback', () => {
    expect(machineDetectionParams({ mode: 'detect' }, URL)).toEqual([
      ['MachineDetection', 'Enable'],
      ['AsyncAmd', 'true'],
      ['AsyncAmdStatusCallback', URL],
      ['AsyncAmdStatusCallbackMethod', 'POST'],
    ]);
  });

  it('waits for the end of the greeting with detect_message_end, and passes the timeout', () => {
    expect(Object.fromEntries(machineDetectionParams({ mode: 'detect_message_end', timeoutSeconds: 10 }, URL))).toMatchObject({ MachineDetection: 'DetectMessageEnd', MachineDetectionTimeout: '10', AsyncAmd: 'true' });
  });

  it('asks for nothing when off', () => {
    expect(machineDetectionParams({ mode: 'off' }, URL)).toEqual([]);
  });
});
