"""Golden fixtures from real PyTorch for seqattn's classifier and captioner presets.

    /usr/bin/python3 tools/make_preset_fixtures.py [--classifiers test/classifiers/fixtures] [--captioners test/fixtures]

For each preset of src/classifier/presets.ts, a small random-weight module of tools/classifier_presets_torch.py
(the project's math and state_dict names; torch.manual_seed, so reruns are identical) saved as the
project's code would save it (`save_file(model.state_dict(), "model.safetensors")`, no seqattn
metadata) with a config.json holding only the preset (as "architecture"), sizes, vocabularies and special ids:
  <classifiers>/sgrvinod-han/         HAN with names two levels deep, 2-layer word and sentence GRUs, word tokenizer
  <classifiers>/uvipen-han/           HAN with raw x @ W parameters, word state carried across sentences,
                                      tanh sentence scores, padded documents, float64 embeddings
  <classifiers>/att-blstm-relation/   Att-BLSTM, att_weight (1, H, 1), inputs padded to max_len
  <captioners>/sgrvinod-captioning/   DecoderWithAttention: relu attention, per-channel gate,
                                      h_0 / c_0 without tanh; grid-7x7.npy, one case's features as
                                      np.save writes them (H, W, D)
  <captioners>/aaronccwong-sat/       Decoder + Attention: tanh attention W, U, v with biases, gate per
                                      channel, h_0 / c_0 with tanh, deep_output(h_t)
reference.json as tools/make_classifier_fixtures.py and tools/make_fixtures.py write them (run
tools/make_beam_fixtures.py on <captioners> afterwards for the beam references).
"""

import argparse
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_classifier_fixtures import RELATION_WORDS, RELATIONS, REVIEW_WORDS, SPECIALS, cases_for, check  # noqa: E402
from make_fixtures import check_result, feature_cases, report, write_reference  # noqa: E402
from classifier_presets_torch import AaronCCWongSAT, AttBLSTMRelation, SgrvinodCaptioning, SgrvinodHAN, UvipenHAN  # noqa: E402
from safetensors_io import load_file, save_file  # noqa: E402

CLASSIFIERS = [
    ("sgrvinod-han", "han", SgrvinodHAN, 6, {
        "architecture": "sgrvinod-han", "embedding_size": 10, "word_hidden_size": 8, "sentence_hidden_size": 9,
        "word_attention_size": 12, "sentence_attention_size": 14, "word_num_layers": 2, "sentence_num_layers": 2,
        "source_vocab": SPECIALS + REVIEW_WORDS, "labels": ["1", "2", "3", "4", "5"], "source_tokenizer": "word",
        "lowercase": True, "source_unk_id": 1, "max_sentence_length": 40, "max_sentences": 12,
    }, ["The food was great . The service was slow !\nwould come again", ["i love this place .", "pizza and staff friendly ."]]),
    ("uvipen-han", "han", UvipenHAN, 11, {
        "architecture": "uvipen-han", "embedding_size": 10, "word_hidden_size": 7, "sentence_hidden_size": 6,
        "source_vocab": ["<unk>"] + REVIEW_WORDS, "labels": ["1", "2", "3"], "source_tokenizer": "word",
        "max_sentence_length": 30, "max_sentences": 12,
    }, ["The food was great . The service was slow !\nwould come again", ["i love this place .", "pizza and staff friendly ."]]),
    ("att-blstm-relation", "attention-bilstm", AttBLSTMRelation, 7, {
        "architecture": "att-blstm-relation", "embedding_size": 12, "hidden_size": 10,
        "source_vocab": SPECIALS + RELATION_WORDS, "labels": RELATIONS, "source_tokenizer": "word",
        "lowercase": True, "source_unk_id": 1, "max_length": 64,
    }, ["The burst has been caused by water hammer pressure .", "the company fabricates plastic chairs"]),
]

CAPTION_WORDS = "a man woman dog riding on the beach wave with frisbee two people sitting at table red bus street .".split()
CAPTIONERS = [
    # sgrvinod's word_map: <pad> 0, the words, then <unk>, <start>, <end>
    ("sgrvinod-captioning", SgrvinodCaptioning, 8, {
        "architecture": "sgrvinod-captioning", "feature_size": 12, "embedding_size": 10, "hidden_size": 24, "alignment_size": 16,
        "target_vocab": ["<pad>"] + CAPTION_WORDS + ["<unk>", "<start>", "<end>"],
        "sos_id": len(CAPTION_WORDS) + 2, "eos_id": len(CAPTION_WORDS) + 3,
        "max_source_length": 196, "max_target_length": 16,
    }),
    # AaronCCWong's word_dict: <start> 0, <eos> 1, <unk> 2, <pad> 3, then the words (E = H = A there: 512)
    ("aaronccwong-sat", AaronCCWongSAT, 12, {
        "architecture": "aaronccwong-sat", "feature_size": 14, "embedding_size": 16, "hidden_size": 16, "alignment_size": 16,
        "target_vocab": ["<start>", "<eos>", "<unk>", "<pad>"] + CAPTION_WORDS, "sos_id": 0, "eos_id": 1,
        "max_source_length": 196, "max_target_length": 16,
    }),
]


def save_project_file(folder, model, config):
    """model.state_dict() as the project's code holds it, and config.json beside it."""
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "model.safetensors")
    save_file(dict(model.state_dict()), path, metadata={"format": "pt"})
    with open(os.path.join(folder, "config.json"), "w", encoding="utf-8") as f:
        json.dump(config, f, indent=2, ensure_ascii=False)
        f.write("\n")
    return path


def reloaded(cls, config, path):
    """A fresh module from the file on disk (strict: the file has exactly the module's names)."""
    m = cls(config)
    m.load_state_dict(load_file(path)[0], strict=True)
    return m.eval()


