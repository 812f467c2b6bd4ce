// The 2D face of medtalk/preview (face.py, mouth.py, draw.py) ported to a canvas: one frame of the
// 174 board controls -> a front-view face. Face units: the face is 1 unit wide, y grows down.
"use strict";

const SIDES = [["L", 1], ["R", -1]]; // board side, screen x direction (L is the viewer's right)
const JAW_DROP = 0.085, MOUTH_X = 0.5, MOUTH_Y = 0.7, HALF_WIDTH = 0.08;
const UPPER_THICK = 0.017, LOWER_THICK = 0.023, SAMPLES = 41;
const EYE_Y = 0.468, EYE_INNER_X = 0.063, EYE_OUTER_X = 0.176, UPPER_LID = 0.03, LOWER_LID = 0.016;
const IRIS_R = 0.0215, PUPIL_R = 0.0085, GAZE_X = 0.03, GAZE_Y = 0.017, JAW_START_Y = 0.58;
const BROW_POINTS = [[0.045, 0.39], [0.1, 0.369], [0.168, 0.382]];
const HEAD_HALF = [[0.5, 0.1], [0.61, 0.115], [0.7, 0.17], [0.752, 0.26], [0.772, 0.37], [0.775, 0.46],
  [0.762, 0.56], [0.735, 0.65], [0.69, 0.735], [0.625, 0.805], [0.56, 0.845]];
const CHIN = [0.5, 0.858];
const HAIR_BACK = [[0.5, 0.05], [0.7, 0.1], [0.812, 0.24], [0.822, 0.36], [0.802, 0.45], [0.76, 0.47],
  [0.24, 0.47], [0.198, 0.45], [0.178, 0.36], [0.188, 0.24], [0.3, 0.1]];
const HAIR_FRONT = [[0.5, 0.072], [0.63, 0.088], [0.73, 0.15], [0.785, 0.25], [0.792, 0.36], [0.775, 0.36],
  [0.752, 0.27], [0.7, 0.215], [0.615, 0.19], [0.54, 0.205], [0.46, 0.185], [0.37, 0.19], [0.29, 0.225],
  [0.245, 0.29], [0.225, 0.36], [0.208, 0.36], [0.215, 0.25], [0.27, 0.15], [0.37, 0.088]];
const SHOULDERS = [[-0.05, 1.05], [-0.02, 0.98], [0.1, 0.925], [0.3, 0.885], [0.4, 0.9], [0.5, 0.94],
  [0.6, 0.9], [0.7, 0.885], [0.9, 0.925], [1.02, 0.98], [1.05, 1.05]];
const NECK = [[0.405, 0.66], [0.595, 0.66], [0.608, 0.96], [0.392, 0.96]];
const C = {
  bgTop: "rgb(226,232,238)", bgBottom: "rgb(190,202,216)", skin: "rgb(238,200,174)", shade: "rgb(214,168,142)",
  line: [150, 96, 78], hair: "rgb(74,52,42)", brow: "rgb(86,60,46)", lash: "rgb(46,32,28)",
  shirt: "rgb(88,108,138)", white: "rgb(250,248,244)", iris: "rgb(84,124,146)", irisRim: "rgb(44,70,88)",
  pupil: "rgb(20,18,22)", lipU: "rgb(188,100,98)", lipD: "rgb(204,116,110)", lipLine: [110, 44, 46],
  inside: "rgb(62,22,28)", teeth: "rgb(244,240,230)", teethShade: "rgb(222,214,202)", tongue: "rgb(196,92,100)",
  nostril: "rgb(96,54,48)", blush: [236, 136, 128], highlight: [255, 236, 222],
};
const VIEW_ORIGIN = 0.05, VIEW_SPAN = 0.9;

const clip = (x, lo, hi) => Math.min(Math.max(x, lo), hi);
const rgba = (c, a) => `rgba(${c[0]},${c[1]},${c[2]},${clip(a, 0, 1)})`;
const linspace = (a, b, n) => Array.from({length: n}, (_, i) => a + (b - a) * i / (n - 1));

