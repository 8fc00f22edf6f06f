// esbuild does not rewrite new URL(..., import.meta.url); import the model file instead and let
// the `file` loader copy it next to the bundle (--loader:.safetensors=file) and give its URL.
// esbuild copies no worker script either: the build makes the package entry seqattn/pool-worker an
// entry point of its own (pool-worker=seqattn/pool-worker -> dist/pool-worker.js), and createPool
// gets its URL as workerUrl. --splitting keeps the code both entries share (and the G2P tagger,
// loaded on first use) in chunks of their own.
import { createPool, loadModel } from 'seqattn';
import modelUrl from 'seqattn/models/g2p-en/model.int8.safetensors';

const out = document.getElementById('out');
const model = await loadModel(new URL(modelUrl, import.meta.url), { cache: true });
const show = () => { out.value = model.translate(document.getElementById('word').value.toLowerCase()).text; };
document.getElementById('word').addEventListener('input', show);
show();
out.dataset.ready = 'true';

// The same model on 2 Web Workers (createPool): each worker runs the package entry seqattn/pool-worker.
const pool = await createPool(new URL(modelUrl, import.meta.url), { workers: 2, workerUrl: new URL('./pool-worker.js', import.meta.url) });
const poolOut = document.getElementById('pool');
poolOut.value = (await pool.translateBatch(['pool', 'of', 'workers'])).map((t) => t.text).join(' | ');
poolOut.dataset.isolated = String(globalThis.crossOriginIsolated);
pool.close();
poolOut.dataset.ready = 'true';
