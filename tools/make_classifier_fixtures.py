"""Golden reference fixtures from real PyTorch for seqattn's classifier tests.

    /usr/bin/python3 tools/make_classifier_fixtures.py [--out test/classifiers/fixtures]

Writes, for small random-weight classifiers (torch.manual_seed, so reruns are identical):
  attention-bilstm-sum/     Zhou et al. 2016 as in the paper (h_t = ->h_t + <-h_t), word tokenizer,
                            lowercase, config in metadata
  attention-bilstm-concat/  h_t = [->h_t; <-h_t], 2 stacked layers, char tokenizer, config.json beside the weights
  han/                      Yang et al. 2016, nn.GRU (reset_after), word tokenizer, config in metadata
  han-reset-before/         GRUs resetting before the recurrent product, default attention sizes,
                            tensor names prefixed "han.", config.json beside the weights
each with reference.json: per case the input (a string, a list of sentence strings, or null when
the ids are given), the ids the model reads (attention-bilstm: [T]; han: [[T_i] per sentence]),
label, label_id, logits, probabilities, log_probabilities and the attention weights (attention-bilstm:
alpha [T]; han: {"words": [[alpha_it]], "sentences": [alpha_i]}).
attention-bilstm cases: 1, 2, 5, 17 and 60 tokens, and strings; han: 1 sentence of 1 word, 1 sentence,
5 sentences of 1 to 30 words, 12 sentences (max_sentences) of 1 to 40, and documents as strings.
Weights are scaled so attention is peaked and the labels differ between cases.
"""

import argparse
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from classifiers_torch import build_classifier, load_classifier, save_classifier, split_sentences, tokenize  # noqa: E402
from make_fixtures import write_reference  # noqa: E402
from safetensors_io import save_file  # noqa: E402

SPECIALS = ["<pad>", "<unk>"]
RELATION_WORDS = ("the a burst has been caused by water hammer pressure company fabricates plastic chairs "
                  "author of book is in box and from kitchen was put into bottle message about war e1 e2 . ,").split()
RELATIONS = ["Other", "Cause-Effect(e1,e2)", "Component-Whole(e1,e2)", "Entity-Origin(e1,e2)", "Message-Topic(e1,e2)"]
REVIEW_WORDS = ("the food was great service slow would come again i love this place not good bad terrible "
                "pizza and staff friendly price too high we will never return ! . ?").split()

CONFIGS = [
    ("attention-bilstm-sum", 1, {
        "architecture": "attention-bilstm", "embedding_size": 12, "hidden_size": 10, "merge": "sum",
        "source_vocab": SPECIALS + RELATION_WORDS, "labels": RELATIONS, "source_tokenizer": "word",
        "lowercase": True, "source_unk_id": 1, "max_length": 64,
    }, ["The burst has been caused by water hammer pressure .",
        "the company fabricates plastic chairs",
        "a message about the WAR was put into a bottle"]),  # 'war' lowercased; none unknown
    ("attention-bilstm-concat", 2, {
        "architecture": "attention-bilstm", "embedding_size": 9, "hidden_size": 7, "merge": "concat", "num_layers": 2,
        "source_vocab": SPECIALS + list("abcdefghijklmnopqrstuvwxyz .!"), "labels": ["negative", "neutral", "positive"],
        "source_tokenizer": "char", "lowercase": False, "source_unk_id": 1, "max_length": 64,
    }, ["great food!", "Not good.", "naïve"]),  # 'N' and 'ï' are not in the vocabulary -> <unk>
    ("han", 3, {
        "architecture": "han", "embedding_size": 10, "word_hidden_size": 8, "sentence_hidden_size": 9,
        "word_attention_size": 12, "sentence_attention_size": 14, "gru_convention": "reset_after",
        "source_vocab": SPECIALS + REVIEW_WORDS, "labels": ["1", "2", "3", "4", "5"], "source_tokenizer": "word",
        "lowercase": True, "source_unk_id": 1, "max_sentence_length": 40, "max_sentences": 12,
    }, ["The food was great . The service was slow !\nwould come again",
        ["i love this place .", "pizza and staff friendly ."],
        "terrible . we will never return ! price too high ? not good"]),
    ("han-reset-before", 4, {
        "architecture": "han", "embedding_size": 7, "word_hidden_size": 6, "sentence_hidden_size": 5,
        "gru_convention": "reset_before", "source_vocab": SPECIALS + REVIEW_WORDS, "labels": ["negative", "positive"],
        "source_tokenizer": "word", "lowercase": False, "source_unk_id": 1, "max_sentence_length": 40,
        "max_sentences": 12, "tensor_prefix": "han.",
    }, ["the food was great . Service was slow .", ["bad", "the staff friendly ! the pizza not good ."]]),
]