/** Read one frame by short board name ("L_brow_raiseIn", "C_eye.tx"), as preview/board.py. */
export class Board {
  constructor(columns, frame) { this.columns = columns; this.frame = frame; }
  get(name) { const i = this.columns.get(name); return i === undefined ? 0 : this.frame[i]; }
  pos(name) { return Math.max(this.get(name), 0); }
  neg(name) { return Math.max(-this.get(name), 0); }
  mean(...names) { return names.reduce((s, n) => s + this.get(n), 0) / names.length; }
}

/** Short board name -> column, from the rig's control names ("CTRL_L_brow_raiseIn-translateY"). */
export function boardColumns(controls) {
  const map = new Map();
  controls.forEach((full, i) => {
    const m = /^CTRL_(.+)-translate([XY])$/.exec(full);
    if (m) map.set(m[2] === "X" ? `${m[1]}.tx` : m[1], i);
  });
  return map;
}

/** Uniform Catmull-Rom through points [[x, y], ...], as preview/splines.py. */
export function catmullRom(p, closed = false, samples = 8) {
  const ext = closed ? [p[p.length - 1], ...p, p[0], p[1]]
    : [[2 * p[0][0] - p[1][0], 2 * p[0][1] - p[1][1]], ...p,
      [2 * p[p.length - 1][0] - p[p.length - 2][0], 2 * p[p.length - 1][1] - p[p.length - 2][1]]];
  const out = [];
  for (let s = 0; s < ext.length - 3; s++) {
    const [a, b, c, d] = [ext[s], ext[s + 1], ext[s + 2], ext[s + 3]];
    for (let k = 0; k < samples; k++) {
      const t = k / samples, t2 = t * t, t3 = t2 * t;
      const w = [0.5 * (-t + 2 * t2 - t3), 0.5 * (2 - 5 * t2 + 3 * t3), 0.5 * (t + 4 * t2 - 3 * t3), 0.5 * (-t2 + t3)];
      const at = k => w[0] * a[k] + w[1] * b[k] + w[2] * c[k] + w[3] * d[k];
      out.push([at(0), at(1)]);
    }
  }
  if (!closed) out.push(p[p.length - 1]);
  return out;
}

function jawDrop(b) { return JAW_DROP * (b.pos("C_jaw") + 0.5 * b.get("C_jaw_openExtreme")); }

function thickness(b, m, lip) {
  const roll = b.get(m + `lipsRoll${lip}`);
  return Math.max(0.15, (1 + 0.4 * b.get(m + `thickness${lip}`) + 0.2 * b.get(m + `pushPull${lip}`))
    * (1 - 0.65 * Math.max(roll, 0) + 0.4 * Math.max(-roll, 0))
    * (1 - 0.45 * b.get(m + `press${lip}`) - 0.3 * b.get(m + `tighten${lip}`)));
}

function mouthSide(b, side) {
  const m = `${side}_mouth_`;
  const pull = b.get(m + "cornerPull"), sharp = b.get(m + "sharpCornerPull");
  const depress = b.get(m + "cornerDepress"), stretch = b.get(m + "stretch"), dimple = b.get(m + "dimple");
  const rounding = Math.min(1, 0.6 * b.mean(m + "purseU", m + "purseD") + 0.5 * b.mean(m + "towardsU", m + "towardsD")
    + 0.45 * b.mean(m + "funnelU", m + "funnelD"));
  const press = b.mean(m + "pressU", m + "pressD", m + "lipsPressU");
  const width = HALF_WIDTH * (1 + 0.22 * pull + 0.1 * sharp + 0.3 * stretch + 0.2 * b.get(m + "corner.tx")
    + 0.06 * dimple + 0.06 * depress - 0.42 * rounding - 0.06 * press);
  return {
    width: Math.max(width, 0.022), rounding, press, depress, dimple,
    lift: 0.032 * pull + 0.02 * sharp + 0.022 * b.pos(m + "corner") - 0.028 * depress
      - 0.02 * b.neg(m + "corner") - 0.005 * stretch,
    together: b.mean(m + "lipsTogetherU", m + "lipsTogetherD"), tighten: b.mean(m + "tightenU", m + "tightenD"),
    sticky: b.mean(m + "lipSticky", m + "stickyOuterU", m + "stickyOuterD"),
    bite: Math.max(b.get(m + "lipBiteD"), 0.7 * b.get(m + "lipsTowardsTeethD")),
    biteUpper: Math.max(b.get(m + "lipBiteU"), 0.7 * b.get(m + "lipsTowardsTeethU")),
    upperRaise: b.get(m + "upperLipRaise"), lowerDepress: b.get(m + "lowerLipDepress"),
    upperScale: thickness(b, m, "U") * (1 - 0.25 * pull),
    lowerScale: thickness(b, m, "D") * (1 + 0.25 * b.get(`${side}_jaw_ChinRaiseU`)), blow: b.get(m + "lipsBlow"),
  };
}

