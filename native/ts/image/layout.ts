/** The layout fields of a frame as the binding takes them (internal to the image wrappers; not re-exported). */
import type { Binding } from '../binding.js';
import type { FrameView } from './letterbox.js';

export function frameLayout(frame: FrameView): Binding.FrameLayout {
  const layout: Binding.FrameLayout = { widthPx: frame.widthPx, heightPx: frame.heightPx, format: frame.format };
  if (frame.strideBytes !== undefined) layout.strideBytes = frame.strideBytes;
  return layout;
}
