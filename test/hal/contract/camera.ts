/** Contract of camera devices: frames match the info (size, format, stride) and `seq` increases. */
import { BYTES_PER_PIXEL } from '../../../hal/types.js';
import type { CameraFrame, CameraInfo } from '../../../hal/types.js';
import { describeDeviceContract } from './device.js';
import type { ContractOptions } from './device.js';

export function cameraContract(name: string, options: ContractOptions<CameraInfo>): void {
  let lastSeq = -1;
  describeDeviceContract<CameraInfo, CameraFrame>(name, 'camera', options, (frame, info) => {
    if (!(info.widthPx > 0 && info.heightPx > 0)) return `info size ${info.widthPx}×${info.heightPx}`;
    if (frame.widthPx !== info.widthPx || frame.heightPx !== info.heightPx) {
      return `frame ${frame.widthPx}×${frame.heightPx}, info ${info.widthPx}×${info.heightPx}`;
    }
    if (frame.format !== info.format) return `format ${frame.format}, info ${info.format}`;
    if (frame.strideBytes !== info.widthPx * BYTES_PER_PIXEL[info.format]) return `stride ${frame.strideBytes}`;
    if (frame.data.length !== frame.strideBytes * frame.heightPx) return `${frame.data.length} bytes of pixels`;
    if (frame.seq === 0) lastSeq = -1;
    if (frame.seq <= lastSeq) return `seq ${frame.seq} after ${lastSeq}`;
    lastSeq = frame.seq;
    return undefined;
  });
}
