// Public PyTorch encoder-decoder implementations, saved as their code saves them (state_dict() with
// the project's own names, no seqattn metadata) and loaded with a parts config and no code:
// Joey NMT (GRU + Bahdanau, LSTM + Luong, both with bridge and input feeding), fairseq's LSTM
// (per-layer encoder_hidden_proj / encoder_cell_proj, AttentionLayer; and with the output layer shared with
// the target embedding through tensor_names), IBM pytorch-seq2seq,
// AllenNLP SimpleSeq2Seq (AdditiveAttention's raw x @ W matrices through tensor_names), keon/seq2seq
// (summed bi-GRU, relu scores), d2l.ai's Seq2SeqAttentionDecoder ([c; E y] input) and spro/practical-pytorch's
// AttnDecoderRNN (the cell reads c_{t-1}, the score runs after it; general, and concat without an activation).
// tools/make_public_impls.py rebuilds each with the project's attribute names and forward() math.
// Greedy ids identical, attention within 1e-5, logits within 1e-4 at every step.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { proposeParts } from '../../src/compose/infer.js';
import { inspect } from '../../src/inspect.js';
import { readWeightFiles } from '../../src/load.js';
import { loadModel, loadModelFrom } from '../../src/node.js';

const dir = process.env.SEQATTN_PUBLIC_IMPLS ?? join(import.meta.dirname, 'public-fixtures');
const folders = readdirSync(dir).sort();

test('the fixtures are there (regenerate: /usr/bin/python3 tools/make_public_impls.py)', () => {
  assert.equal(folders, ['allennlp-simple-seq2seq', 'd2l-bahdanau', 'fairseq-lstm', 'fairseq-lstm-shared', 'ibm-seq2seq', 'joey-gru-bahdanau', 'joey-lstm-luong', 'keon-seq2seq', 'spro-concat', 'spro-general']);
});

type Case = { name: string; source_ids: number[]; ids: number[]; attention: number[][]; logits: number[][] };

/** The choices a user makes from inspect's undecided lines (reading the project's forward()); each must be one of those lines. */
const DECISIONS: Record<string, Record<string, unknown>> = {
  'allennlp-simple-seq2seq': { 'bridge.cell': 'zero', 'decoder.input.parts': ['c', 'e'] },
  'd2l-bahdanau': { 'decoder.input.parts': ['c', 'e'] },
  'fairseq-lstm': { 'bridge.activation': 'none', 'bridge.layers': 'per_layer' },
  'fairseq-lstm-shared': {},
  'ibm-seq2seq': {},
  'joey-gru-bahdanau': { 'bridge.layers': 'every' },
  'joey-lstm-luong': { 'bridge.layers': 'every', 'bridge.cell': 'same' },
  'keon-seq2seq': { 'attention.activation': 'relu' },
  'spro-concat': { 'attention.query': 'after', 'attention.activation': 'none' },
  'spro-general': { 'attention.query': 'after' },
};

for (const name of folders) {
  test(`${name}: seqattn inspect's proposal, with the choices its undecided lines name, decodes as PyTorch`, async () => {
    const bytes = readFileSync(join(dir, name, 'model.safetensors'));
    const written = JSON.parse(readFileSync(join(dir, name, 'config.json'), 'utf8'));
    const p = proposeParts(inspect(readWeightFiles({ weights: bytes })).tensors);
    assert.ok(p, `${name}: no proposal`);
    assert.equal(p!.unplaced, [], `${name}: every tensor placed`);
    const config = JSON.parse(JSON.stringify(p!.config));
    for (const [path, value] of Object.entries(DECISIONS[name])) {
      const [part, ...rest] = path.split('.');
      const line = p!.undecided.find((u) => u.startsWith(part) && u.includes(`"${rest.join('.')}"`));
      assert.ok(line, `${name}: ${path} is not among the undecided lines:\n${p!.undecided.join('\n')}`);
      let at = config.parts[part];
      for (const k of rest.slice(0, -1)) at = at[k];
      at[rest[rest.length - 1]] = value;
    }
    for (const k of ['source_vocab', 'target_vocab', 'sos_id', 'eos_id', 'source_tokenizer', 'max_target_length']) config[k] = written[k];
    const model = await loadModelFrom({ weights: bytes, config });
    const ref = JSON.parse(readFileSync(join(dir, name, 'reference.json'), 'utf8'));
    let worstL = 0;
    for (const c of ref.cases as Case[]) {
      assert.equal(model.translate(c.source_ids).ids, c.ids, `${name} ${c.name}: greedy ids`);
      const out = model.begin(c.source_ids).step(model.config.sosId);
      for (let j = 0; j < out.logits.length; j++) worstL = Math.max(worstL, Math.abs(out.logits[j] - c.logits[0][j]));
    }
    assert.ok(worstL <= 1e-4, `${name}: first-step logits differ by ${worstL}`);
    model.dispose();
  });

  test(`${name}: loads with its parts config and matches PyTorch (greedy ids, attention 1e-5, logits 1e-4 per step)`, async () => {
    const model = await loadModel(join(dir, name));
    assert.is(model.config.architecture, 'composed');
    const ref = JSON.parse(readFileSync(join(dir, name, 'reference.json'), 'utf8'));
    let worstA = 0, worstL = 0, steps = 0;
    for (const c of ref.cases as Case[]) {
      assert.equal(model.translate(c.source_ids).ids, c.ids, `${name} ${c.name}: greedy ids`);
      const walk = model.begin(c.source_ids);
      let y = model.config.sosId;
      c.ids.forEach((next, i) => {
        const out = walk.step(y);
        assert.is(out.weights.length, c.attention[i].length);
        assert.is(out.logits.length, c.logits[i].length);
        for (let j = 0; j < out.weights.length; j++) worstA = Math.max(worstA, Math.abs(out.weights[j] - c.attention[i][j]));
        for (let j = 0; j < out.logits.length; j++) worstL = Math.max(worstL, Math.abs(out.logits[j] - c.logits[i][j]));
        y = next;
        steps++;
      });
    }
    assert.ok(steps > 10, `${name}: only ${steps} steps compared`);
    assert.ok(worstA <= 1e-5, `${name}: attention differs by ${worstA}`);
    assert.ok(worstL <= 1e-4, `${name}: logits differ by ${worstL}`);
    console.log(`      ${name}: ${steps} steps, attention ${worstA.toExponential(2)}, logits ${worstL.toExponential(2)} (PyTorch ${ref.torch_version})`);
    model.dispose();
  });
}

test.run();
