/**
 * Voice out (layer 7): spoken responses through espeak-ng, queued by priority; critical alerts interrupt.
 * `voice.say` in, `voice.state` out (docs/voice.md).
 */
export type { VoiceSayEvent, VoiceStateEvent, VoiceOutcome } from './types.js';
export { DEFAULT_VOICE_SETTINGS, INITIAL_VOICE_STATE, voiceStateEvent, voiceStep, type Utterance, type VoiceAction, type VoiceInput, type VoiceQueueState, type VoiceSettings } from './queue.js';
export { espeakSynthesizer, missingEspeakMessage, type EspeakOptions, type SpeechJob, type Synthesizer } from './espeak.js';
export { aplaySink, discardSink, fixWavSizes, wavFolderSink, type AudioSink, type SinkStream } from './sinks.js';
export { startVoiceOut, type VoiceOut, type VoiceOutOptions, type VoiceProcessEvent } from './voice-out.js';
export { addVoiceOptions, voiceFromOptions, type VoiceCliOptions } from './options.js';
export { BATTERY_LOW_PERCENT, INITIAL_VOICE_ALERT_STATE, VOICE_ALERT_TOPICS, voiceAlerts, type VoiceAlertState } from './alerts.js';