/** Lips, aperture, teeth and tongue (preview/mouth.py). */
export function mouthGeometry(b) {
  const R = mouthSide(b, "R"), L = mouthSide(b, "L");
  const t = linspace(-1, 1, SAMPLES), w = t.map(v => (v + 1) / 2);
  const blend = k => w.map(u => R[k] + (L[k] - R[k]) * u), avg = k => (R[k] + L[k]) / 2;
  const drop = jawDrop(b);
  const cx = MOUTH_X + 0.03 * b.get("C_mouth.tx") - 0.012 * b.get("C_jaw.tx"), cy = MOUTH_Y - 0.025 * b.get("C_mouth");
  const rounding = avg("rounding"), press = avg("press"), bite = avg("bite");
  let upOpen = blend("upperRaise").map(v => 0.02 * v + 0.08 * drop + 0.01 * bite + 0.006 * rounding);
  let loOpen = blend("lowerDepress").map(v => 0.78 * drop + 0.026 * v + 0.004 * rounding);
  const closure = clip(1.5 * avg("together") + press + 0.5 * avg("tighten"), 0, 1) * (1 - bite);
  const seamC = cy + 0.45 * drop * closure;
  upOpen = upOpen.map(v => v * (1 - closure));
  loOpen = loOpen.map(v => v * (1 - closure));
  const upperTeethEdge = MOUTH_Y + 0.004 - 0.006 * b.get("C_teethU");
  if (bite > 0) loOpen = loOpen.map(v => v + (upperTeethEdge + 0.002 - (seamC + v)) * bite);
  const base = cy + 0.4 * drop * (1 - closure);
  const seamY = t.map(v => seamC + (base - (v < 0 ? R.lift : L.lift) - seamC) * Math.abs(v) ** 1.6);
  const narrow = 1 - 0.12 * Math.min(drop / JAW_DROP, 1);
  const x = t.map(v => cx + v * (v < 0 ? R.width : L.width) * narrow);
  const frac = clip(0.93 - 0.4 * rounding - 0.2 * avg("sticky") - 0.15 * press, 0.35, 0.95);
  const profile = t.map(v => (1 - clip(Math.abs(v) / frac, 0, 1) ** 2) ** (0.75 - 0.25 * rounding));
  const upperIn = seamY.map((s, i) => s - upOpen[i] * profile[i]);
  const lowerIn = seamY.map((s, i) => s + loOpen[i] * profile[i]);
  const fullness = 1 + 0.45 * rounding + 0.3 * avg("blow");
  const kU = 2.5 + 2 * rounding, kL = 2.2 + 2 * rounding;
  const us = blend("upperScale"), ls = blend("lowerScale");
  const upperOut = t.map((v, i) => {
    const th = UPPER_THICK * fullness * us[i] * (1 - 0.6 * avg("biteUpper")) * (1 - Math.abs(v) ** kU) ** 0.8;
    const cupid = 0.25 * UPPER_THICK * Math.exp(-((v / 0.13) ** 2)) * (1 - 0.6 * rounding);
    const wide = (1 - v * v) ** (0.9 - 0.3 * rounding);
    return Math.min(seamY[i] - upOpen[i] * wide - th + cupid, upperIn[i]);
  });
  const lowerOut = t.map((v, i) => {
    const th = LOWER_THICK * fullness * ls[i] * (1 - 0.55 * bite);
    const wide = (1 - v * v) ** (0.9 - 0.3 * rounding);
    return Math.max(seamY[i] + loOpen[i] * wide + th * (1 - Math.abs(v) ** kL) ** 0.7, lowerIn[i]);
  });
  const curve = ys => ys.map((y, i) => [x[i], y]);
  const tx = linspace(-1, 1, 17);
  const uEdge = tx.map(v => upperTeethEdge - 0.012 * v * v);
  const lEdge = tx.map(v => MOUTH_Y + 0.001 + 0.92 * drop - 0.008 * v * v - 0.006 * b.get("C_teethD"));
  const teethX = tx.map(v => MOUTH_X + 0.05 * v), lowerX = teethX.map(v => v - 0.012 * b.get("C_jaw.tx"));
  const upperTeeth = [...teethX.map((v, i) => [v, uEdge[i]]), ...teethX.map((v, i) => [v, uEdge[i] - 0.03]).reverse()];
  const lowerTeeth = [...lowerX.map((v, i) => [v, lEdge[i]]), ...lowerX.map((v, i) => [v, lEdge[i] + 0.03]).reverse()];
  const raise = Math.min(1, b.pos("C_tongue") + 0.6 * b.get("C_tongue_press") + 0.5 * b.pos("C_tongue_tip")
    + 0.3 * b.pos("C_tongue_roll"));
  const out = b.neg("C_tongue_inOut");
  let restY = lEdge[8] + 0.014;
  restY += ((upperTeethEdge + lEdge[8]) / 2 + 0.008 - restY) * out;
  const tongueY = restY + (upperTeethEdge + 0.01 - restY) * 0.8 * raise * (1 - out);
  const chinY = lowerOut[SAMPLES >> 1] + 0.028 + 0.2 * drop;
  const chinRaise = b.mean("L_jaw_ChinRaiseD", "R_jaw_ChinRaiseD", "L_jaw_chinCompress", "R_jaw_chinCompress");
  return {
    upperLip: [...curve(upperOut), ...curve(upperIn).reverse()],
    lowerLip: [...curve(lowerIn), ...curve(lowerOut).reverse()],
    aperture: [...curve(upperIn), ...curve(lowerIn).reverse()], seam: curve(seamY),
    opening: lowerIn[SAMPLES >> 1] - upperIn[SAMPLES >> 1], upperTeeth, lowerTeeth,
    tongue: [cx + 0.012 * b.get("C_tongue.tx"), tongueY,
      0.036 * (1 + 0.3 * b.get("C_tongue_narrowWide")) * (1 + 0.2 * out), 0.022 * (1 + 0.3 * out)],
    tongueOut: out > 0.3, corners: [[x[0], base - R.lift], [x[SAMPLES - 1], base - L.lift]], rounding,
    press: Math.min(1, press + 0.5 * avg("tighten") + 0.5 * avg("together")), depress: [R.depress, L.depress],
    chin: [[cx - 0.032, chinY + 0.004], [cx, chinY], [cx + 0.032, chinY + 0.004]],
    chinStrength: Math.min(1, 0.15 + 1.5 * chinRaise + 0.4 * press + 0.3 * rounding),
  };
}

