// The curves view: chosen controls of one or two takes over time, each in its own range, with
// the playhead. Take A is drawn solid, take B dashed.
"use strict";

const COLOURS = ["#e06666", "#6fa8dc", "#93c47d", "#ffd966", "#c27ba0", "#76a5af"];

/** Draw ``names`` of ``rigs`` ([{rig, columns}], at most two) into ``canvas`` with the playhead at ``seconds``. */
export function drawCurves(canvas, rigs, names, seconds) {
  const ctx = canvas.getContext("2d"), w = canvas.width, h = canvas.height;
  ctx.fillStyle = "#1d2330"; ctx.fillRect(0, 0, w, h);
  const shown = rigs.filter(Boolean);
  if (!shown.length) return;
  const duration = Math.max(...shown.map(r => r.rig.frames.length / r.rig.fps));
  const lane = h / Math.max(names.length, 1);
  names.forEach((name, k) => {
    const top = k * lane;
    ctx.strokeStyle = "#333a48"; ctx.beginPath(); ctx.moveTo(0, top + lane); ctx.lineTo(w, top + lane); ctx.stroke();
    let lo = -0.05, hi = 0.05; // a flat curve stays flat, not stretched to full height
    for (const r of shown) {
      const i = r.rig.controls.indexOf(name);
      for (const f of r.rig.frames) { lo = Math.min(lo, f[i]); hi = Math.max(hi, f[i]); }
    }
    shown.forEach((r, n) => {
      const i = r.rig.controls.indexOf(name), frames = r.rig.frames;
      ctx.strokeStyle = COLOURS[k % COLOURS.length]; ctx.setLineDash(n ? [5, 4] : []); ctx.beginPath();
      frames.forEach((f, t) => {
        const x = t / r.rig.fps / duration * w, y = top + lane - 4 - (f[i] - lo) / (hi - lo) * (lane - 8);
        t ? ctx.lineTo(x, y) : ctx.moveTo(x, y);
      });
      ctx.stroke();
    });
    ctx.setLineDash([]);
    ctx.fillStyle = COLOURS[k % COLOURS.length]; ctx.font = "11px sans-serif";
    ctx.fillText(`${name.replace(/^CTRL_/, "")}  [${lo.toFixed(2)}, ${hi.toFixed(2)}]`, 4, top + 12);
  });
  const x = seconds / duration * w;
  ctx.strokeStyle = "#ffd966"; ctx.beginPath(); ctx.moveTo(x, 0); ctx.lineTo(x, h); ctx.stroke();
}