def text_ids(config, text):
    if config["architecture"] == "attention-bilstm":
        return tokenize(config, text)
    sentences = split_sentences(text) if isinstance(text, str) else text
    return [tokenize(config, s) for s in sentences]


def cases_for(config, gen, texts):
    V = len(config["source_vocab"])
    rand_ids = lambda n: torch.randint(0, V, (n,), generator=gen).tolist()  # noqa: E731
    if config["architecture"] == "attention-bilstm":
        cases = [{"name": f"ids-len{n}", "input": None, "source_ids": rand_ids(n)} for n in (1, 2, 5, 17, 60)]
    else:
        many = torch.randint(1, config["max_sentence_length"] + 1, (config["max_sentences"],), generator=gen).tolist()
        docs = {"one-word": [1], "one-sentence": [9], "five-sentences": [1, 12, 3, 30, 7], "twelve-sentences": many,
                "longest-sentence": [config["max_sentence_length"], 2]}
        cases = [{"name": k, "input": None, "source_ids": [rand_ids(n) for n in lens]} for k, lens in docs.items()]
    return cases + [{"name": f"text-{k + 1}", "input": t, "source_ids": text_ids(config, t)} for k, t in enumerate(texts)]


def make_interesting(model, config):
    """Random weights scaled so results are not degenerate: peaked attention (context vectors x6),
    embeddings x2 (inputs move the states), spread probabilities (classifier x4)."""
    with torch.no_grad():
        model.embedding.weight.mul_(2.0)
        model.classifier.weight.mul_(4.0)
        if config["architecture"] == "attention-bilstm":
            model.attention.w.weight.mul_(6.0)
            for p in model.lstm.parameters():
                p.mul_(2.0)
        else:
            for att in (model.word_attention, model.sentence_attention):
                att.u.weight.mul_(6.0)
                att.W.weight.mul_(2.0)


def check(result, case, config):
    name, C = case["name"], len(config["labels"])
    logits = result["logits"]
    assert len(logits) == C and abs(sum(result["probabilities"]) - 1) < 1e-5, name
    top = sorted(logits)
    assert top[-1] - top[-2] > 1e-3, f"{name}: near-tie between labels; argmax would be fragile in float32"
    rows = [result["attention"]] if config["architecture"] == "attention-bilstm" else result["attention"]["words"] + [result["attention"]["sentences"]]
    for row in rows:
        assert all(a >= 0 for a in row) and abs(sum(row) - 1) < 1e-5, name


def write_fixture(folder, model, config, cases, reload_path):
    refs = []
    for c in cases:
        r = model.classify(c["source_ids"])
        check(r, c, config)
        refs.append({**c, **r})
    labels = {r["label_id"] for r in refs}
    assert len(labels) >= 2, f"{folder}: every case has label {labels}; scale the weights differently"
    # the file on disk classifies exactly the same
    m2, c2 = load_classifier(reload_path)
    assert c2 == config, reload_path
    for ref in refs:
        assert m2.classify(ref["source_ids"]) == {k: ref[k] for k in ("label", "label_id", "logits", "probabilities", "log_probabilities", "attention")}, reload_path
    return refs, write_reference(folder, config["architecture"], refs)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "classifiers", "fixtures"))
    args = ap.parse_args()
    torch.set_num_threads(1)
    out = os.path.abspath(args.out)
    for name, seed, config, texts in CONFIGS:
        torch.manual_seed(seed)
        model = build_classifier(config)
        model.eval()
        make_interesting(model, config)
        cases = cases_for(config, torch.Generator().manual_seed(seed + 1), texts)
        folder = os.path.join(out, name)
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, "model.safetensors")
        prefix = config.get("tensor_prefix", "")
        in_metadata = name in ("attention-bilstm-sum", "han")
        if prefix:
            save_file({prefix + k: v for k, v in model.state_dict().items()}, path, metadata={"format": "pt"})
        else:
            save_classifier(model, config, path, config_in_metadata=in_metadata)
        if not in_metadata:
            with open(os.path.join(folder, "config.json"), "w", encoding="utf-8") as f:
                json.dump(config, f, indent=2, ensure_ascii=False)
                f.write("\n")
        refs, size = write_fixture(folder, model, config, cases, path)
        print(f"{name}: reference.json {size} bytes")
        for r in refs:
            att = r["attention"] if config["architecture"] == "attention-bilstm" else r["attention"]["sentences"]
            print(f"  {r['name']:16s} label={r['label']:22s} p={max(r['probabilities']):.3f} max a={max(att):.2f} input={r['input']!r}")
        assert size < 400_000, f"{name}: reference.json is {size} bytes"


if __name__ == "__main__":
    main()