function headOutline(b) {
  const left = HEAD_HALF.slice().reverse().map(([x, y]) => [1 - x, y]).slice(0, -1);
  const drop = jawDrop(b);
  const pts = [...HEAD_HALF, CHIN, ...left].map(([x, y]) => {
    const below = clip((y - JAW_START_Y) / (CHIN[1] - JAW_START_Y), 0, 1);
    return [x - (x - 0.5) * 0.06 * (drop / JAW_DROP) * below - 0.02 * b.get("C_jaw.tx") * below, y + drop * below];
  });
  const blow = b.mean("L_mouth_suckBlow", "R_mouth_suckBlow");
  return catmullRom(pts, true).map(([x, y]) => {
    const cheek = Math.exp(-(((y - 0.64) / 0.06) ** 2));
    return [x + Math.sign(x - 0.5) * cheek * (0.022 * Math.max(blow, 0) - 0.008 * Math.max(-blow, 0)), y];
  });
}

function brow(b, side, sx) {
  const p = `${side}_brow_`, rin = b.get(p + "raiseIn"), rout = b.get(p + "raiseOut");
  const down = b.get(p + "down"), lat = b.get(p + "lateral");
  const dy = [-0.045 * rin + 0.03 * down + 0.012 * lat, -0.024 * rin - 0.032 * rout + 0.02 * down,
    -0.005 * rin - 0.04 * rout + 0.01 * down];
  const dx = [-0.022 * lat, -0.008 * lat, 0];
  const centre = catmullRom(BROW_POINTS.map(([x, y], i) => [0.5 + sx * (x + dx[i]), y + dy[i]]), false, 10);
  const n = centre.length, top = [], bottom = [];
  centre.forEach((c, i) => {
    const u = i / (n - 1);
    const half = (u < 0.12 ? 0.005 + (0.0095 - 0.005) * u / 0.12 : u < 0.5 ? 0.0095 - 0.001 * (u - 0.12) / 0.38
      : 0.0085 - 0.0055 * (u - 0.5) / 0.5) * (1 + 0.15 * down);
    const a = centre[Math.max(i - 1, 0)], z = centre[Math.min(i + 1, n - 1)];
    const len = Math.hypot(z[0] - a[0], z[1] - a[1]) || 1;
    const nx = -(z[1] - a[1]) / len, ny = (z[0] - a[0]) / len;
    top.push([c[0] + nx * half, c[1] + ny * half]);
    bottom.push([c[0] - nx * half, c[1] - ny * half]);
  });
  return [...top, ...bottom.reverse()];
}

