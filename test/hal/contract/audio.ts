/** Contract of audio devices: chunks at the info's rate and channel count, samples in [-1, 1]. */
import type { AudioChunk, AudioInfo } from '../../../hal/types.js';
import { describeDeviceContract } from './device.js';
import type { ContractOptions } from './device.js';

export function audioContract(name: string, options: ContractOptions<AudioInfo>): void {
  describeDeviceContract<AudioInfo, AudioChunk>(name, 'audio', options, (chunk, info) => {
    if (chunk.sampleRateHz !== info.sampleRateHz) return `rate ${chunk.sampleRateHz} Hz, info ${info.sampleRateHz} Hz`;
    if (chunk.channels !== info.channels) return `${chunk.channels} channels, info ${info.channels}`;
    const n = chunk.samples.length;
    if (n === 0 || n % info.channels !== 0 || n > info.chunkSamples * info.channels) return `${n} samples in a chunk`;
    if (!chunk.samples.every((s) => Math.abs(s) <= 1)) return 'a sample outside [-1, 1]';
    return undefined;
  });
}
