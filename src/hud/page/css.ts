/** The HUD stylesheet (`GET /hud.css`): dark, high-contrast, tabular numbers, laptop-sized layout. */
export const PAGE_CSS = `:root {
  --bg: #0b0f14; --panel: #121821; --line: #233041; --ink: #dbe4ee; --dim: #7d8c9c;
  --accent: #4dd0e1; --ok: #66bb6a; --info: #42a5f5; --warn: #ffb74d; --bad: #ef5350;
}
* { box-sizing: border-box; }
html, body { margin: 0; height: 100%; background: var(--bg); color: var(--ink);
  font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; }
#hud { display: grid; grid-template-columns: minmax(0, 1fr) 320px; grid-template-rows: auto minmax(0, 1fr) auto;
  height: 100vh; gap: 10px; padding: 10px; }
.topbar { grid-column: 1 / -1; display: flex; align-items: center; gap: 12px; padding: 6px 10px;
  background: var(--panel); border: 1px solid var(--line); border-radius: 8px; }
.brand { font-weight: 700; letter-spacing: 0.02em; color: var(--accent); }
.session { font-weight: 600; flex: 1; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.view { grid-column: 1; grid-row: 2; display: flex; flex-direction: row; gap: 6px; min-height: 0; background: #05080c;
  border: 1px solid var(--line); border-radius: 8px; overflow: hidden; }
.pane { flex: 1; min-width: 0; display: flex; flex-direction: column; min-height: 0; }
.display-pane { display: none; flex: 1.2; }
#hud.has-display .display-pane { display: flex; }
#world, #display { flex: 1; min-height: 0; width: 100%; object-fit: contain; display: block; }
#display { cursor: crosshair; }
body.display-only { background: #000; }
body.display-only #hud { display: block; padding: 0; height: 100vh; }
body.display-only #hud > :not(.view), body.display-only .world-pane, body.display-only .caption { display: none !important; }
body.display-only .view { border: 0; border-radius: 0; height: 100vh; background: #000; }
body.display-only #display { cursor: none; }
.caption { padding: 4px 10px; color: var(--dim); font-size: 12px; font-variant-numeric: tabular-nums;
  border-top: 1px solid var(--line); }
.runtime { grid-column: 1; grid-row: 3; display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 16px; }
.side { grid-column: 2; grid-row: 2 / 4; display: flex; flex-direction: column; gap: 10px; overflow-y: auto; min-height: 0; }
.panel { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 8px 10px; }
.panel h2 { margin: 0 0 6px; font-size: 11px; font-weight: 700; text-transform: uppercase;
  letter-spacing: 0.08em; color: var(--dim); }
#attitude { display: block; margin: 0 auto; width: 240px; height: 240px; }
.readouts { display: flex; justify-content: space-around; margin-top: 6px; }
.readouts div { display: flex; flex-direction: column; align-items: center; }
.row { display: flex; align-items: baseline; gap: 6px; margin: 3px 0; flex-wrap: wrap; }
.label { color: var(--dim); font-size: 12px; min-width: 58px; }
.readouts .label { min-width: 0; }
.value { font-weight: 600; font-variant-numeric: tabular-nums; }
.value.warm { color: var(--warn); }
.value.hot { color: var(--bad); }
.small { font-size: 12px; }
.dim { color: var(--dim); }
.meter { height: 6px; background: #1b2430; border-radius: 3px; overflow: hidden; margin: 2px 0 6px; }
.meter .fill { height: 100%; width: 0; background: var(--ok); transition: width 120ms linear; }
.meter .fill.low { background: var(--bad); }
.meter.mic .fill { background: linear-gradient(90deg, var(--ok) 0%, var(--ok) 70%, var(--warn) 85%, var(--bad) 100%); }
.meter .fill.progress { background: var(--accent); }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 700;
  background: #233041; color: var(--ink); }
.conn-up { background: #1f4d2a; color: #b9f6ca; }
.conn-down { background: #5a1f1f; color: #ffcdd2; }
.profile-full { background: #1f4d2a; color: #b9f6ca; }
.profile-balanced { background: #163a5c; color: #bbdefb; }
.profile-saver { background: #5c4313; color: #ffe0b2; }
.profile-critical { background: #5a1f1f; color: #ffcdd2; }
.profile-none { background: #233041; color: var(--dim); }
table.bus { width: 100%; border-collapse: collapse; font-size: 11px; font-variant-numeric: tabular-nums; margin: 4px 0; }
table.bus th { text-align: left; color: var(--dim); font-weight: 600; border-bottom: 1px solid var(--line); }
table.bus td { padding: 1px 2px; }
table.bus td.warn { color: var(--warn); font-weight: 700; }
@media (max-width: 900px) {
  #hud { grid-template-columns: 1fr; height: auto; }
  .view, .runtime, .side { grid-column: 1; grid-row: auto; }
  #world { height: auto; }
}
`;