/** One eye's lid edges, iris and openness (preview/face.py ``eye``). */
export function eye(b, side, sx) {
  const e = `${side}_eye_`, blink = b.get(e + "blink"), lidU = b.get(e + "eyelidU"), lidD = b.get(e + "eyelidD");
  const squint = b.get(e + "squintInner"), cheek = b.get(e + "cheekRaise"), press = b.get(e + "lidPress");
  const scrunch = b.get(e + "faceScrunch"), down = b.get(`${side}_brow_down`);
  const gx = clip(b.get("C_eye.tx") + b.get(`${side}_eye.tx`), -1.5, 1.5);
  const gy = clip(b.get("C_eye") + b.get(`${side}_eye`), -1.5, 1.5);
  const inner = [0.5 + sx * EYE_INNER_X, EYE_Y + 0.005], outer = [0.5 + sx * EYE_OUTER_X, EYE_Y - 0.004];
  const wide = Math.max(-blink, 0) + 0.8 * Math.max(-lidU, 0);
  const upper = [], lower = [];
  linspace(0, 1, 25).forEach(t => {
    const bx = inner[0] + t * (outer[0] - inner[0]), by = inner[1] + t * (outer[1] - inner[1]);
    const bumpU = Math.sin(Math.PI * t ** 0.85), bumpL = Math.sin(Math.PI * t ** 1.2);
    const open = by - UPPER_LID * bumpU * (1 + 0.55 * wide);
    const lr = clip(0.75 * cheek + 0.45 * squint * (1 - t) + 0.35 * Math.max(lidD, 0) + 0.25 * scrunch + 0.2 * press
      - 0.35 * Math.max(-lidD, 0) - 0.3 * wide, -0.6, 1);
    const ly = by + LOWER_LID * bumpL * (1 - 1.8 * lr);
    const closure = clip(Math.max(blink, 0) + 0.35 * Math.max(lidU, 0) + 0.3 * press + 0.2 * scrunch + 0.12 * down
      + 0.08 * squint + 0.2 * squint * (1 - t) + 0.1 * cheek + 0.25 * Math.max(-gy, 0), 0, 1);
    upper.push([bx, Math.min(open + (ly - open) * closure, ly)]);
    lower.push([bx, ly]);
  });
  const mid = 12, cxy = [(inner[0] + outer[0]) / 2, (inner[1] + outer[1]) / 2];
  return {
    upper, lower, iris: [cxy[0] + GAZE_X * gx, cxy[1] - 0.004 - GAZE_Y * gy],
    pupil: PUPIL_R * (1 + 0.35 * b.get(e + "pupil")),
    openness: (lower[mid][1] - upper[mid][1]) / (UPPER_LID + LOWER_LID),
  };
}

function path(ctx, pts, closed = true) {
  ctx.beginPath();
  pts.forEach(([x, y], i) => (i ? ctx.lineTo(x, y) : ctx.moveTo(x, y)));
  if (closed) ctx.closePath();
}

