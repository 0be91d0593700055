#!/usr/bin/env node
// Reference outputs of the public test models (scripts/fetch-test-models.sh
// puts them in .deps/models/), computed by ONNX Runtime's own node binding
// (onnxruntime-node, fetched by scripts/fetch-onnxruntime.sh --node into
// .deps/onnxruntime-node/): an implementation independent of joule's C API
// declarations (executors/onnxruntime/ort_api.h), over the same library.
//
// Usage: reference.js OUT_DIR
//
// For every case below it builds deterministic inputs (a seeded PRNG written
// here, so the bytes never depend on a library), runs the model on one
// thread, and writes into OUT_DIR:
//   <case>.<tensor>.bin   each input and output: raw little-endian bytes,
//                         row-major (characters outside [A-Za-z0-9._-] of a
//                         tensor name become '_')
//   manifest.json         written last:
//     {"onnxruntime": "1.30.0", "models_dir": "/abs/.deps/models",
//      "models": [{"name": case, "file": "model.onnx",
//                  "inputs":  [{"name", "dtype", "shape", "file"}, ...],
//                  "outputs": [{"name", "dtype", "shape", "file"}, ...],
//                  "tolerance": {"abs": a, "rel": r}}, ...]}
//   dtype is one of float32 float16 int8 uint8 int32 int64 bool; inputs and
//   outputs are in the model's order. An output matches when, element by
//   element, |got - want| <= abs + rel * |want|.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..', '..');
const modelsDir = path.join(root, '.deps', 'models');
const ort = require(path.join(root, '.deps', 'onnxruntime-node', 'node_modules',
                              'onnxruntime-node'));

// mulberry32: a 32-bit PRNG, uniform in [0, 1).
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// FNV-1a of a string: each tensor's seed comes from its case and name.
function fnv1a(s) {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; ++i) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

const count = (shape) => shape.reduce((a, b) => a * b, 1);

// float32 tensor, uniform in [lo, hi).
function uniform(seedName, shape, lo, hi) {
  const next = prng(fnv1a(seedName));
  const data = new Float32Array(count(shape));
  for (let i = 0; i < data.length; ++i) data[i] = lo + (hi - lo) * next();
  return new ort.Tensor('float32', data, shape);
}

// A page of printed-looking text, pixel values in [0, 1] (1 white): lines
// of glyphs, each glyph 2 to 4 random strokes in a cell, words apart.
// Random pixels alone leave the text detector's output all ~0.
function textPage(next, h, w, lineH) {
  const page = new Float32Array(h * w).fill(1);
  const glyphH = Math.floor(lineH * 0.75);
  for (let top = 4; top + lineH <= h - 2; top += Math.floor(lineH * 1.6)) {
    let x = 4 + Math.floor(next() * 10);
    const end = w - 4 - Math.floor(next() * w * 0.3);
    while (x < end - glyphH) {
      const glyphW = Math.floor(glyphH * (0.5 + 0.3 * next()));
      const strokes = 2 + Math.floor(next() * 3);
      for (let b = 0; b < strokes; ++b) {
        const vertical = next() < 0.5;
        const thick = 1 + Math.floor(next() * Math.max(1, glyphH / 8));
        const at = Math.floor(next() * (vertical ? glyphW : glyphH));
        for (let k = 0; k < thick; ++k) {
          if (vertical) {
            const xx = Math.min(w - 1, x + at + k);
            for (let y = top; y < top + glyphH; ++y) page[y * w + xx] = 0;
          } else {
            const y = Math.min(h - 1, top + at + k);
            for (let xx = x; xx < x + glyphW; ++xx) page[y * w + xx] = 0;
          }
        }
      }
      x += glyphW + Math.max(1, Math.floor(glyphH * 0.15)) +
           (next() < 0.12 ? glyphH : 0);
    }
  }
  return page;
}

// textPage under a little noise, normalised as PaddleOCR feeds its models:
// ImageNet mean and std per channel for detection, (v - 0.5) / 0.5 for
// recognition and direction. Shape [1, 3, h, w]; lines lineH pixels high.
const IMAGENET = {mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225]};
const HALF = {mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5]};
function textImage(seed, shape, lineH, norm) {
  const [, channels, h, w] = shape;
  const next = prng(fnv1a(seed));
  const page = textPage(next, h, w, lineH);
  const data = new Float32Array(count(shape));
  for (let c = 0; c < channels; ++c) {
    for (let i = 0; i < h * w; ++i) {
      const v = Math.min(1, Math.max(0, page[i] + 0.04 * (2 * next() - 1)));
      data[c * h * w + i] = (v - norm.mean[c]) / norm.std[c];
    }
  }
  return new ort.Tensor('float32', data, shape);
}

// Audio as floats in [-1, 1): a tone under noise, as VAD sees it.
function audio(seed, shape, scale) {
  const next = prng(fnv1a(seed));
  const data = new Float32Array(count(shape));
  for (let i = 0; i < data.length; ++i) {
    data[i] = scale * (0.5 * Math.sin(i * 0.07) + 0.3 * (2 * next() - 1));
  }
  return new ort.Tensor('float32', data, shape);
}

const int64Scalar = (v) => new ort.Tensor('int64', BigInt64Array.from([BigInt(v)]), []);

