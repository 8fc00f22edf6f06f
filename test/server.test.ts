// examples/server (imports 'seqattn', i.e. dist/, built by `npm run build`): starts on a free port,
// answers concurrent requests through its dynamic batcher with the translations the model gives
// directly, rejects bad requests with 4xx without failing the others of their batch, shuts down.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadModel } from '../src/node.js';

const serverModule: string = '../examples/server/server.mjs';

test('examples/server: concurrent requests batched, equal to model.translate; errors 4xx; closes', async () => {
  const { startServer } = await import(serverModule);
  const s = await startServer({ port: 0, workers: 2, maxBatch: 8, maxWaitMs: 50 });
  const batches: number[] = [];
  const translateBatch = s.pool.translateBatch.bind(s.pool);
  s.pool.translateBatch = (inputs: unknown[], o: unknown) => { batches.push(inputs.length); return translateBatch(inputs, o); };
  const model = await loadModel('g2p-en', { weights: 'int8' });
  const post = (body: unknown) => fetch(`${s.url}/translate`, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body) });
  try {
    const words = ['attention', 'batch', 'server', 'request', 'latency', 'a', 'worker', 'pool', 'zebra', 'http', 'quantised', 'loop'];
    const bad = [[5, 999]];
    const responses = await Promise.all([...words.map((w) => post({ input: w })), post({ inputs: words.slice(0, 3) }), post({ input: bad[0] })]);
    const bodies = await Promise.all(responses.map((r) => r.json()));
    words.forEach((w, k) => {
      assert.is(responses[k].status, 200);
      const want = model.translate(w);
      assert.is(bodies[k].text, want.text, w);
      assert.equal(bodies[k].tokens, want.tokens, w);
      assert.ok(Math.abs(bodies[k].score - want.score) < 1e-4, `${w}: score ${bodies[k].score} vs ${want.score}`);
    });
    assert.equal(bodies[words.length].map((b: { text: string }) => b.text), words.slice(0, 3).map((w) => model.translate(w).text));
    assert.ok(batches.length < 8 && Math.max(...batches) <= 8, `16 inputs in batches of ${batches}`);
    assert.is(responses[words.length + 1].status, 400);
    assert.is(bodies[words.length + 1].error.code, 'E_TOKEN_ID');
    assert.is((await post('{not json')).status, 400);
    assert.is((await post({ input: 42 })).status, 400);
    assert.is((await fetch(`${s.url}/nope`)).status, 404);
    assert.equal(await (await fetch(`${s.url}/health`)).json(), { ok: true, workers: 2 });
  } finally {
    model.dispose();
    await s.close();
  }
  let refused = false;
  try { await fetch(`${s.url}/health`); } catch { refused = true; }
  assert.ok(refused, 'the server stopped listening');
});

test.run();
