/**
 * The worker side of a TranslationPool (src/pool/pool.ts), on either platform: 'init' instantiates
 * the posted Wasm module (LoadOptions.wasmModule) and loads the model from the shared bytes; each 'translate' runs
 * model.translateBatch and posts the results or the error.
 */
import { loadModelFrom, SeqattnError, type Seq2SeqModel } from '../index.js'; // the entry, so the worker bundles import dist/index.js
import type { FromWorker, ToWorker } from './pool.js';

/** Serves pool messages: `onMessage` registers the handler, `post` answers. */
export function serve(onMessage: (handler: (m: ToWorker) => void) => void, post: (m: FromWorker) => void): void {
  let model: Seq2SeqModel | null = null;
  const error = (id: number, e: unknown): FromWorker =>
    ({ type: 'error', id, code: e instanceof SeqattnError ? e.code : undefined, message: e instanceof Error ? e.message : String(e) });
  onMessage((m) => {
    if (m.type === 'init') {
      loadModelFrom(m.source, { ...m.options, wasmModule: m.module }).then((loaded) => { model = loaded; post({ type: 'ready', config: loaded.config, attends: loaded.attends }); }, (e) => post(error(-1, e)));
      return;
    }
    try {
      post({ type: 'result', id: m.id, results: model!.translateBatch(m.inputs, m.options) });
    } catch (e) {
      post(error(m.id, e));
    }
  });
}
