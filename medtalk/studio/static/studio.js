// The studio page: wires the controls to the API, plays takes with the face in sync, lists takes.
"use strict";

import {api, ApiError, wavSamples} from "./api.js";
import {boardColumns, drawFace} from "./face.js";
import {drawCurves} from "./curves.js";
import {TimelineEditor} from "./timeline.js";

const $ = id => document.getElementById(id);
const POLL_MS = 500;
const DEFAULT_CURVES = ["CTRL_C_jaw-translateY", "CTRL_L_mouth_cornerPull-translateY", "CTRL_L_brow_raiseIn-translateY"];
const state = {audio: null, photo: null, emotions: [], busy: false, views: {a: null, b: null}, curves: DEFAULT_CURVES.slice(),
  recorder: null, takes: []};

function showError(err) {
  $("error").textContent = err ? `medtalk: error: ${err.message || err}` : "";
}

async function guarded(fn) {
  try { showError(null); return await fn(); } catch (err) { showError(err); return undefined; }
}

// ---- status: the page says when the studio is busy ----
async function pollStatus() {
  try {
    const s = await api.status();
    state.busy = s.busy;
    const el = $("status");
    el.classList.toggle("busy", s.busy);
    el.textContent = s.busy
      ? `busy: ${s.running.map(j => `${j.kind} (${j.stage}, ${j.elapsed.toFixed(1)} s)`).join(", ")} — new jobs wait`
      : `ready · up to ${s.max_jobs} job(s), ${(s.max_bytes / 1048576).toFixed(0)} MB, ${s.max_seconds} s of audio`;
    $("animate").disabled = !state.audio || s.busy;
    $("transcribe").disabled = !state.audio || s.busy;
  } catch (err) {
    $("status").textContent = "the studio server is not answering";
  }
  setTimeout(pollStatus, POLL_MS);
}

// ---- the line: upload, record, transcribe ----
async function useAudio(record) {
  state.audio = record;
  const buffer = await (await fetch(api.wavUrl(record.id))).arrayBuffer();
  timeline.setAudio(wavSamples(buffer), record.duration);
  $("animate").disabled = state.busy;
  $("transcribe").disabled = state.busy;
  $("audio-info").textContent = `${record.name} · ${record.duration.toFixed(2)} s`; // last: the line is ready
}

$("audio-file").addEventListener("change", e => guarded(async () => {
  const file = e.target.files[0];
  e.target.value = "";
  if (file) await useAudio(await api.uploadAudio(file, file.name));
}));

$("record").addEventListener("click", () => guarded(async () => {
  if (state.recorder) { state.recorder.stop(); return; }
  const stream = await navigator.mediaDevices.getUserMedia({audio: true});
  const recorder = new MediaRecorder(stream), chunks = [];
  recorder.ondataavailable = e => chunks.push(e.data);
  recorder.onstop = () => guarded(async () => {
    stream.getTracks().forEach(t => t.stop());
    state.recorder = null; $("record").textContent = "● Record";
    const blob = new Blob(chunks, {type: recorder.mimeType.split(";")[0] || "audio/webm"});
    await useAudio(await api.uploadAudio(blob, "recording.webm"));
  });
  recorder.start();
  state.recorder = recorder; $("record").textContent = "■ Stop";
}));

$("transcribe").addEventListener("click", () => guarded(async () => {
  $("transcribe").disabled = true;
  try { $("transcript").value = (await api.transcribe(state.audio.id)).transcript; } finally { $("transcribe").disabled = false; }
}));

// ---- direction ----
function buildEmotionControls(emotions) {
  state.emotions = emotions;
  for (const select of [$("label"), $("seg-label")]) {
    select.innerHTML = emotions.map(e => `<option>${e}</option>`).join("");
  }
  $("label").value = "neutral";
  $("blend").innerHTML = emotions.map(e =>
    `<label for="blend-${e}">${e}</label><input id="blend-${e}" type="range" min="0" max="1" step="0.05" value="${e === "neutral" ? 1 : 0}"><output id="blend-${e}-value">${e === "neutral" ? "1.00" : "0.00"}</output>`).join("");
  for (const e of emotions) $(`blend-${e}`).addEventListener("input", ev => { $(`blend-${e}-value`).textContent = Number(ev.target.value).toFixed(2); });
}

$("label").addEventListener("change", e => {
  for (const emotion of state.emotions) {
    const v = emotion === e.target.value ? 1 : 0;
    $(`blend-${emotion}`).value = v; $(`blend-${emotion}-value`).textContent = v.toFixed(2);
  }
});

