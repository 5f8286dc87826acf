import { MachineDetectionConfigError, machineDetectionSettings } from './machine-detection';

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
    expect(() => machineDetectionSettings({ machine_detection_timeout_seconds: '30' })).toThrow(expect.objectContaining({ field: 'machine_detection_timeout_seconds' }));
    expect(() => machineDetectionSettings({ machine_detection: 'on' })).toThrow(expect.objectContaining({ field: 'machine_detection' }));
  });
});
