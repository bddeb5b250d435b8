/**
 * Browser script, part of `/hud.js`: keyboard and mouse stand in for gaze and pinch on the display view,
 * as Monado's qwerty driver does for a headset: the mouse position over the display canvas is the gaze point
 * (display pixels), a press is a pinch (`start` on mouse down, `end` on mouse up), and keys act on the HUD:
 * Escape / Backspace / Delete / x dismiss, → / n / Tab next card, ← / p previous, Enter / Space select.
 * The page hit-tests the gaze point against what it drew last frame and sends `{type:'input', input}`
 * (`src/hud/page-messages.ts`); gaze only when its target changes, or at most every 100 ms while it moves.
 * Rules for this text: no backticks and no dollar-brace (it is a `String.raw` template).
 */
export const INPUT_JS = String.raw`
var GAZE_MIN_INTERVAL_MS = 100;
var KEY_ACTIONS = {
  Escape: 'dismiss', Backspace: 'dismiss', Delete: 'dismiss', x: 'dismiss',
  ArrowRight: 'next', n: 'next', Tab: 'next',
  ArrowLeft: 'previous', p: 'previous',
  Enter: 'select', ' ': 'select'
};
var gazeState = { lastSentMs: 0, lastTarget: undefined };

/** Display pixels of a mouse event over the display canvas (scaled by CSS with object-fit: contain, so letterboxed). */
function displayPoint(ev) {
  var r = display.canvas.getBoundingClientRect();
  var cw = display.canvas.width, ch = display.canvas.height;
  var s = Math.min(r.width / cw, r.height / ch);
  return [(ev.clientX - r.left - (r.width - cw * s) / 2) / s, (ev.clientY - r.top - (r.height - ch * s) / 2) / s];
}

/** Id of the topmost element drawn at p, or null. */
function hitTest(p) {
  for (var i = display.rects.length - 1; i >= 0; i -= 1) {
    var r = display.rects[i];
    if (p[0] >= r.x && p[0] <= r.x + r.w && p[1] >= r.y && p[1] <= r.y + r.h) return r.id;
  }
  return null;
}

function sendInput(input) {
  hud.inputsSent += 1;
  sendToServer({ type: 'input', input: input });
}

function onGaze(ev) {
  var p = displayPoint(ev);
  var target = hitTest(p);
  display.localFocus = target;
  var now = performance.now();
  if (target !== gazeState.lastTarget || now - gazeState.lastSentMs >= GAZE_MIN_INTERVAL_MS) {
    gazeState.lastTarget = target;
    gazeState.lastSentMs = now;
    sendInput({ kind: 'gaze', atPx: [Math.round(p[0] * 10) / 10, Math.round(p[1] * 10) / 10], targetId: target });
  }
}

function onPinch(phase, ev) {
  var p = displayPoint(ev);
  sendInput({ kind: 'pinch', phase: phase, atPx: [Math.round(p[0] * 10) / 10, Math.round(p[1] * 10) / 10], targetId: hitTest(p) });
}

function installInput() {
  var c = display.canvas;
  c.addEventListener('mousemove', onGaze);
  c.addEventListener('mouseleave', function () { display.localFocus = null; });
  c.addEventListener('mousedown', function (ev) { ev.preventDefault(); onPinch('start', ev); });
  c.addEventListener('mouseup', function (ev) { onPinch('end', ev); });
  window.addEventListener('keydown', function (ev) {
    var action = KEY_ACTIONS[ev.key];
    if (!action || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    ev.preventDefault();
    sendInput({ kind: 'key', action: action });
  });
}
`;