// The cases: one model may appear at several input sizes (its dynamic dims
// fixed by the shapes given), as jobs do.
const TOL = {abs: 1e-4, rel: 1e-3};
const CASES = [
  {name: 'ppocr_det_320x320', file: 'ppocr_det.onnx', tolerance: TOL,
   inputs: (n) => ({x: textImage(n + '.x', [1, 3, 320, 320], 16, IMAGENET)})},
  {name: 'ppocr_det_224x384', file: 'ppocr_det.onnx', tolerance: TOL,
   inputs: (n) => ({x: textImage(n + '.x', [1, 3, 224, 384], 20, IMAGENET)})},
  {name: 'ppocr_rec_w320', file: 'ppocr_rec.onnx', tolerance: TOL,
   inputs: (n) => ({x: textImage(n + '.x', [1, 3, 48, 320], 36, HALF)})},
  {name: 'ppocr_rec_w160', file: 'ppocr_rec.onnx', tolerance: TOL,
   inputs: (n) => ({x: textImage(n + '.x', [1, 3, 48, 160], 36, HALF)})},
  {name: 'ppocr_cls', file: 'ppocr_cls.onnx', tolerance: TOL,
   inputs: (n) => ({x: textImage(n + '.x', [1, 3, 48, 192], 36, HALF)})},
  // Silero VAD v5: a 32 ms chunk (512 samples at 16 kHz, 256 at 8 kHz), the
  // recurrent state from the previous chunk, and the sample rate (int64;
  // the graph branches on it).
  {name: 'silero_vad_16k', file: 'silero_vad.onnx', tolerance: TOL,
   inputs: (n) => ({input: audio(n + '.input', [1, 512], 0.5),
                    state: uniform(n + '.state', [2, 1, 128], -0.5, 0.5),
                    sr: int64Scalar(16000)})},
  {name: 'silero_vad_8k', file: 'silero_vad.onnx', tolerance: TOL,
   inputs: (n) => ({input: audio(n + '.input', [1, 256], 0.5),
                    state: uniform(n + '.state', [2, 1, 128], -0.5, 0.5),
                    sr: int64Scalar(8000)})},
  // openWakeWord: 1760 samples (an 80 ms frame and its context) at the
  // int16 scale it is fed -> mel frames; 76 mel frames -> one embedding;
  // 25 embeddings -> the keyword score.
  {name: 'kws_melspectrogram', file: 'kws_melspectrogram.onnx',
   tolerance: TOL,
   inputs: (n) => ({input: audio(n + '.input', [1, 1760], 32767)})},
  {name: 'kws_embedding', file: 'kws_embedding.onnx', tolerance: TOL,
   inputs: (n) => ({input_1: uniform(n + '.input_1', [1, 76, 32, 1], 0, 4)})},
  {name: 'kws_hello_deepa', file: 'kws_hello_deepa.onnx', tolerance: TOL,
   inputs: (n) => ({'onnx::Flatten_0':
                        uniform(n + '.in', [1, 25, 96], -2, 2)})},
];

const DTYPES = new Set(['float32', 'float16', 'int8', 'uint8', 'int32', 'int64', 'bool']);

function fileName(caseName, tensorName) {
  return `${caseName}.${tensorName.replace(/[^A-Za-z0-9._-]/g, '_')}.bin`;
}

function write(outDir, caseName, name, tensor) {
  if (!DTYPES.has(tensor.type)) {
    throw new Error(`${caseName}: tensor '${name}' has dtype ${tensor.type}`);
  }
  const file = fileName(caseName, name);
  const d = tensor.data;
  fs.writeFileSync(path.join(outDir, file),
                   Buffer.from(d.buffer, d.byteOffset, d.byteLength));
  return {name, dtype: tensor.type, shape: tensor.dims.map(Number), file};
}

async function main() {
  if (process.argv.length !== 3) {
    console.error('usage: reference.js OUT_DIR');
    process.exit(2);
  }
  if (os.endianness() !== 'LE') throw new Error('little-endian hosts only');
  const outDir = path.resolve(process.argv[2]);
  fs.mkdirSync(outDir, {recursive: true});
  fs.rmSync(path.join(outDir, 'manifest.json'), {force: true});

  const options = {intraOpNumThreads: 1, interOpNumThreads: 1,
                   executionMode: 'sequential', graphOptimizationLevel: 'all'};
  const models = [];
  for (const c of CASES) {
    const session = await ort.InferenceSession.create(
        path.join(modelsDir, c.file), options);
    const feeds = c.inputs(c.name);
    const missing = session.inputNames.filter((n) => !(n in feeds));
    if (missing.length > 0 ||
        Object.keys(feeds).length !== session.inputNames.length) {
      throw new Error(`${c.name}: the model's inputs are ${session.inputNames}`);
    }
    const results = await session.run(feeds);
    models.push({
      name: c.name,
      file: c.file,
      inputs: session.inputNames.map((n) => write(outDir, c.name, n, feeds[n])),
      outputs: session.outputNames.map(
          (n) => write(outDir, c.name, n, results[n])),
      tolerance: c.tolerance,
    });
    await session.release();
  }
  const manifest = {onnxruntime: ort.env.versions.node, models_dir: modelsDir,
                    models};
  const tmp = path.join(outDir, 'manifest.json.tmp');
  fs.writeFileSync(tmp, JSON.stringify(manifest, null, 1) + '\n');
  fs.renameSync(tmp, path.join(outDir, 'manifest.json'));
}

main().catch((e) => {
  console.error(`reference.js: ${e.message}`);
  process.exit(1);
});