/** The -e value the sliders say: one label, or a blend like happy:0.7,surprised:0.3. */
function emotionValue() {
  const parts = state.emotions.map(e => [e, Number($(`blend-${e}`).value)]).filter(([, w]) => w > 0);
  if (!parts.length) return "neutral";
  return parts.length === 1 ? parts[0][0] : parts.map(([e, w]) => `${e}:${w}`).join(",");
}

$("intensity").addEventListener("input", e => { $("intensity-value").textContent = Number(e.target.value).toFixed(2); });

$("photo").addEventListener("change", e => guarded(async () => {
  const file = e.target.files[0];
  e.target.value = "";
  if (!file) return;
  state.photo = await api.uploadPhoto(file, file.name);
  $("photo-thumb").src = api.photoUrl(state.photo.id);
  $("photo-thumb").hidden = $("photo-clear").hidden = false;
}));
$("photo-clear").addEventListener("click", () => { state.photo = null; $("photo-thumb").hidden = $("photo-clear").hidden = true; });

// ---- timeline ----
const timeline = new TimelineEditor($("timeline"), {
  onSelect: showSegment, onSeek: t => seek(t), onChange: () => showSegment(timeline.selected),
});

function showSegment(s) {
  $("segment").hidden = !s;
  if (!s) return;
  const kind = ["label", "blend", "description", "image"].find(k => k in s) || "label";
  $("seg-start").value = s.start; $("seg-end").value = s.end; $("seg-kind").value = kind;
  $("seg-label").hidden = kind !== "label";
  $("seg-value").hidden = kind === "label" || kind === "image";
  $("seg-photo-button").hidden = kind !== "image";
  if (kind === "label") $("seg-label").value = s.label;
  else if (kind !== "image") $("seg-value").value = typeof s[kind] === "string" ? s[kind] : JSON.stringify(s[kind]);
}

function setSegmentKind(s, kind, value) {
  for (const k of ["label", "blend", "description", "image"]) delete s[k];
  s[kind] = value;
  timeline.draw(); showSegment(s);
}

$("seg-kind").addEventListener("change", e => {
  const s = timeline.selected, kind = e.target.value;
  setSegmentKind(s, kind, {label: "happy", blend: "happy:0.5,surprised:0.5", description: "", image: ""}[kind]);
});
$("seg-label").addEventListener("change", e => setSegmentKind(timeline.selected, "label", e.target.value));
$("seg-value").addEventListener("change", e => setSegmentKind(timeline.selected, $("seg-kind").value, e.target.value));
for (const key of ["start", "end"]) {
  $(`seg-${key}`).addEventListener("change", e => { timeline.selected[key] = Number(e.target.value); timeline.draw(); });
}
$("seg-photo").addEventListener("change", e => guarded(async () => {
  const file = e.target.files[0];
  e.target.value = "";
  if (file) setSegmentKind(timeline.selected, "image", (await api.uploadPhoto(file, file.name)).id);
}));
$("seg-delete").addEventListener("click", () => timeline.remove(timeline.selected));
$("timeline-clear").addEventListener("click", () => { timeline.segments = []; timeline.select(null); });
$("timeline-file").addEventListener("change", e => guarded(async () => {
  const file = e.target.files[0];
  e.target.value = "";
  if (file) timeline.load(JSON.parse(await file.text()));
}));
$("timeline-save").addEventListener("click", () => {
  const blob = new Blob([JSON.stringify(timeline.toJSON() || {segments: []}, null, 1)], {type: "application/json"});
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob); a.download = "timeline.json"; a.click();
});

// ---- animate ----
function takeRequest() {
  const request = {audio: state.audio.id, intensity: Number($("intensity").value), timeline: timeline.toJSON(),
    transcribe: $("whisper").checked};
  const text = $("transcript").value.trim();
  if (text) request.transcript = text;
  if ($("describe").value.trim()) request.describe = $("describe").value.trim();
  else if (state.photo) request.reference = state.photo.id;
  else request.emotion = emotionValue();
  return request;
}

$("animate").addEventListener("click", () => guarded(async () => {
  const clicked = performance.now();
  $("animate").disabled = true;
  $("progress").hidden = false;
  $("stage").textContent = "starting…";
  try {
    let take = await api.animate(takeRequest());
    refreshTakes();
    while (take.status === "queued" || take.status === "running") {
      $("stage").textContent = `${take.stage}…`;
      await new Promise(r => setTimeout(r, 150));
      take = await api.take(take.id);
    }
    if (take.status === "failed") throw new ApiError(take.error, 400);
    $("stage").textContent = `done in ${take.elapsed.toFixed(1)} s`;
    await watch(take, "a");
    await $("player").play().catch(() => {}); // autoplay may be refused; the controls still work
    document.body.dataset.firstPlayMs = String(Math.round(performance.now() - clicked));
  } finally {
    $("progress").hidden = true;
    refreshTakes();
  }
}));

