/**
 * Browser script, last part of `/hud.js`: the WebSocket client (reconnecting), frame decoding (keep-latest,
 * one `createImageBitmap` in flight per view), detection matching, the DOM panels, the display view's setup
 * (`display-js.ts`: poses for late latching, the background camera, clock pings) and the test hooks
 * (`window.__hud`, `data-*` on `#hud`; see `docs/hud.md`). Uses the functions of the other parts.
 * Rules for this text: no backticks and no dollar-brace (it is a `String.raw` template).
 */
export const MAIN_JS = String.raw`
var params = new URLSearchParams(location.search);
/** Boxes are drawn when |shown frame seq - detections frameSeq| <= this many frames (?maxLag=N). */
var MAX_LAG_FRAMES = params.has('maxLag') && Number.isFinite(Number(params.get('maxLag'))) ? Number(params.get('maxLag')) : 5;
/** ?view=display: only the display view, fullscreen on black (kiosk mode on the glasses). */
var DISPLAY_ONLY = params.get('view') === 'display';
/** Clock pings sent on each connection (the one with the shortest round trip gives the offset). */
var CLOCK_PINGS = 8;
var RECONNECT_MIN_MS = 250;
var RECONNECT_MAX_MS = 4000;
var FRAME_MAGIC = 0x3146484b;
/** Bus topics listed (those with drops first, then the busiest). */
var BUS_ROWS = 6;

var root = document.getElementById('hud');
var worldCanvas = document.getElementById('world');
var worldCtx = worldCanvas.getContext('2d');
var attitudeCanvas = document.getElementById('attitude');
var textDecoder = new TextDecoder();

var hud = {
  connected: false,
  connects: 0,
  framesReceived: 0,
  framesDrawn: 0,
  lastFrameSeq: null,
  lastFrameDeviceId: null,
  boxesDrawn: 0,
  lastBoxes: [],
  detectionLagFrames: null,
  attitude: null,
  scenes: 0,
  lastScene: null,
  stats: null,
  link: null,
  decodeErrors: 0,
  badMessages: 0,
  maxLagFrames: MAX_LAG_FRAMES,
  inputsSent: 0,
  posesReceived: 0,
  /** Server epoch ms − page epoch ms (from the ping with the shortest round trip), and that round trip. */
  clock: { offsetMs: null, rttMs: null, samples: 0 },
  /** The display view: null until a hello with a display profile. */
  display: null
};
window.__hud = hud;

/** Detections of recent frames: frameSeq -> { objects, deviceId }, insertion-ordered, at most DET_HISTORY. */
var detections = new Map();
var DET_HISTORY = 64;
var shown = null;
var worldDecoder = makeDecoder(onWorldBitmap);
var backgroundDecoder = makeDecoder(onBackgroundBitmap);
var reconnectMs = RECONNECT_MIN_MS;
var socket = null;
var sawOtherCamera = false;

function sendToServer(obj) {
  if (socket && socket.readyState === 1) socket.send(JSON.stringify(obj));
}

function el(id) { return document.getElementById(id); }
function setText(id, text) { var e = el(id); if (e && e.textContent !== text) e.textContent = text; }
function num(v) { return typeof v === 'number' && Number.isFinite(v); }
function fmt(v, digits, unit) { return num(v) ? v.toFixed(digits) + (unit || '') : '\u2014'; }
function signed(v, digits) { return num(v) ? (v >= 0 ? '+' : '\u2212') + Math.abs(v).toFixed(digits) : '\u2014'; }
function ms(ns, digits) { return num(ns) ? (ns / 1e6).toFixed(digits) + ' ms' : '\u2014'; }
function clamp01(v) { return Math.max(0, Math.min(1, v)); }

/** Mirror the hooks on the root element as data-* attributes (for tests that only read the DOM). */
function publishHooks() {
  var d = root.dataset;
  d.connected = String(hud.connected);
  d.framesDrawn = String(hud.framesDrawn);
  d.lastFrameSeq = hud.lastFrameSeq === null ? '' : String(hud.lastFrameSeq);
  d.boxesDrawn = String(hud.boxesDrawn);
  d.scenes = String(hud.scenes);
  d.rollDeg = hud.attitude ? String(hud.attitude.rollDeg) : '';
  d.pitchDeg = hud.attitude ? String(hud.attitude.pitchDeg) : '';
  d.yawDeg = hud.attitude ? String(hud.attitude.yawDeg) : '';
}

/** Parse a binary frame message (layout: docs/hud.md, "Frame messages"); null when malformed. */
function parseFrame(buf) {
  if (buf.byteLength < 24) return null;
  var dv = new DataView(buf);
  if (dv.getUint32(0, true) !== FRAME_MAGIC) return null;
  var headerBytes = dv.getUint16(4, true);
  var idBytes = dv.getUint8(7);
  if (headerBytes !== 24 + idBytes || buf.byteLength <= headerBytes) return null;
  return {
    role: dv.getUint8(6) === 0 ? 'world' : 'tracking',
    seq: dv.getUint32(8, true),
    widthPx: dv.getUint16(12, true),
    heightPx: dv.getUint16(14, true),
    tNs: dv.getFloat64(16, true),
    deviceId: textDecoder.decode(new Uint8Array(buf, 24, idBytes)),
    jpeg: new Uint8Array(buf, headerBytes)
  };
}

function onFrameMessage(buf) {
  var f = parseFrame(buf);
  if (f === null) { hud.badMessages += 1; return; }
  var bg = hud.display !== null && display.profile.backgroundCameraId === f.deviceId;
  if (bg && !DISPLAY_ONLY) backgroundDecoder.push(f);
  // The background camera is also the shown one until the server has frames of another camera to show.
  if (!bg) sawOtherCamera = true;
  else if (sawOtherCamera) return;
  hud.framesReceived += 1;
  worldDecoder.push(f);
}

/** Keep-latest JPEG decoding: one createImageBitmap at a time; frames that arrive meanwhile replace each other. */
function makeDecoder(onBitmap) {
  var pending = null, busy = false;
  async function run() {
    busy = true;
    while (pending !== null) {
      var f = pending;
      pending = null;
      try {
        onBitmap(f, await createImageBitmap(new Blob([f.jpeg], { type: 'image/jpeg' })));
      } catch (err) {
        hud.decodeErrors += 1;
      }
    }
    busy = false;
    publishHooks();
  }
  return { push: function (f) { pending = f; if (!busy) void run(); } };
}

function onWorldBitmap(f, bitmap) {
  if (shown !== null) shown.bitmap.close();
  shown = { frame: f, bitmap: bitmap };
  hud.framesDrawn += 1;
  hud.lastFrameSeq = f.seq;
  hud.lastFrameDeviceId = f.deviceId;
  renderWorld();
  setText('page-frames', hud.framesDrawn + ' drawn \u00b7 ' + hud.decodeErrors + ' decode errors');
}

function onBackgroundBitmap(f, bitmap) {
  if (display.background) display.background.close();
  display.background = bitmap;
  hud.display.backgroundFrames += 1;
  hud.display.lastBackgroundSeq = f.seq;
}

/** Sets up the display view for a profile (once per page: the display does not change within a run). */
function setUpDisplay(profile) {
  if (hud.display !== null) return;
  var eyeName = params.get('eye') || 'center';
  var eye = profile.eyes.filter(function (e) { return e.name === eyeName; })[0] || profile.eyes[0];
  var canvas = el('display');
  canvas.width = profile.widthPx;
  canvas.height = profile.heightPx;
  display.profile = profile;
  display.eye = eye;
  display.canvas = canvas;
  display.ctx = canvas.getContext('2d');
  display.pacing = params.get('pacing') === 'timer' ? 'timer' : 'raf';
  display.hooks = { profile: profile.name, eye: eye.name, pacing: display.pacing, refreshHz: profile.refreshHz, framesRendered: 0, backgroundFrames: 0, lastBackgroundSeq: null, last: null, log: [], elements: [], rects: [] };
  hud.display = display.hooks;
  root.classList.add('has-display');
  setText('display-caption', profile.name + ' \u00b7 ' + profile.widthPx + '\u00d7' + profile.heightPx + ' \u00b7 ' + profile.fovDeg[0].toFixed(1) + '\u00b0 \u00d7 ' + profile.fovDeg[1].toFixed(1) + '\u00b0 \u00b7 ' + profile.refreshHz + ' Hz \u00b7 eye ' + eye.name + ' \u00b7 ' + display.pacing);
  installInput();
  startDisplayLoop();
}

function onPose(msg) {
  if (msg.source !== 'predicted' && msg.source !== 'vio') return;
  if (!Array.isArray(msg.q) || msg.q.length !== 4) { hud.badMessages += 1; return; }
  hud.posesReceived += 1;
  msg.recvMs = nowEpochMs();
  display.poses[msg.source] = msg;
}

function onPong(msg) {
  var t1 = nowEpochMs();
  var rtt = t1 - msg.t0Ms;
  hud.clock.samples += 1;
  if (hud.clock.rttMs === null || rtt < hud.clock.rttMs) {
    hud.clock.rttMs = rtt;
    hud.clock.offsetMs = msg.serverMs - (msg.t0Ms + t1) / 2;
  }
}

function pingClock(n) {
  if (n <= 0) return;
  sendToServer({ type: 'ping', t0Ms: nowEpochMs() });
  setTimeout(function () { pingClock(n - 1); }, 50);
}

/** Remember the scene's detections by the seq of the frame they were computed on. */
function rememberDetections(s) {
  var d = s.detections;
  if (!d || !Array.isArray(d.objects) || !num(d.frameSeq) || detections.has(d.frameSeq)) return;
  detections.set(d.frameSeq, { objects: d.objects, deviceId: s.world ? s.world.deviceId : null });
  if (detections.size > DET_HISTORY) detections.delete(detections.keys().next().value);
}

/**
 * The detections for the frame shown: those of the nearest frameSeq among recent scenes, from the same
 * camera (when the scene names it), at most MAX_LAG_FRAMES frames away; null when there are none.
 */
function matchDetections(f) {
  var best = null;
  detections.forEach(function (d, seq) {
    if (d.deviceId !== null && d.deviceId !== f.deviceId) return;
    var lag = f.seq - seq;
    if (Math.abs(lag) <= MAX_LAG_FRAMES && (best === null || Math.abs(lag) < Math.abs(best.lag))) {
      best = { lag: lag, objects: d.objects };
    }
  });
  return best;
}

function renderWorld() {
  if (shown === null) return;
  var f = shown.frame;
  if (worldCanvas.width !== f.widthPx || worldCanvas.height !== f.heightPx) {
    worldCanvas.width = f.widthPx;
    worldCanvas.height = f.heightPx;
  }
  worldCtx.drawImage(shown.bitmap, 0, 0, f.widthPx, f.heightPx);
  var match = matchDetections(f);
  var boxes = match ? drawBoxes(worldCtx, match.objects, f.widthPx) : [];
  hud.lastBoxes = boxes;
  hud.boxesDrawn += boxes.length;
  hud.detectionLagFrames = match ? match.lag : null;
  setText('frame-caption', f.deviceId + ' (' + f.role + ') \u00b7 frame ' + f.seq + ' \u00b7 ' + f.widthPx + '\u00d7' + f.heightPx +
    ' \u00b7 ' + (match ? boxes.length + ' object(s), lag ' + match.lag + ' frame(s)' : 'no detections for this frame'));
}

function onScene(s) {
  hud.scenes += 1;
  hud.lastScene = s;
  rememberDetections(s);
  if (s.attitude && num(s.attitude.rollDeg) && num(s.attitude.pitchDeg)) {
    hud.attitude = { rollDeg: s.attitude.rollDeg, pitchDeg: s.attitude.pitchDeg, yawDeg: s.attitude.yawDeg };
  }
  drawAttitude(attitudeCanvas, hud.attitude);
  renderAttitudeReadouts(hud.attitude);
  renderDevice(s);
  renderWorld();
  display.scene = s;
  publishHooks();
}

/** Heading: clockwise 0-359 deg, = -yaw mod 360 (yaw is counter-clockwise about world z, up). */
function headingDeg(yawDeg) { return num(yawDeg) ? ((-yawDeg % 360) + 360) % 360 : null; }

function renderAttitudeReadouts(a) {
  setText('roll', a ? signed(a.rollDeg, 1) + '\u00b0' : '\u2014');
  setText('pitch', a ? signed(a.pitchDeg, 1) + '\u00b0' : '\u2014');
  var h = a ? headingDeg(a.yawDeg) : null;
  setText('heading', h === null ? '\u2014' : String(Math.round(h) % 360).padStart(3, '0') + '\u00b0');
}

function renderDevice(s) {
  var t = s.thermal;
  setText('temp', t && num(t.tempC) ? t.tempC.toFixed(1) + ' \u00b0C' : '\u2014');
  setText('temp-zone', t ? String(t.zone) : '');
  el('temp').className = 'value ' + (t && t.tempC >= 75 ? 'hot' : t && t.tempC >= 60 ? 'warm' : '');
  var b = s.battery || {};
  setText('battery', num(b.percent) ? Math.round(b.percent) + ' %' : '\u2014');
  var detail = [];
  if (typeof b.charging === 'boolean') detail.push(b.charging ? 'charging' : 'on battery');
  if (num(b.voltageV)) detail.push(b.voltageV.toFixed(2) + ' V');
  setText('battery-detail', detail.join(' \u00b7 '));
  el('battery-bar').style.width = num(b.percent) ? clamp01(b.percent / 100) * 100 + '%' : '0%';
  el('battery-bar').className = 'fill ' + (num(b.percent) && b.percent < 15 ? 'low' : '');
  var profile = typeof s.profile === 'string' ? s.profile : null;
  setText('profile', profile || 'no profile');
  el('profile').className = 'badge profile-' + (profile || 'none');
  var db = s.micLevelDbfs;
  setText('mic', num(db) ? db.toFixed(1) + ' dBFS' : '\u2014');
  el('mic-bar').style.width = num(db) ? clamp01((db + 60) / 60) * 100 + '%' : '0%';
}

function renderStats(st, link) {
  hud.stats = st;
  hud.link = link || null;
  setText('session', String(st.sessionName));
  setText('mode', st.mode + (num(st.speed) ? ' \u00d7' + st.speed : ''));
  var tick = st.tick || {};
  setText('tick-hz', fmt(tick.hz, 0, ' Hz'));
  setText('late-p50', tick.lateness ? ms(tick.lateness.p50Ns, 2) : 'virtual clock');
  setText('late-p99', tick.lateness ? ms(tick.lateness.p99Ns, 2) : '\u2014');
  setText('late-max', tick.lateness ? ms(tick.lateness.maxNs, 2) : '\u2014');
  setText('overruns', fmt(tick.overruns, 0, ''));
  var topics = Array.isArray(st.bus) ? st.bus.slice() : [];
  var dropped = topics.reduce(function (a, t) { return a + (num(t.dropped) ? t.dropped : 0); }, 0);
  setText('bus-drops', String(dropped));
  topics = topics.filter(function (t) { return t.published > 0 || t.dropped > 0; });
  topics.sort(function (a, b) { return b.dropped - a.dropped || b.published - a.published; });
  setText('bus-more', topics.length > BUS_ROWS ? '+' + (topics.length - BUS_ROWS) + ' more topic(s)' : '');
  var rows = topics.slice(0, BUS_ROWS).map(function (t) {
    var tr = document.createElement('tr');
    [t.topic, String(t.published), String(t.dropped), ms(t.p99LatencyNs, 2)].forEach(function (v, i) {
      var td = document.createElement('td');
      td.textContent = v;
      if (i === 2 && t.dropped > 0) td.className = 'warn';
      tr.appendChild(td);
    });
    return tr;
  });
  el('bus-rows').replaceChildren.apply(el('bus-rows'), rows);
  var det = st.detections;
  setText('det-fps', det ? fmt(det.fps, 1, ' /s') : 'off');
  setText('det-inference', det ? fmt(det.inferenceP50Ms, 1, ' ms') : '\u2014');
  var p = st.progress || {};
  var frac = num(p.durationNs) && p.durationNs > 0 ? clamp01(p.tNs / p.durationNs) : null;
  el('progress-bar').style.width = frac === null ? '0%' : frac * 100 + '%';
  setText('progress', fmt(num(p.tNs) ? p.tNs / 1e9 : null, 1, ' s') +
    (num(p.durationNs) ? ' / ' + (p.durationNs / 1e9).toFixed(1) + ' s' : ' (live)'));
  setText('link', link ? link.framesSent + ' frames \u00b7 ' + link.scenesSent + ' scenes \u00b7 ' + link.dropped + ' dropped' : '\u2014');
  setText('page-frames', hud.framesDrawn + ' drawn \u00b7 ' + hud.decodeErrors + ' decode errors');
}

function onTextMessage(text) {
  var msg;
  try { msg = JSON.parse(text); } catch (err) { hud.badMessages += 1; return; }
  if (!msg || typeof msg.type !== 'string') { hud.badMessages += 1; return; }
  if (msg.type === 'pose') onPose(msg);
  else if (msg.type === 'scene' && msg.scene) onScene(msg.scene);
  else if (msg.type === 'pong') onPong(msg);
  else if (msg.type === 'stats' && msg.stats) renderStats(msg.stats, msg.link);
  else if (msg.type === 'hello') {
    hud.hello = msg;
    detections.clear(); // a new connection may be a new run: frame numbers start again
    display.poses = { predicted: null, vio: null };
    if (msg.display) setUpDisplay(msg.display);
    hud.clock = { offsetMs: null, rttMs: null, samples: 0 };
    pingClock(CLOCK_PINGS);
  }
}

function setConnected(up) {
  hud.connected = up;
  setText('conn', up ? 'live' : hud.connects === 0 ? 'connecting\u2026' : 'reconnecting\u2026');
  el('conn').className = 'badge ' + (up ? 'conn-up' : 'conn-down');
  publishHooks();
}

function connect() {
  var url = new URL('ws', location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  var ws = new WebSocket(url.href);
  socket = ws;
  ws.binaryType = 'arraybuffer';
  ws.onopen = function () {
    hud.connects += 1;
    reconnectMs = RECONNECT_MIN_MS;
    setConnected(true);
  };
  ws.onmessage = function (ev) {
    if (typeof ev.data === 'string') onTextMessage(ev.data);
    else onFrameMessage(ev.data);
  };
  ws.onclose = function () {
    setConnected(false);
    setTimeout(connect, reconnectMs);
    reconnectMs = Math.min(reconnectMs * 2, RECONNECT_MAX_MS);
  };
}

if (DISPLAY_ONLY) document.body.classList.add('display-only');
drawPlaceholder(worldCanvas, 'waiting for frames\u2026');
drawAttitude(attitudeCanvas, null);
setConnected(false);
connect();
`;
