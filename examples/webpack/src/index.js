// webpack 5 turns new URL('seqattn/models/...', import.meta.url) into an asset module: the model
// file is emitted to dist/ and its URL filled in; `npx webpack` needs no webpack.config.js.
import { loadModel } from 'seqattn';

const out = document.getElementById('out');
const model = await loadModel(new URL('seqattn/models/g2p-en/model.int8.safetensors', import.meta.url), { cache: true });
const show = () => { out.value = model.translate(document.getElementById('word').value.toLowerCase()).text; };
document.getElementById('word').addEventListener('input', show);
show();
out.dataset.ready = 'true';
