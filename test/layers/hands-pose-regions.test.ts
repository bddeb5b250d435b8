/**
 * Pose-guided hand regions (MediaPipe Holistic's hand regions from the body pose): the square placed at a
 * wrist from the forearm, and the re-crop square around landmarks. The models themselves are exercised on
 * real frames by hands-presence.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { HAND_REACH, HAND_SIDE_SCALE, MIN_HAND_SIDE_PX, handRegionFromArm, squareAround } from '../../src/layers/intelligence/hands/pose-hand-regions.js';

describe('handRegionFromArm', () => {
  it('centres the square beyond the wrist along elbow→wrist, side ∝ forearm length', () => {
    // forearm pointing up (elbow below the wrist), 100 px long
    const [x0, y0, x1, y1] = handRegionFromArm([100, 200], [100, 300]);
    expect((x0 + x1) / 2).toBeCloseTo(100, 9);
    expect((y0 + y1) / 2).toBeCloseTo(200 - HAND_REACH * 100, 9);
    expect(x1 - x0).toBeCloseTo(HAND_SIDE_SCALE * 100, 9);
    expect(y1 - y0).toBeCloseTo(HAND_SIDE_SCALE * 100, 9);
  });

  it('follows a slanted forearm and keeps a minimum side for a foreshortened one', () => {
    const [x0, y0, x1, y1] = handRegionFromArm([330, 240], [300, 280], 0.5, 1.4, 24); // 30-40-50 triangle
    expect([(x0 + x1) / 2, (y0 + y1) / 2]).toEqual([345, 220]);
    expect(x1 - x0).toBeCloseTo(70, 9);
    const tiny = handRegionFromArm([50, 50], [50, 52]);
    expect(tiny[2] - tiny[0]).toBe(MIN_HAND_SIDE_PX);
  });

  it('rejects keypoints that are not finite, naming them', () => {
    expect(() => handRegionFromArm([Number.NaN, 1], [0, 0])).toThrow('hand region: wrist [NaN, 1] and elbow [0, 0] must be finite pixels');
  });
});

describe('squareAround', () => {
  it('is a square of scale × the larger extent around the extent centre', () => {
    expect(squareAround([[10, 20], [30, 60], [20, 40]], 1.5)).toEqual([-10, 10, 50, 70]);
  });
});