function fill(ctx, pts, style) { path(ctx, pts); ctx.fillStyle = style; ctx.fill(); }

function stroke(ctx, pts, style, width) {
  path(ctx, pts, false);
  ctx.strokeStyle = style; ctx.lineWidth = width; ctx.lineJoin = ctx.lineCap = "round"; ctx.stroke();
}

function ellipse(ctx, x, y, rx, ry, style) {
  ctx.beginPath(); ctx.ellipse(x, y, Math.max(rx, 0), Math.max(ry, 0), 0, 0, 2 * Math.PI);
  ctx.fillStyle = style; ctx.fill();
}

function soft(ctx, x, y, r, colour, strength) {
  const g = ctx.createRadialGradient(x, y, 0, x, y, r);
  g.addColorStop(0, rgba(colour, strength)); g.addColorStop(1, rgba(colour, 0));
  ctx.fillStyle = g; ctx.fillRect(x - r, y - r, 2 * r, 2 * r);
}

function drawStatic(ctx) {
  const g = ctx.createLinearGradient(0, 0, 0, 1);
  g.addColorStop(0, C.bgTop); g.addColorStop(1, C.bgBottom);
  ctx.fillStyle = g; ctx.fillRect(-1, -1, 3, 3);
  fill(ctx, catmullRom(HAIR_BACK, true), C.hair);
  fill(ctx, NECK, C.shade);
  fill(ctx, catmullRom(SHOULDERS), C.shirt);
  for (const sx of [-1, 1]) {
    ellipse(ctx, 0.5 + sx * 0.268, 0.4975, 0.03, 0.0675, C.skin);
    ellipse(ctx, 0.5 + sx * 0.274, 0.495, 0.014, 0.035, C.shade);
  }
}

function drawEye(ctx, e) {
  if (e.openness > 0.04) {
    ctx.save(); path(ctx, [...e.upper, ...e.lower.slice().reverse()]); ctx.clip();
    ctx.fillStyle = C.white; ctx.fill();
    ellipse(ctx, e.iris[0], e.iris[1], IRIS_R, IRIS_R, C.irisRim);
    ellipse(ctx, e.iris[0], e.iris[1], IRIS_R * 0.85, IRIS_R * 0.85, C.iris);
    ellipse(ctx, e.iris[0], e.iris[1], e.pupil, e.pupil, C.pupil);
    const glint = 0.22 * IRIS_R;
    ellipse(ctx, e.iris[0] + 0.47 * IRIS_R, e.iris[1] - 0.33 * IRIS_R, glint, glint, "rgba(255,255,255,0.86)");
    ctx.restore();
  }
  stroke(ctx, e.lower, rgba(C.line, 0.55), 0.002);
  stroke(ctx, e.upper, C.lash, e.openness < 0.15 ? 0.006 : 0.0045);
}

function drawMouth(ctx, m) {
  if (m.opening > 0.002) {
    ctx.save(); path(ctx, m.aperture); ctx.clip(); ctx.fillStyle = C.inside; ctx.fill();
    const [tx, ty, rx, ry] = m.tongue;
    if (!m.tongueOut) ellipse(ctx, tx, ty, rx, ry, C.tongue);
    fill(ctx, m.lowerTeeth, C.teethShade);
    fill(ctx, m.upperTeeth, C.teeth);
    if (m.tongueOut) ellipse(ctx, tx, ty, rx, ry, C.tongue);
    ctx.restore();
  }
  fill(ctx, m.upperLip, C.lipU);
  fill(ctx, m.lowerLip, C.lipD);
  const n = m.seam.length, line = rgba(C.lipLine, 0.55 + 0.4 * m.press);
  stroke(ctx, m.aperture.slice(0, n), line, 0.0028 + 0.0012 * m.press);
  stroke(ctx, m.aperture.slice(n), line, 0.0028 + 0.0012 * m.press);
  m.corners.forEach(([x, y], i) => {
    const sx = i ? 1 : -1;
    if (m.depress[i] > 0.05) { // marionette line under a turned-down corner
      stroke(ctx, [[x + sx * 0.004, y + 0.006], [x + sx * 0.01, y + 0.03]], rgba(C.line, 0.6 * m.depress[i]), 0.0025);
    }
  });
  stroke(ctx, catmullRom(m.chin, false, 6), rgba(C.line, 0.5 * m.chinStrength), 0.003);
}