# what each preset sets that the helpers of make_classifier_fixtures read (src/classifier/presets.ts)
PRESET_FIELDS = {"uvipen-han": {"lowercase": True, "source_unk_id": 0}}


def padded(config, ids):
    """uvipen-han reads documents padded to max_sentences x max_sentence_length with 0 (so does seqattn's result)."""
    if config["architecture"] != "uvipen-han":
        return ids
    T, L = config["max_sentence_length"], config["max_sentences"]
    return [s + [0] * (T - len(s)) for s in ids] + [[0] * T for _ in range(L - len(ids))]


def classifier_fixture(out, name, arch, cls, seed, config, texts):
    torch.manual_seed(seed)
    model = cls(config).eval()
    full = {**config, **PRESET_FIELDS.get(name, {}), "architecture": arch}  # the helpers read the architecture and the tokenizer's fields
    with torch.no_grad():  # peaked attention, labels that differ between cases
        for n, p in model.named_parameters():
            if "context_vector" in n or n == "att_weight":
                p.mul_(6.0)
            elif n.endswith("embeddings.weight") or n == "word_embedding.weight":
                p.mul_(2.0)
            elif n.startswith("fc.") or n.startswith("dense."):
                p.mul_(4.0)
            elif n.startswith("lstm."):
                p.mul_(2.0)
            elif n.endswith("context_weight"):  # uvipen-han
                p.mul_(3.0)
            elif n.startswith("sent_att_net.fc."):
                p.mul_(8.0)
            elif n.endswith("lookup.weight") or ".gru.weight" in n:
                p.mul_(2.0)
        if arch == "attention-bilstm":
            model.att_weight.div_(3.0)  # randn, not the uniform of nn.Linear: x6 would saturate the softmax
    cases = cases_for(full, torch.Generator().manual_seed(seed + 1), texts)
    if config["architecture"] == "uvipen-han":  # source_ids: what the model reads; given_ids: what the caller passes
        cases = [{**c, "given_ids": c["source_ids"], "source_ids": padded(config, c["source_ids"])} for c in cases]
    folder = os.path.join(out, name)
    path = save_project_file(folder, model, config)
    m2 = reloaded(cls, config, path)
    refs = []
    for c in cases:
        r = model.classify(c["source_ids"])
        check(r, c, full)
        assert m2.classify(c["source_ids"]) == r, f"{name} {c['name']}: the saved file classifies differently"
        refs.append({**c, **r})
    assert len({r["label_id"] for r in refs}) >= 2, f"{name}: one label for every case"
    size = write_reference(folder, arch, refs)
    print(f"{name}: reference.json {size} bytes")
    for r in refs:
        att = r["attention"] if arch == "attention-bilstm" else r["attention"]["sentences"]
        print(f"  {r['name']:16s} label={r['label']:22s} p={max(r['probabilities']):.3f} max a={max(att):.2f}")


def captioner_fixture(out, name, cls, seed, config):
    full = {**config, "architecture": "show-attend-tell"}
    torch.manual_seed(seed)
    model = cls(config).eval()
    W_a, _, v = (getattr(model.attention, n) for n in cls.ATTENTION)
    out_layer = model.output_layer()
    with torch.no_grad():
        for n, p in model.named_parameters():
            if n.endswith("weight") and not n.startswith("attention."):
                p.mul_(2.0)
        out_layer.weight.mul_(3.0)
        v.weight.mul_(6.0)  # peaked alpha_t
        W_a.weight.mul_(2.0)
        model.f_beta.bias.add_(1.0)  # gates mostly open
    cases = feature_cases(full, torch.Generator().manual_seed(seed + 1))
    eos = config["eos_id"]
    for b in [x / 20 for x in range(-20, 121)]:  # EOS bias: some captions end early, some run to the limit
        with torch.no_grad():
            out_layer.bias[eos] = b
        lens = [len(model.greedy(c["features"])["ids"]) for c in cases]
        early = [n for n in lens if n < config["max_target_length"]]
        if len(early) >= 2 and max(early) >= 3 and lens.count(config["max_target_length"]) >= 2:
            break
    else:
        raise RuntimeError(f"{name}: no EOS bias gives a mix of early and full-length captions")
    folder = os.path.join(out, name)
    path = save_project_file(folder, model, config)
    m2 = reloaded(cls, config, path)
    refs = []
    for c in cases:
        r = model.greedy(c["features"])
        check_result(r, c["length"], full, c["name"])
        assert m2.greedy(c["features"]) == r, f"{name} {c['name']}: the saved file decodes differently"
        refs.append({**c, **r})
    report(name, refs, write_reference(folder, "show-attend-tell", refs), b, full)
    if name == "sgrvinod-captioning":
        # one grid as NumPy saves it, (H, W, D) float32, for `seqattn caption --features` (test/captioner)
        import numpy as np
        grid = next(c for c in cases if c["name"] == "grid-7x7")
        np.save(os.path.join(folder, "grid-7x7.npy"), np.array(grid["features"], dtype="<f4").reshape(7, 7, config["feature_size"]))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test")
    ap.add_argument("--classifiers", default=os.path.join(root, "classifiers", "fixtures"))
    ap.add_argument("--captioners", default=os.path.join(root, "fixtures"))
    args = ap.parse_args()
    torch.set_num_threads(1)
    for name, arch, cls, seed, config, texts in CLASSIFIERS:
        classifier_fixture(os.path.abspath(args.classifiers), name, arch, cls, seed, config, texts)
    for name, cls, seed, config in CAPTIONERS:
        captioner_fixture(os.path.abspath(args.captioners), name, cls, seed, config)


if __name__ == "__main__":
    main()
