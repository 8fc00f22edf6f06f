// Vite resolves new URL('seqattn/models/...', import.meta.url) to the packaged model file and
// copies it into dist/assets; it emits the pool's worker script the same way. No vite.config.js needed.
import { createPool, loadModel } from 'seqattn';

const out = document.getElementById('out');
const modelUrl = new URL('seqattn/models/g2p-en/model.int8.safetensors', import.meta.url);
const model = await loadModel(modelUrl, { cache: true });
const show = () => { out.value = model.translate(document.getElementById('word').value.toLowerCase()).text; };
document.getElementById('word').addEventListener('input', show);
show();
out.dataset.ready = 'true';

// The same model on 2 Web Workers (createPool): each worker runs the package entry seqattn/pool-worker.
const pool = await createPool(modelUrl, { workers: 2 });
const poolOut = document.getElementById('pool');
poolOut.value = (await pool.translateBatch(['pool', 'of', 'workers'])).map((t) => t.text).join(' | ');
poolOut.dataset.isolated = String(globalThis.crossOriginIsolated);
pool.close();
poolOut.dataset.ready = 'true';
