// webpack 5 turns new URL('seqattn/models/...', import.meta.url) into an asset module: the model
// file is emitted to dist/ and its URL filled in, and the pool's worker script is emitted as a
// chunk; `npx webpack` needs no webpack.config.js.
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
