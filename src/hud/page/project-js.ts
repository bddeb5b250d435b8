/**
 * Browser script, part of `/hud.js`: the projection the page uses for world-anchored content, late-latched
 * before each frame. Quaternions Hamilton `[w, x, y, z]`; `T_world_eye = T_world_body · T_body_eye`;
 * `p_eye = R_world_eyeᵀ (p_world − p_world_eye)`; then pinhole + radial-tangential distortion (`k1, k2, p1, p2`,
 * OpenCV `projectPoints`, the same model as `src/layers/intelligence/anchors/geometry.ts` `projectPoint`;
 * `test/hud/display-profile.test.ts` checks they agree). Points nearer than 0.05 m in front of the eye give null.
 * Rules for this text: no backticks and no dollar-brace (it is a `String.raw` template).
 */
export const PROJECT_JS = String.raw`
var MIN_DEPTH_M = 0.05;

function qmul(a, b) {
  return [
    a[0] * b[0] - a[1] * b[1] - a[2] * b[2] - a[3] * b[3],
    a[0] * b[1] + a[1] * b[0] + a[2] * b[3] - a[3] * b[2],
    a[0] * b[2] - a[1] * b[3] + a[2] * b[0] + a[3] * b[1],
    a[0] * b[3] + a[1] * b[2] - a[2] * b[1] + a[3] * b[0]
  ];
}

function qconj(q) { return [q[0], -q[1], -q[2], -q[3]]; }

function qnormalize(q) {
  var n = Math.hypot(q[0], q[1], q[2], q[3]) || 1;
  return [q[0] / n, q[1] / n, q[2] / n, q[3] / n];
}

/** Rotate vector v by unit quaternion q. */
function qrot(q, v) {
  var w = q[0], x = q[1], y = q[2], z = q[3];
  var tx = 2 * (y * v[2] - z * v[1]);
  var ty = 2 * (z * v[0] - x * v[2]);
  var tz = 2 * (x * v[1] - y * v[0]);
  return [v[0] + w * tx + (y * tz - z * ty), v[1] + w * ty + (z * tx - x * tz), v[2] + w * tz + (x * ty - y * tx)];
}

/** The eye's pose in the world for a body pose {q, p} and an eye {q_body_eye, p_body_eye_m}: {q, p} = T_world_eye. */
function eyePose(pose, eye) {
  var q = qnormalize(qmul(pose.q, eye.q_body_eye));
  var o = qrot(pose.q, eye.p_body_eye_m);
  var p = pose.p ? [pose.p[0] + o[0], pose.p[1] + o[1], pose.p[2] + o[2]] : null;
  return { q: q, p: p };
}

/** Normalised image point (x/z, y/z) → pixel through the profile's distortion and intrinsics. */
function toPixel(profile, x, y) {
  var k = profile.intrinsics;
  var xd = x, yd = y;
  if (profile.distortionModel === 'radial-tangential') {
    var d = profile.distortion;
    var k1 = d[0] || 0, k2 = d[1] || 0, p1 = d[2] || 0, p2 = d[3] || 0;
    var r2 = x * x + y * y;
    var radial = 1 + k1 * r2 + k2 * r2 * r2;
    xd = x * radial + 2 * p1 * x * y + p2 * (r2 + 2 * x * x);
    yd = y * radial + p1 * (r2 + 2 * y * y) + 2 * p2 * x * y;
  }
  return [k[0] * xd + k[2], k[1] * yd + k[3]];
}

/** Pixel of world point pw (m) seen from eye pose T_world_eye ({q, p}); null behind or too near, or without a position. */
function projectWorldPoint(profile, T_world_eye, pw) {
  if (!T_world_eye.p) return null;
  var rel = [pw[0] - T_world_eye.p[0], pw[1] - T_world_eye.p[1], pw[2] - T_world_eye.p[2]];
  var pe = qrot(qconj(T_world_eye.q), rel);
  if (!(pe[2] > MIN_DEPTH_M)) return null;
  var px = toPixel(profile, pe[0] / pe[2], pe[1] / pe[2]);
  return { u: px[0], v: px[1], depthM: pe[2] };
}

/** Pixel of a world direction (a point at infinity), or null when it points behind the eye. */
function projectWorldDirection(profile, q_world_eye, dir) {
  var de = qrot(qconj(q_world_eye), dir);
  if (!(de[2] > 1e-3)) return null;
  var px = toPixel(profile, de[0] / de[2], de[1] / de[2]);
  return { u: px[0], v: px[1] };
}
`;
