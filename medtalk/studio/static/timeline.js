// The timeline editor: the waveform with emotion segments drawn on it. Drag on empty waveform to
// make a segment, drag a segment to move it, drag its edges to resize; a click without a drag
// scrubs. Segments are the --timeline JSON's (docs/GUIDANCE.md): start, end and one of label,
// blend, description or image (here the id of an uploaded photo).
"use strict";

const EDGE_PX = 6; // how near an edge a press grabs it
const MIN_SECONDS = 0.1;
const COLOURS = ["#e07a5f", "#3d85c6", "#81b29a", "#f2cc8f", "#9d6bb0", "#5fb3b3"];

export class TimelineEditor {
  /** ``canvas``: where to draw; ``onSelect(segment|null)``, ``onSeek(seconds)``, ``onChange()``. */
  constructor(canvas, {onSelect, onSeek, onChange}) {
    Object.assign(this, {canvas, onSelect, onSeek, onChange});
    this.peaks = null; this.duration = 0; this.segments = []; this.selected = null; this.playhead = 0;
    this.drag = null;
    canvas.addEventListener("pointerdown", e => this.press(e));
    canvas.addEventListener("pointermove", e => this.move(e));
    canvas.addEventListener("pointerup", e => this.release(e));
  }

  /** Show ``samples`` (mono Float32Array) lasting ``duration`` s; keeps min/max per pixel column. */
  setAudio(samples, duration) {
    const w = this.canvas.width, step = Math.max(1, Math.floor(samples.length / w));
    this.peaks = Array.from({length: w}, (_, x) => {
      let lo = 0, hi = 0;
      for (let i = x * step; i < Math.min((x + 1) * step, samples.length); i++) {
        lo = Math.min(lo, samples[i]); hi = Math.max(hi, samples[i]);
      }
      return [lo, hi];
    });
    this.duration = duration; this.segments = []; this.select(null);
  }

  seconds(e) {
    const r = this.canvas.getBoundingClientRect();
    return Math.min(Math.max((e.clientX - r.left) / r.width, 0), 1) * this.duration;
  }

  px(t) { return t / this.duration * this.canvas.getBoundingClientRect().width; }

  hit(e) {
    const t = this.seconds(e), x = this.px(t);
    for (const s of this.segments) {
      if (Math.abs(x - this.px(s.start)) <= EDGE_PX) return {segment: s, part: "start"};
      if (Math.abs(x - this.px(s.end)) <= EDGE_PX) return {segment: s, part: "end"};
      if (t > s.start && t < s.end) return {segment: s, part: "body"};
    }
    return null;
  }

  press(e) {
    if (!this.duration) return;
    this.canvas.setPointerCapture(e.pointerId);
    const t = this.seconds(e), hit = this.hit(e);
    this.drag = {t0: t, hit, moved: false, start: hit && hit.segment.start, end: hit && hit.segment.end};
  }

  move(e) {
    if (!this.drag) {
      const hit = this.duration && this.hit(e);
      this.canvas.style.cursor = hit ? (hit.part === "body" ? "grab" : "ew-resize") : "crosshair";
      return;
    }
    const t = this.seconds(e), d = this.drag;
    if (!d.moved && Math.abs(this.px(t) - this.px(d.t0)) < 3) return;
    d.moved = true;
    if (!d.hit) { // a new segment from where the press began
      const s = {start: d.t0, end: d.t0, label: "happy"};
      this.segments.push(s);
      d.hit = {segment: s, part: "end"}; d.start = s.start; d.end = s.end;
      this.select(s);
    }
    const s = d.hit.segment;
    if (d.hit.part === "body") {
      const len = d.end - d.start, start = Math.min(Math.max(d.start + t - d.t0, 0), this.duration - len);
      s.start = start; s.end = start + len;
    } else if (d.hit.part === "start") {
      s.start = Math.min(Math.max(t, 0), s.end - MIN_SECONDS);
    } else {
      s.end = Math.max(Math.min(t, this.duration), s.start + MIN_SECONDS);
    }
    this.draw();
  }

  release(e) {
    const d = this.drag;
    this.drag = null;
    if (!d) return;
    if (!d.moved) {
      if (d.hit) this.select(d.hit.segment); else this.onSeek(d.t0);
      return;
    }
    const s = d.hit.segment;
    if (s.end - s.start < MIN_SECONDS) s.end = Math.min(s.start + MIN_SECONDS, this.duration);
    s.start = round(s.start); s.end = round(s.end);
    this.segments.sort((a, b) => a.start - b.start);
    this.select(s); this.onChange();
  }

  select(segment) { this.selected = segment; this.onSelect(segment); this.draw(); }

  remove(segment) {
    this.segments = this.segments.filter(s => s !== segment);
    this.select(null); this.onChange();
  }

  /** The --timeline JSON, or null without segments. */
  toJSON() {
    return this.segments.length ? {segments: this.segments.map(s => ({...s}))} : null;
  }

  /** Load a --timeline JSON (a list or {"segments": [...]}); checking it is the server's job. */
  load(doc) {
    const list = Array.isArray(doc) ? doc : doc && doc.segments;
    if (!Array.isArray(list)) throw new Error('expected a list of segments or {"segments": [...]}');
    this.segments = list.map(s => ({...s}));
    this.select(null); this.onChange();
  }

  setPlayhead(seconds) { this.playhead = seconds; this.draw(); }

  draw() {
    const c = this.canvas, ctx = c.getContext("2d"), w = c.width, h = c.height;
    ctx.clearRect(0, 0, w, h);
    ctx.fillStyle = "#1d2330"; ctx.fillRect(0, 0, w, h);
    if (!this.peaks) return;
    const scale = w / c.getBoundingClientRect().width;
    this.segments.forEach((s, i) => {
      const x0 = this.px(s.start) * scale, x1 = this.px(s.end) * scale;
      ctx.fillStyle = COLOURS[i % COLOURS.length] + (s === this.selected ? "aa" : "66");
      ctx.fillRect(x0, 0, x1 - x0, h);
      ctx.fillStyle = "#fff"; ctx.font = "12px sans-serif";
      ctx.fillText(describe(s), x0 + 4, 14, Math.max(x1 - x0 - 8, 1));
    });
    ctx.strokeStyle = "#9fc5e8"; ctx.beginPath();
    this.peaks.forEach(([lo, hi], x) => { ctx.moveTo(x + 0.5, h / 2 - hi * h / 2); ctx.lineTo(x + 0.5, h / 2 - lo * h / 2 + 1); });
    ctx.stroke();
    const x = this.px(this.playhead) * scale;
    ctx.strokeStyle = "#ffd966"; ctx.lineWidth = 2; ctx.beginPath(); ctx.moveTo(x, 0); ctx.lineTo(x, h); ctx.stroke();
    ctx.lineWidth = 1;
  }
}

const round = t => Math.round(t * 100) / 100;

export function describe(s) {
  for (const kind of ["label", "blend", "description"]) if (kind in s) return String(s[kind]);
  return "image" in s ? "photo" : "?";
}
