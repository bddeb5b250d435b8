/**
 * Browser script, part 1 of `/hud.js`: the canvas drawing functions (detection boxes, attitude indicator,
 * placeholder). Plain ES2020 for Chromium/Firefox, no bundler, kept as a string so the page ships inside
 * the compiled package (tsc copies no assets). `index.ts` wraps this and `main-js.ts` in one strict IIFE.
 * Rules for this text: no backticks and no dollar-brace (it is a `String.raw` template).
 */
export const DRAW_JS = String.raw`
var SKY = '#1d5f8c';
var GROUND = '#6b4a2b';
var INK = '#e8eef5';
var AIRCRAFT = '#ffd54f';
var CLASS_COLORS = ['#4dd0e1', '#ff8a65', '#aed581', '#ba68c8', '#ffd54f', '#4fc3f7', '#f06292', '#90a4ae'];

/** Color of a detection class (stable per class id). */
function classColor(classId) {
  var i = Math.abs(Math.round(Number(classId) || 0)) % CLASS_COLORS.length;
  return CLASS_COLORS[i];
}

/** True when b is [x1, y1, x2, y2] of finite numbers with x2 > x1 and y2 > y1. */
function validBox(b) {
  return Array.isArray(b) && b.length === 4 && b.every(Number.isFinite) && b[2] > b[0] && b[3] > b[1];
}

/**
 * Draw detection boxes with "label NN%" tags. Boxes are in source-image pixels; the canvas has the
 * source size, so they are drawn as they are. Returns the boxes drawn.
 */
function drawBoxes(ctx, objects, widthPx) {
  var lw = Math.max(2, Math.round(widthPx / 320));
  var fontPx = Math.max(12, Math.round(widthPx / 48));
  var drawn = [];
  ctx.save();
  ctx.font = '600 ' + fontPx + 'px system-ui, sans-serif';
  ctx.textBaseline = 'top';
  for (var i = 0; i < objects.length; i += 1) {
    var o = objects[i];
    if (!o || !validBox(o.boxPx)) continue;
    var b = o.boxPx;
    var color = classColor(o.classId);
    ctx.strokeStyle = color;
    ctx.lineWidth = lw;
    ctx.strokeRect(b[0], b[1], b[2] - b[0], b[3] - b[1]);
    var label = String(o.label) + ' ' + Math.round(Number(o.score) * 100) + '%';
    var tagW = ctx.measureText(label).width + 8;
    var tagH = fontPx + 6;
    var tagY = b[1] - tagH >= 0 ? b[1] - tagH : b[1];
    ctx.fillStyle = color;
    ctx.fillRect(b[0] - lw / 2, tagY, tagW, tagH);
    ctx.fillStyle = '#071018';
    ctx.fillText(label, b[0] + 4 - lw / 2, tagY + 3);
    drawn.push({ label: String(o.label), classId: o.classId, score: o.score, boxPx: b.slice() });
  }
  ctx.restore();
  return drawn;
}

/** A dark canvas with a centred message (before the first frame, or after the socket dropped). */
function drawPlaceholder(canvas, text) {
  var ctx = canvas.getContext('2d');
  ctx.fillStyle = '#05080c';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.fillStyle = '#5c6b7a';
  ctx.font = '500 ' + Math.round(canvas.width / 32) + 'px system-ui, sans-serif';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillText(text, canvas.width / 2, canvas.height / 2);
  ctx.textAlign = 'start';
}

/**
 * Attitude indicator: sky and ground split by the horizon, rolled by -roll and shifted by pitch
 * (pitch up moves the horizon down), a pitch ladder every 5 deg (labels every 10 deg, dashed below the
 * horizon), a roll scale with a pointer, and the fixed aircraft symbol. att: { rollDeg, pitchDeg } or null.
 */
function drawAttitude(canvas, att) {
  var ctx = canvas.getContext('2d');
  var s = canvas.width;
  var c = s / 2;
  var r = c - 6;
  var pxPerDeg = r / 35;
  ctx.clearRect(0, 0, s, s);
  ctx.save();
  ctx.beginPath();
  ctx.arc(c, c, r, 0, 2 * Math.PI);
  ctx.clip();
  ctx.translate(c, c);
  if (!att) {
    ctx.fillStyle = '#1a222c';
    ctx.fillRect(-c, -c, s, s);
    ctx.fillStyle = '#5c6b7a';
    ctx.font = '500 14px system-ui, sans-serif';
    ctx.textAlign = 'center';
    ctx.fillText('no attitude', 0, 4);
    ctx.restore();
    return;
  }
  var roll = Number(att.rollDeg) || 0;
  var pitch = Number(att.pitchDeg) || 0;
  ctx.rotate(-roll * Math.PI / 180);
  var horizonY = pitch * pxPerDeg;
  ctx.fillStyle = SKY;
  ctx.fillRect(-2 * s, horizonY - 4 * s, 4 * s, 4 * s);
  ctx.fillStyle = GROUND;
  ctx.fillRect(-2 * s, horizonY, 4 * s, 4 * s);
  ctx.strokeStyle = INK;
  ctx.lineWidth = 2;
  ctx.beginPath();
  ctx.moveTo(-2 * s, horizonY);
  ctx.lineTo(2 * s, horizonY);
  ctx.stroke();
  drawLadder(ctx, pitch, pxPerDeg, r);
  ctx.restore();
  drawRollScale(ctx, c, r, roll);
  drawAircraft(ctx, c, r);
  ctx.strokeStyle = '#3a4a5c';
  ctx.lineWidth = 3;
  ctx.beginPath();
  ctx.arc(c, c, r, 0, 2 * Math.PI);
  ctx.stroke();
}

function drawLadder(ctx, pitch, pxPerDeg, r) {
  ctx.fillStyle = INK;
  ctx.strokeStyle = INK;
  ctx.lineWidth = 1.5;
  ctx.font = '600 11px system-ui, sans-serif';
  ctx.textBaseline = 'middle';
  for (var p = -90; p <= 90; p += 5) {
    if (p === 0 || Math.abs(p - pitch) > 40) continue;
    var y = (pitch - p) * pxPerDeg;
    var half = p % 10 === 0 ? r * 0.3 : r * 0.14;
    ctx.setLineDash(p < 0 ? [5, 4] : []);
    ctx.beginPath();
    ctx.moveTo(-half, y);
    ctx.lineTo(half, y);
    ctx.stroke();
    if (p % 10 === 0) {
      ctx.textAlign = 'right';
      ctx.fillText(String(Math.abs(p)), -half - 4, y);
      ctx.textAlign = 'left';
      ctx.fillText(String(Math.abs(p)), half + 4, y);
    }
  }
  ctx.setLineDash([]);
}

function drawRollScale(ctx, c, r, roll) {
  var ticks = [-60, -45, -30, -20, -10, 0, 10, 20, 30, 45, 60];
  ctx.strokeStyle = INK;
  ctx.lineWidth = 2;
  for (var i = 0; i < ticks.length; i += 1) {
    var a = ticks[i] * Math.PI / 180;
    var len = ticks[i] % 30 === 0 ? 14 : 8;
    ctx.beginPath();
    ctx.moveTo(c + r * Math.sin(a), c - r * Math.cos(a));
    ctx.lineTo(c + (r - len) * Math.sin(a), c - (r - len) * Math.cos(a));
    ctx.stroke();
  }
  ctx.save();
  ctx.translate(c, c);
  ctx.rotate(-roll * Math.PI / 180);
  ctx.fillStyle = AIRCRAFT;
  ctx.beginPath();
  ctx.moveTo(0, -r + 16);
  ctx.lineTo(-7, -r + 28);
  ctx.lineTo(7, -r + 28);
  ctx.closePath();
  ctx.fill();
  ctx.restore();
}

function drawAircraft(ctx, c, r) {
  ctx.strokeStyle = AIRCRAFT;
  ctx.lineWidth = 4;
  ctx.lineCap = 'round';
  ctx.beginPath();
  ctx.moveTo(c - r * 0.55, c);
  ctx.lineTo(c - r * 0.18, c);
  ctx.lineTo(c - r * 0.09, c + r * 0.09);
  ctx.moveTo(c + r * 0.55, c);
  ctx.lineTo(c + r * 0.18, c);
  ctx.lineTo(c + r * 0.09, c + r * 0.09);
  ctx.stroke();
  ctx.fillStyle = AIRCRAFT;
  ctx.beginPath();
  ctx.arc(c, c, 3.5, 0, 2 * Math.PI);
  ctx.fill();
  ctx.lineCap = 'butt';
}
`;
