/**
 * The HUD page markup (`GET /`). Element ids are what `main-js.ts` fills; `#hud` carries the `data-*`
 * test hooks; `#display` is the display view (`display-js.ts`), shown once a display profile arrives. Asset URLs are relative, so the page also works behind a path prefix.
 */
export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Kāraṇa Edge HUD</title>
<link rel="stylesheet" href="hud.css">
</head>
<body>
<main id="hud" data-connected="false" data-frames-drawn="0" data-boxes-drawn="0" data-scenes="0">
  <header class="topbar">
    <span class="brand">Kāraṇa Edge <span class="dim">HUD</span></span>
    <span id="session" class="session">—</span>
    <span id="mode" class="badge">—</span>
    <span id="conn" class="badge conn-down">connecting…</span>
  </header>

  <section class="view">
    <div class="pane display-pane">
      <canvas id="display" width="752" height="480" aria-label="HUD display view (mouse: gaze, click: pinch)"></canvas>
      <div id="display-caption" class="caption">no display profile</div>
    </div>
    <div class="pane world-pane">
      <canvas id="world" width="768" height="432" aria-label="world camera with detections"></canvas>
      <div id="frame-caption" class="caption">no frame yet</div>
    </div>
  </section>

  <section class="panel runtime">
    <div class="runtime-figures">
      <h2>Runtime</h2>
      <div class="row"><span class="label">Progress</span><span id="progress" class="value">—</span></div>
      <div class="meter"><div id="progress-bar" class="fill progress"></div></div>
      <div class="row"><span class="label">Tick</span><span id="tick-hz" class="value">—</span>
        <span class="dim small">overruns</span><span id="overruns" class="value">—</span></div>
      <div class="row"><span class="label">Lateness</span>
        <span class="dim small">p50</span><span id="late-p50" class="value">—</span>
        <span class="dim small">p99</span><span id="late-p99" class="value">—</span>
        <span class="dim small">max</span><span id="late-max" class="value">—</span></div>
      <div class="row"><span class="label">Detector</span><span id="det-fps" class="value">—</span>
        <span class="dim small">inference p50</span><span id="det-inference" class="value">—</span></div>
      <div class="row"><span class="label">HUD link</span><span id="link" class="value small">—</span></div>
      <div class="row"><span class="label">Page</span><span id="page-frames" class="value small">—</span></div>
    </div>
    <div class="runtime-bus">
      <h2>Bus <span class="dim">drops</span> <span id="bus-drops" class="value">—</span></h2>
      <table class="bus">
        <thead><tr><th>topic</th><th>published</th><th>dropped</th><th>p99 latency</th></tr></thead>
        <tbody id="bus-rows"></tbody>
      </table>
      <div id="bus-more" class="dim small"></div>
    </div>
  </section>

  <aside class="side">
    <section class="panel">
      <h2>Attitude</h2>
      <canvas id="attitude" width="240" height="240" aria-label="attitude indicator"></canvas>
      <div class="readouts">
        <div><span class="label">ROLL</span><span id="roll" class="value">—</span></div>
        <div><span class="label">PITCH</span><span id="pitch" class="value">—</span></div>
        <div><span class="label">HDG</span><span id="heading" class="value">—</span></div>
      </div>
    </section>

    <section class="panel">
      <h2>Device</h2>
      <div class="row"><span class="label">SoC</span><span id="temp" class="value">—</span><span id="temp-zone" class="dim small"></span></div>
      <div class="row"><span class="label">Battery</span><span id="battery" class="value">—</span><span id="battery-detail" class="dim small"></span></div>
      <div class="meter"><div id="battery-bar" class="fill"></div></div>
      <div class="row"><span class="label">Profile</span><span id="profile" class="badge profile-none">no profile</span></div>
      <div class="row"><span class="label">Mic</span><span id="mic" class="value">—</span></div>
      <div class="meter mic"><div id="mic-bar" class="fill"></div></div>
    </section>

  </aside>
</main>
<script src="hud.js"></script>
</body>
</html>
`;
