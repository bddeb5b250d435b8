/**
 * Browser script, part of `/hud.js`: the display view — the HUD as the wearer sees it, on a canvas of the
 * display profile's size, redrawn every display frame. Before each frame it latches the newest pose (the
 * `predicted` one, else `vio`) and projects the AR tabs and the horizon with it (`project-js.ts`); layouts
 * (cards, text walls, lists, notifications, toasts) and the status widgets are drawn in canvas 2D in the
 * scene's z order. Pacing: `requestAnimationFrame` (the display's own rate), or with `?pacing=timer` the
 * page's own clock at the profile's `refreshHz` (for headless runs with `--disable-frame-rate-limit`, where
 * the display has no rate of its own). After each frame a MessageChannel message marks when the frame's
 * rendering update (paint) is done; the render log keeps, per frame, the pose used and that time.
 * Rules for this text: no backticks and no dollar-brace (it is a `String.raw` template).
 */
export const DISPLAY_JS = String.raw`
var TAB_COLOR = '#ffd54f';
var PRIORITY_COLORS = { critical: '#ef5350', high: '#ffb74d', normal: '#4dd0e1', low: '#90a4ae' };
var RENDER_LOG_MAX = 4000;

var display = {
  profile: null,
  eye: null,
  canvas: null,
  ctx: null,
  background: null,
  poses: { predicted: null, vio: null },
  /** Running mean of a frame's draw start to its paint, ms (for carryPose). */
  paintDelayMs: 0,
  scene: null,
  rects: [],
  localFocus: null,
  pacing: 'raf',
  hooks: null
};

function nowEpochMs() { return performance.timeOrigin + performance.now(); }

/** The pose to draw with: the newest predicted one with a position, else the newest vio one. */
function latchPose() {
  var pr = display.poses.predicted, vi = display.poses.vio;
  if (pr && pr.p && (!vi || pr.tNs >= vi.tNs)) return pr;
  if (vi) return vi;
  return pr;
}

/** Longest carry of a latched pose to the frame's time, ns: the prediction's own cap (a stalled runtime must not fling the view). */
var MAX_CARRY_NS = 100e6;

/**
 * The latched pose carried on to the time this frame's pixels appear (frame start + the page's own running mean of
 * draw-to-paint time): q ⊗ Exp(ω δt) with the body rate the prediction used, p + v δt. δt is that time on the
 * runtime clock (the pose's bus time and host time, the page's clock offset to the server, the clock's rate) minus
 * the pose's time, capped at ±MAX_CARRY_NS. Returns the pose unchanged (carryNs 0) on the virtual clock, before the
 * clock offset is known, or for poses without a rate.
 */
function carryPose(pose, frameMs) {
  if (!pose || !pose.omega || !(pose.clockRate > 0) || hud.clock.offsetMs === null || typeof pose.busNs !== 'number') return pose;
  var photonMs = frameMs + display.paintDelayMs;
  var nowNs = pose.busNs + (photonMs + hud.clock.offsetMs - pose.sentMs) * 1e6 * pose.clockRate;
  var dtNs = Math.max(-MAX_CARRY_NS, Math.min(MAX_CARRY_NS, nowNs - pose.tNs));
  var dt = dtNs * 1e-9, w = pose.omega;
  var th = Math.sqrt(w[0] * w[0] + w[1] * w[1] + w[2] * w[2]) * dt;
  var s = th > 1e-12 ? Math.sin(th / 2) / (th / dt) : dt / 2;
  var dq = [Math.cos(th / 2), w[0] * s, w[1] * s, w[2] * s];
  var p = pose.p;
  if (p && pose.v) p = [p[0] + pose.v[0] * dt, p[1] + pose.v[1] * dt, p[2] + pose.v[2] * dt];
  return { source: pose.source, tNs: pose.tNs + dtNs, q: qnormalize(qmul(pose.q, dq)), p: p, sentMs: pose.sentMs, recvMs: pose.recvMs, horizonNs: pose.horizonNs, carryNs: dtNs, latched: pose };
}

function roundRect(ctx, x, y, w, h, r) {
  ctx.beginPath();
  ctx.moveTo(x + r, y);
  ctx.arcTo(x + w, y, x + w, y + h, r);
  ctx.arcTo(x + w, y + h, x, y + h, r);
  ctx.arcTo(x, y + h, x, y, r);
  ctx.arcTo(x, y, x + w, y, r);
  ctx.closePath();
}

/** Words of text wrapped to maxW px; at most maxLines lines (the last ends with an ellipsis when cut). */
function wrap(ctx, text, maxW, maxLines) {
  var words = String(text || '').split(/\s+/), lines = [], line = '';
  for (var i = 0; i < words.length; i += 1) {
    var t = line ? line + ' ' + words[i] : words[i];
    if (ctx.measureText(t).width > maxW && line) { lines.push(line); line = words[i]; } else line = t;
    if (lines.length === maxLines) break;
  }
  if (line && lines.length < maxLines) lines.push(line);
  return lines;
}

/** A box with a coloured edge, a title and wrapped body lines; returns its rect. */
function drawBox(ctx, e, x, y, w, fontPx, focused) {
  ctx.font = '700 ' + fontPx + 'px system-ui, sans-serif';
  var body = e.items ? e.items.map(function (s) { return '\u2022 ' + s; }) : [];
  ctx.font = '400 ' + Math.round(fontPx * 0.85) + 'px system-ui, sans-serif';
  var maxLines = e.kind === 'text-wall' ? 14 : 5;
  var bodyLines = e.body ? wrap(ctx, e.body, w - 20, maxLines) : [];
  var lineH = Math.round(fontPx * 1.25);
  var h = 14 + lineH + (bodyLines.length + body.length) * Math.round(lineH * 0.9) + 6;
  ctx.fillStyle = 'rgba(8, 14, 22, 0.82)';
  roundRect(ctx, x, y, w, h, 8);
  ctx.fill();
  ctx.strokeStyle = focused ? '#ffffff' : PRIORITY_COLORS[e.priority] || '#4dd0e1';
  ctx.lineWidth = focused ? 3 : 2;
  ctx.stroke();
  ctx.fillStyle = PRIORITY_COLORS[e.priority] || '#4dd0e1';
  ctx.fillRect(x, y + 8, 4, h - 16);
  ctx.textBaseline = 'top';
  ctx.fillStyle = '#f2f6fa';
  ctx.font = '700 ' + fontPx + 'px system-ui, sans-serif';
  ctx.fillText(String(e.title || ''), x + 12, y + 8, w - 20);
  ctx.font = '400 ' + Math.round(fontPx * 0.85) + 'px system-ui, sans-serif';
  ctx.fillStyle = '#c9d4df';
  var ly = y + 8 + lineH;
  bodyLines.concat(body).forEach(function (l) { ctx.fillText(l, x + 12, ly, w - 20); ly += Math.round(lineH * 0.9); });
  return { x: x, y: y, w: w, h: h };
}

/** The horizon: world directions around the view's heading projected with the latched pose. */
function drawHorizon(ctx, profile, T_world_eye) {
  var fwd = qrot(T_world_eye.q, [0, 0, 1]);
  var yaw = Math.atan2(fwd[1], fwd[0]);
  // Only directions inside the field of view (plus a margin) and points near the canvas: outside it the lens
  // model means nothing, and a dashed line thousands of pixels long costs software rasterisers tens of ms a frame.
  var pts = [], W = profile.widthPx, H = profile.heightPx;
  var half = profile.fovDeg[0] / 2 + 10;
  for (var a = -half; a <= half + 1e-9; a += half / 20) {
    var t = yaw + a * Math.PI / 180;
    var px = projectWorldDirection(profile, T_world_eye.q, [Math.cos(t), Math.sin(t), 0]);
    if (px && px.u > -W && px.u < 2 * W && px.v > -H && px.v < 2 * H) pts.push(px);
  }
  if (pts.length < 2) return null;
  ctx.save();
  ctx.strokeStyle = 'rgba(120, 230, 160, 0.8)';
  ctx.lineWidth = 2;
  ctx.setLineDash([10, 6]);
  ctx.beginPath();
  pts.forEach(function (p, i) { if (i === 0) ctx.moveTo(p.u, p.v); else ctx.lineTo(p.u, p.v); });
  ctx.stroke();
  ctx.restore();
  return pts.length;
}

/** An AR tab: a marker on the projected world point and a label box above it; returns {u, v, rect} or null. */
function drawTab(ctx, profile, T_world_eye, tab, fontPx, focused) {
  var p = projectWorldPoint(profile, T_world_eye, tab.p_world_m);
  if (!p) return null;
  ctx.save();
  ctx.fillStyle = TAB_COLOR;
  ctx.strokeStyle = '#1b1300';
  ctx.lineWidth = 2;
  ctx.beginPath();
  ctx.arc(p.u, p.v, 6, 0, 2 * Math.PI);
  ctx.fill();
  ctx.stroke();
  ctx.strokeStyle = TAB_COLOR;
  ctx.beginPath();
  ctx.moveTo(p.u, p.v - 6);
  ctx.lineTo(p.u, p.v - 28);
  ctx.stroke();
  ctx.restore();
  var w = Math.min(220, profile.widthPx / 3);
  var rect = drawBox(ctx, { title: tab.title, body: tab.body, priority: tab.priority, kind: 'tab' }, p.u - w / 2, p.v - 28 - (fontPx * 3.4), w, fontPx, focused);
  return { u: p.u, v: p.v, depthM: p.depthM, rect: rect };
}

function statusText(scene) {
  var parts = [];
  if (scene.battery && typeof scene.battery.percent === 'number') parts.push('\u25ae ' + Math.round(scene.battery.percent) + '%' + (scene.battery.charging ? ' \u26a1' : ''));
  if (scene.thermal && typeof scene.thermal.tempC === 'number') parts.push(scene.thermal.tempC.toFixed(0) + ' \u00b0C');
  if (scene.profile) parts.push(scene.profile);
  return parts.join('   ');
}

/** Draws one display frame with the latched pose; returns what the render log keeps. */
function renderDisplay(frameMs) {
  var ctx = display.ctx, profile = display.profile, scene = display.scene || {};
  var W = profile.widthPx, H = profile.heightPx;
  var fontPx = Math.max(12, Math.round(W / 48));
  if (display.background) ctx.drawImage(display.background, 0, 0, W, H);
  else { ctx.fillStyle = '#000'; ctx.fillRect(0, 0, W, H); }
  var pose = carryPose(latchPose(), frameMs);
  var T = pose ? eyePose(pose, display.eye) : null;
  var layout = scene.layout || { elements: [], hidden: [], focusId: null, queuedCards: 0 };
  var focus = display.localFocus || layout.focusId;
  var rects = [], tabsDrawn = [], toastY = 10, elementsDrawn = [];
  var elements = layout.elements.concat((scene.tabs || []).map(function (t) { return { id: t.id, kind: 'tab', z: t.z, tab: t }; }));
  elements.sort(function (a, b) { return a.z - b.z; });
  for (var i = 0; i < elements.length; i += 1) {
    var e = elements[i], r = null;
    if (e.kind === 'horizon') { if (T) drawHorizon(ctx, profile, T); }
    else if (e.kind === 'detections') {
      var objs = scene.detections && Array.isArray(scene.detections.objects) ? scene.detections.objects : [];
      var label = objs.length === 0 ? 'no objects' : objs.slice(0, 3).map(function (o) { return o.label + ' ' + Math.round(o.score * 100) + '%'; }).join(' \u00b7 ');
      ctx.font = '600 ' + fontPx + 'px system-ui, sans-serif';
      ctx.textBaseline = 'bottom';
      ctx.fillStyle = 'rgba(8, 14, 22, 0.7)';
      ctx.fillRect(8, H - fontPx - 18, ctx.measureText('\u25a3 ' + label).width + 16, fontPx + 12);
      ctx.fillStyle = '#4dd0e1';
      ctx.fillText('\u25a3 ' + label, 16, H - 12);
    } else if (e.kind === 'battery' || e.kind === 'thermal') {
      if (e.kind === 'battery' || !layout.elements.some(function (x) { return x.kind === 'battery'; })) {
        ctx.font = '600 ' + fontPx + 'px system-ui, sans-serif';
        ctx.textBaseline = 'top';
        ctx.fillStyle = 'rgba(8, 14, 22, 0.7)';
        var st = statusText(scene);
        ctx.fillRect(8, 8, ctx.measureText(st).width + 16, fontPx + 10);
        ctx.fillStyle = e.priority === 'high' ? '#ef5350' : '#dbe4ee';
        ctx.fillText(st, 16, 13);
      }
    } else if (e.kind === 'tab') {
      if (T) {
        var t = drawTab(ctx, profile, T, e.tab, fontPx, focus === e.id);
        if (t) { tabsDrawn.push({ id: e.id, u: t.u, v: t.v, depthM: t.depthM }); r = t.rect; }
      }
    } else if (e.kind === 'card' || e.kind === 'text-wall') {
      var cw = e.kind === 'text-wall' ? W * 0.7 : Math.min(W * 0.5, 420);
      r = drawBox(ctx, e, (W - cw) / 2, H * 0.3, cw, fontPx, focus === e.id);
      if (layout.queuedCards > 0) {
        ctx.fillStyle = '#c9d4df';
        ctx.fillText('+' + layout.queuedCards + ' more  \u2190 \u2192', (W - cw) / 2 + 12, r.y + r.h + 4);
      }
    } else if (e.kind === 'list') {
      r = drawBox(ctx, e, 10, H * 0.2, Math.min(W * 0.28, 240), fontPx, focus === e.id);
    } else if (e.kind === 'toast' || e.kind === 'notification') {
      var tw = Math.min(W * 0.36, 300);
      r = drawBox(ctx, e, W - tw - 10, toastY + (fontPx + 20), tw, Math.round(fontPx * 0.9), focus === e.id);
      toastY += r.h + 8;
    }
    if (r) { rects.push({ id: e.id, kind: e.kind, x: r.x, y: r.y, w: r.w, h: r.h }); elementsDrawn.push(e.id); }
  }
  display.rects = rects;
  return { pose: pose, tabs: tabsDrawn, elements: elementsDrawn };
}

/** One display frame: late-latch, draw, then note when its rendering update is over. */
function displayFrame() {
  var drawStartMs = nowEpochMs();
  var out = renderDisplay(drawStartMs);
  var h = display.hooks;
  h.framesRendered += 1;
  var entry = {
    n: h.framesRendered, drawMs: drawStartMs, paintMs: null,
    poseSource: out.pose ? out.pose.source : null, poseTNs: out.pose ? (out.pose.latched || out.pose).tNs : null,
    poseSentMs: out.pose ? out.pose.sentMs : null, poseRecvMs: out.pose ? out.pose.recvMs : null,
    poseHorizonNs: out.pose ? out.pose.horizonNs : null, carryNs: out.pose && out.pose.carryNs ? out.pose.carryNs : 0,
    tabs: out.tabs
  };
  h.last = entry;
  h.elements = out.elements;
  h.rects = display.rects;
  h.log.push(entry);
  if (h.log.length > RENDER_LOG_MAX) h.log.shift();
  afterPaint(function () {
    entry.paintMs = nowEpochMs();
    display.paintDelayMs += 0.1 * (entry.paintMs - drawStartMs - display.paintDelayMs);
  });
}

var paintChannel = new MessageChannel();
var paintCallbacks = [];
paintChannel.port1.onmessage = function () { var cb = paintCallbacks.shift(); if (cb) cb(); };
/** Runs cb in the task after the current rendering update (its paint is done by then). */
function afterPaint(cb) { paintCallbacks.push(cb); paintChannel.port2.postMessage(0); }

/** Starts the display loop: rAF, or the page's own clock at the profile's refresh rate (?pacing=timer). */
function startDisplayLoop() {
  if (display.pacing === 'timer') {
    var periodMs = 1000 / display.profile.refreshHz;
    var next = performance.now() + periodMs;
    var tick = function () {
      requestAnimationFrame(displayFrame);
      next += periodMs;
      var now = performance.now();
      if (next < now) next = now + periodMs - ((now - next) % periodMs);
      setTimeout(tick, next - now);
    };
    setTimeout(tick, periodMs);
  } else {
    var loop = function () { displayFrame(); requestAnimationFrame(loop); };
    requestAnimationFrame(loop);
  }
}
`;
