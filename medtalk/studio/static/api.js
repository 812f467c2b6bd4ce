// The studio's HTTP API as the page calls it (the same endpoints a pipeline uses; /openapi.json).
"use strict";

/** An API failure: ``message`` is the server's one line (the CLI's), ``status`` the HTTP code. */
export class ApiError extends Error {
  constructor(message, status) { super(message); this.status = status; }
}

async function call(method, url, body, type) {
  const init = {method, headers: {}};
  if (body !== undefined) {
    init.body = type === "application/json" ? JSON.stringify(body) : body;
    init.headers["Content-Type"] = type;
  }
  const res = await fetch(url, init);
  const doc = (res.headers.get("content-type") || "").startsWith("application/json") ? await res.json() : null;
  if (!res.ok) throw new ApiError(doc && doc.detail ? String(doc.detail) : `HTTP ${res.status}`, res.status);
  return doc;
}

// what to send when the browser knows no type for a file (it leaves File.type empty for some)
const BY_EXTENSION = {flac: "audio/flac", wav: "audio/wav", mp3: "audio/mpeg", ogg: "audio/ogg", opus: "audio/opus",
  webm: "audio/webm", m4a: "audio/mp4", aac: "audio/aac", aif: "audio/aiff", aiff: "audio/aiff", mp4: "video/mp4",
  jpg: "image/jpeg", jpeg: "image/jpeg", png: "image/png", webp: "image/webp", bmp: "image/bmp"};
const typeOf = (blob, name) => blob.type || BY_EXTENSION[name.split(".").pop().toLowerCase()] || "application/octet-stream";

export const api = {
  status: () => call("GET", "/api/status"),
  uploadAudio: (blob, name) => call("POST", `/api/audio?name=${encodeURIComponent(name)}`, blob, typeOf(blob, name)),
  uploadPhoto: (blob, name) => call("POST", `/api/photos?name=${encodeURIComponent(name)}`, blob, typeOf(blob, name)),
  transcribe: id => call("POST", `/api/audio/${id}/transcript`),
  animate: request => call("POST", "/api/takes", request, "application/json"),
  takes: () => call("GET", "/api/takes"),
  take: id => call("GET", `/api/takes/${id}`),
  rig: id => call("GET", `/api/takes/${id}/rig.json`),
  livelink: (id, target) => call("POST", `/api/takes/${id}/livelink`, {target}, "application/json"),
  wavUrl: id => `/api/audio/${id}/audio.wav`,
  photoUrl: id => `/api/photos/${id}`,
};

/** Mono samples of a 16-bit PCM WAV (what /api/audio/{id}/audio.wav serves): Float32Array. */
export function wavSamples(buffer) {
  const view = new DataView(buffer);
  let at = 12;
  while (at + 8 <= view.byteLength) {
    const id = String.fromCharCode(...new Uint8Array(buffer, at, 4)), size = view.getUint32(at + 4, true);
    if (id === "data") {
      const n = Math.floor(Math.min(size, view.byteLength - at - 8) / 2), out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getInt16(at + 8 + 2 * i, true) / 32768;
      return out;
    }
    at += 8 + size + (size & 1);
  }
  throw new Error("not a PCM WAV");
}
