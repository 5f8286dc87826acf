import { MachineDetectionConfigError, machineDetectionSettings } from './machine-detection';

describe('machineDetectionSettings', () => {
  it("defaults to detect with Twilio's timeout", () => {
    expect(machineDetectionSettings({ twiml_url: 'https://x' })).toEqual({ mode: 'detect', hangupOnMachine: false });
    expect(machineDetectionSettings({ machine_detection: null })).toEqual({ mode: 'detect', hangupOnMachine: false });
  });

  it('reads the mode and the timeout', () => {
    expect(machineDetectionSettings({ machine_detection: 'off' })).toEqual({ mode: 'off', hangupOnMachine: false });
    expect(
      machineDetectionSettings({ machine_detection: 'detect_message_end', machine_detection_timeout_seconds: 45 }),
    ).toEqual({ mode: 'detect_message_end', timeoutSeconds: 45, hangupOnMachine: false });
  });

  it('refuses values outside the lists, naming the key', () => {
    expect(() => machineDetectionSettings({ machine_detection: 'Enable' })).toThrow(MachineDetectionConfigError);
    expect(() => machineDetectionSettings({ machine_detection: true })).toThrow(
      /machine_detection must be one of off, detect, detect_message_end/,
    );
    expect(() => machineDetectionSettings({ machine_detection_timeout_seconds: 2 })).toThrow(
      /machine_detection_timeout_seconds must be an integer from 3 to 59/,
    );
    expect(() => machineDetectionSettings({ machine_detection_timeout_seconds: 60 })).toThrow(
      MachineDetectionConfigError,
    );
    expect(() => machineDetectionSettings({ machine_detection_timeout_seconds: '30' })).toThrow(
      expect.objectContaining({ field: 'machine_detection_timeout_seconds' }),
    );
    expect(() => machineDetectionSettings({ machine_detection: 'on' })).toThrow(
      expect.objectContaining({ field: 'machine_detection' }),
    );
  });
});

describe('hangup_on_machine', () => {
  it('is read as a boolean and needs detection on', () => {
    expect(machineDetectionSettings({ hangup_on_machine: true })).toEqual({ mode: 'detect', hangupOnMachine: true });
    expect(machineDetectionSettings({ machine_detection: 'detect_message_end', hangup_on_machine: false })).toEqual({
      mode: 'detect_message_end',
      hangupOnMachine: false,
    });
    expect(() => machineDetectionSettings({ hangup_on_machine: 'yes' })).toThrow(
      expect.objectContaining({ field: 'hangup_on_machine' }),
    );
    expect(() => machineDetectionSettings({ machine_detection: 'off', hangup_on_machine: true })).toThrow(
      /needs machine_detection detect or detect_message_end/,
    );
  });
});