/** Draw one frame ``values`` (174 numbers, the rig's column order) into ``canvas``. */
export function drawFace(canvas, columns, values) {
  const ctx = canvas.getContext("2d"), b = new Board(columns, values), size = canvas.width / VIEW_SPAN;
  ctx.setTransform(size, 0, 0, size, -VIEW_ORIGIN * size, -VIEW_ORIGIN * size);
  drawStatic(ctx);
  const mouth = mouthGeometry(b);
  fill(ctx, headOutline(b), C.skin);
  fill(ctx, catmullRom(HAIR_FRONT, true), C.hair);
  for (const [side, sx] of SIDES) {
    const raise = b.get(`${side}_eye_cheekRaise`), pull = b.get(`${side}_mouth_cornerPull`);
    soft(ctx, 0.5 + sx * 0.158, 0.592 - 0.03 * raise - 0.012 * pull, 0.068 * (1 + 0.15 * raise),
      C.blush, 0.4 * clip(0.25 + 0.45 * raise + 0.2 * pull, 0, 1));
    const corner = mouth.corners[sx > 0 ? 1 : 0];
    const fold = [[0.5 + sx * 0.047, 0.595], [0.5 + sx * (0.074 + 0.01 * pull), 0.64 - 0.008 * pull],
      [corner[0] + sx * 0.014, corner[1] + 0.012]]; // nasolabial fold, nose wing to mouth corner
    stroke(ctx, catmullRom(fold, false, 8), rgba(C.line, 0.7 * clip(0.1 + 0.45 * pull + 0.15 * raise, 0, 0.8)), 0.0035);
    const lines = clip(1.2 * Math.max(b.get(`${side}_brow_raiseIn`), b.get(`${side}_brow_raiseOut`)) - 0.15, 0, 1);
    if (lines > 0.01) { // forehead lines over a raised brow
      [0.272, 0.3, 0.328].forEach((y, k) => {
        const arc = [[0.5, y - 0.006 * lines], [0.5 + sx * (0.05 - 0.0075 * k), y - 0.003 * lines + 0.002],
          [0.5 + sx * (0.1 - 0.015 * k), y + 0.008]];
        stroke(ctx, catmullRom(arc, false, 6), rgba(C.line, 0.45 * lines), 0.0028);
      });
    }
    const frown = clip(1.1 * Math.max(b.get(`${side}_brow_down`), 0.8 * b.get(`${side}_brow_lateral`)) - 0.1, 0, 1);
    if (frown > 0.01) {
      const line = [[0.5 + sx * 0.012, 0.385], [0.5 + sx * 0.009, 0.407], [0.5 + sx * 0.012, 0.428]];
      stroke(ctx, line, rgba(C.line, 0.6 * frown), 0.0028);
    }
    drawEye(ctx, eye(b, side, sx));
    fill(ctx, brow(b, side, sx), C.brow);
    const dilate = b.get(`${side}_nose.tx`), lift = 0.008 * b.get(`${side}_nose`), out = 0.008 * dilate;
    stroke(ctx, catmullRom([[0.03, 0.563], [0.045 + out, 0.584], [0.043 + out, 0.605], [0.029, 0.613]]
      .map(([x, y], i) => [0.5 + sx * x, y - lift * [0.3, 1, 1, 0.8][i]]), false, 6), rgba(C.line, 0.6), 0.003);
    ellipse(ctx, 0.5 + sx * (0.018 + 0.3 * out), 0.608 - 0.8 * lift, 0.0105 * (1 + 0.5 * dilate),
      0.0052 * (1 + 0.3 * Math.max(dilate, 0)), C.nostril);
    const bridge = [[0.5 + sx * 0.03, 0.49], [0.5 + sx * 0.027, 0.525], [0.5 + sx * 0.026, 0.558]];
    stroke(ctx, catmullRom(bridge, false, 6), "rgba(214,168,142,0.5)", 0.003);
  }
  soft(ctx, 0.5, 0.573, 0.022, C.highlight, 0.5);
  drawMouth(ctx, mouth);
  return mouth;
}
