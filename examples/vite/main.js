// Vite resolves new URL('seqattn/models/...', import.meta.url) to the packaged model file and
// copies it into dist/assets; no vite.config.js needed.
import { loadModel } from 'seqattn';

const out = document.getElementById('out');
const model = await loadModel(new URL('seqattn/models/g2p-en/model.int8.safetensors', import.meta.url), { cache: true });
const show = () => { out.value = model.translate(document.getElementById('word').value.toLowerCase()).text; };
document.getElementById('word').addEventListener('input', show);
show();
out.dataset.ready = 'true';