// ---- watch ----
async function watch(take, slot) {
  const rig = await api.rig(take.id);
  state.views[slot] = {take, rig, columns: boardColumns(rig.controls)};
  $(`caption-${slot}`).textContent = `${slot.toUpperCase()}: ${take.name} · ${take.direction}`;
  if (slot === "b") $("figure-b").hidden = false;
  if (slot === "a") {
    const player = $("player");
    player.src = api.wavUrl(take.audio);
    await new Promise(r => { player.onloadedmetadata = r; player.onerror = r; });
    $("curve-add").innerHTML = '<option value="">add a control…</option>' + rig.controls.map(c => `<option>${c}</option>`).join("");
  }
  render();
}

function seek(seconds) {
  const player = $("player");
  if (player.src) player.currentTime = seconds;
  render();
}

/** Draw every view at the player's time; the frame shown is floor(time * fps). */
function render() {
  const t = $("player").currentTime || 0;
  for (const slot of ["a", "b"]) {
    const view = state.views[slot];
    if (!view) continue;
    const n = view.rig.frames.length, frame = Math.min(Math.floor(t * view.rig.fps), n - 1);
    const canvas = $(`face-${slot}`);
    drawFace(canvas, view.columns, view.rig.frames[frame]);
    canvas.dataset.frame = String(frame);
    canvas.dataset.time = t.toFixed(4);
  }
  const a = state.views.a;
  if (a) {
    const duration = a.rig.frames.length / a.rig.fps;
    $("scrub").value = String(t / duration);
    $("clock").textContent = `${t.toFixed(2)} s`;
    timeline.setPlayhead(t);
  }
  drawCurves($("curves"), [state.views.a, state.views.b], state.curves, t);
  showChips();
}

function loop() { if (!$("player").paused) render(); requestAnimationFrame(loop); }
$("player").addEventListener("seeked", render);
$("player").addEventListener("pause", render);
$("scrub").addEventListener("input", e => {
  const a = state.views.a;
  if (a) seek(Number(e.target.value) * a.rig.frames.length / a.rig.fps);
});
$("curve-add").addEventListener("change", e => {
  if (e.target.value && !state.curves.includes(e.target.value)) state.curves.push(e.target.value);
  e.target.value = ""; render();
});

function showChips() {
  const chips = $("curve-chips");
  const html = state.curves.map(c => `<span class="chip" data-name="${c}">${c.replace(/^CTRL_/, "")} ✕</span>`).join("");
  if (chips.innerHTML !== html) chips.innerHTML = html;
}
$("curve-chips").addEventListener("click", e => {
  const name = e.target.dataset.name;
  if (name) { state.curves = state.curves.filter(c => c !== name); render(); }
});

// ---- takes ----
async function refreshTakes() {
  state.takes = await api.takes();
  $("takes").tBodies[0].innerHTML = state.takes.map(t => {
    const done = t.status === "done", when = new Date(t.created * 1000).toLocaleTimeString();
    const files = done ? `<a href="/api/takes/${t.id}/rig.json" download>rig</a><a href="/api/takes/${t.id}/export.zip" download class="export">export.zip</a>` : "";
    const plan = t.request.timeline ? `<a href="/api/takes/${t.id}/timeline.json" download>timeline</a>` : "";
    const buttons = done ? `<button data-act="a" data-id="${t.id}">Watch</button><button data-act="b" data-id="${t.id}">Compare</button><button data-act="ll" data-id="${t.id}">Live Link</button>` : "";
    return `<tr class="${t.status}" data-take="${t.id}"><td>${escape(t.name)}<br><span class="muted">${when}</span></td>
      <td>${escape(t.direction)}${t.request.timeline ? " + timeline" : ""}</td>
      <td>${t.status === "failed" ? escape(t.error) : t.status}</td><td>${buttons}<br>${files}${plan}</td></tr>`;
  }).join("");
}

$("takes").addEventListener("click", e => guarded(async () => {
  const {act, id} = e.target.dataset;
  const take = state.takes.find(t => t.id === id);
  if (!take) return;
  if (act === "a" || act === "b") await watch(take, act);
  if (act === "ll") {
    const job = await api.livelink(id, $("livelink-target").value.trim());
    $("stage").textContent = `Live Link: ${job.stage}`;
  }
}));

const escape = s => String(s ?? "").replace(/[&<>"]/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}[c]));

// ---- start ----
guarded(async () => {
  buildEmotionControls((await api.status()).emotions);
  timeline.draw();
  pollStatus();
  await refreshTakes();
  requestAnimationFrame(loop);
  document.body.dataset.ready = "1";
});
