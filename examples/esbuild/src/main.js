// esbuild does not rewrite new URL(..., import.meta.url); import the model file instead and let
// the `file` loader copy it next to the bundle (--loader:.safetensors=file) and give its URL.
import { loadModel } from 'seqattn';
import modelUrl from 'seqattn/models/g2p-en/model.int8.safetensors';

const out = document.getElementById('out');
const model = await loadModel(new URL(modelUrl, import.meta.url), { cache: true });
const show = () => { out.value = model.translate(document.getElementById('word').value.toLowerCase()).text; };
document.getElementById('word').addEventListener('input', show);
show();
out.dataset.ready = 'true';
