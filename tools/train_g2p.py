#!/usr/bin/env python3
"""Train the bundled English G2P model (architecture "bahdanau", see docs/model-format.md).

    npm run train:g2p                                   # from scratch, into tools/checkpoints/run/
    /usr/bin/python3 tools/train_g2p.py --max-minutes 110 > run.log 2>&1

Data: tools/g2p_data.py (CMUdict from node_modules, CMUSphinx g2p-seq2seq split); one training
example per pronunciation of each train word. Targets keep stress digits.

Reproducible: every RNG (Python, NumPy, torch) is seeded with --seed before the model is built, one
thread, so two runs with the same arguments give byte-identical weights
(tools/test_train_reproducible.py checks it on a tiny subset).

Outputs, all in --run-dir (default tools/checkpoints/run/, not committed):
  g2p-en.pt            the latest state (checkpoint every --checkpoint-minutes and at each epoch end)
  g2p-en.best.pt       the state at the best dev WER so far: the weights that are exported
  model.safetensors    the best-dev model, exported whenever dev WER improves
  g2p-en.history.json  per-epoch numbers
--ship instead uses tools/checkpoints/ and exports to models/g2p-en/model.safetensors, rewriting the
history block of models/g2p-en/TRAINING.md: how the shipped model was made.

Each run:
  * starts from scratch unless --resume (then from the latest checkpoint of --run-dir: model,
    optimizer, epoch, position in the epoch, RNG states, LR schedule, history);
  * trains with Adam, dropout (training only), gradient clipping, shuffled length-bucketed batches;
  * checkpoints every --checkpoint-minutes and at each epoch end;
  * greedy-decodes the dev split after each epoch, scores it with tools/g2p_score.py, halves the
    learning rate when dev WER has not improved for --patience epochs, and exports the model to
    models/g2p-en/model.safetensors (config in the metadata) whenever dev WER improves;
  * stops on its own before --max-minutes (a final dev eval + export if better, and a checkpoint).

Speed: Debian's python3-torch links the reference BLAS (a few GFLOPS). If OpenBLAS is installed
(`apt-get install libopenblas0-serial`), this script re-executes itself with
LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-serial, which is ~10x faster, without changing
the system's BLAS alternative. Single-threaded (torch.set_num_threads(1)).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from openblas import use_openblas, using_openblas  # noqa: E402

use_openblas()

import argparse  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import random  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

TOOLS = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(TOOLS)
sys.path.insert(0, TOOLS)
from g2p_data import load_splits, phoneme_inventory  # noqa: E402
from g2p_score import format_score, score  # noqa: E402
import seqattn_torch  # noqa: E402
from seqattn_torch import RNNsearch, save_model, tokenize  # noqa: E402

DEFAULT_CKPT = os.path.join(TOOLS, "checkpoints", "g2p-en.pt")
DEFAULT_RUN_DIR = os.path.join(TOOLS, "checkpoints", "run")
DEFAULT_OUT = os.path.join(REPO, "models", "g2p-en", "model.safetensors")
TRAINING_MD = os.path.join(REPO, "models", "g2p-en", "TRAINING.md")

SOURCE_SYMBOLS = list("abcdefghijklmnopqrstuvwxyz") + ["'"]


def log(*a):
    print(time.strftime("%H:%M:%S"), *a, flush=True)


def make_config(args, splits):
    phonemes = phoneme_inventory(splits)
    return {
        "architecture": "bahdanau",
        "embedding_size": args.embedding_size,
        "hidden_size": args.hidden_size,
        "encoder_hidden_size": args.encoder_hidden_size,
        "alignment_size": args.alignment_size,
        "deep_output": "maxout",
        "deep_output_size": args.deep_output_size,
        "gru_convention": "reset_after",
        "source_vocab": ["<pad>", "<s>", "</s>", "<unk>"] + SOURCE_SYMBOLS,
        "target_vocab": ["<pad>", "<s>", "</s>"] + phonemes,
        "source_tokenizer": "char",
        "lowercase": True,
        "target_separator": " ",
        "sos_id": 1,
        "eos_id": 2,
        "append_source_eos": True,
        "source_eos_id": 2,
        "source_unk_id": 3,
        "max_source_length": 64,
        "max_target_length": 64,
    }


def make_examples(config, part):
    t_index = {p: i for i, p in enumerate(config["target_vocab"])}
    ex = []
    for word, prons in part:
        src = tokenize(config, word)
        for pron in prons:
            ex.append((src, [t_index[p] for p in pron.split()] + [config["eos_id"]]))
    return ex


def make_batches(examples, batch_size, rng):
    """Length-bucketed batches: sort by (source, target) length with random tie-breaking, cut into
    batches, shuffle the batch order."""
    keys = [(len(s) + rng.random() * 2.0, len(t)) for s, t in examples]
    order = sorted(range(len(examples)), key=lambda i: keys[i])
    batches = [order[i:i + batch_size] for i in range(0, len(order), batch_size)]
    rng.shuffle(batches)
    return batches


def collate(examples, idx, sos_id):
    B = len(idx)
    srcs = [examples[i][0] for i in idx]
    tgts = [examples[i][1] for i in idx]
    Tx = max(len(s) for s in srcs)
    Ty = max(len(t) for t in tgts)
    src = torch.zeros(B, Tx, dtype=torch.long)
    tgt_in = torch.zeros(B, Ty, dtype=torch.long)
    tgt_out = torch.zeros(B, Ty, dtype=torch.long)
    for b, (s, t) in enumerate(zip(srcs, tgts)):
        src[b, :len(s)] = torch.tensor(s)
        tgt_in[b, 0] = sos_id
        tgt_in[b, 1:len(t)] = torch.tensor(t[:-1])
        tgt_out[b, :len(t)] = torch.tensor(t)
    lengths = torch.tensor([len(s) for s in srcs], dtype=torch.long)
    return src, lengths, tgt_in, tgt_out


def ids_to_pron(config, ids):
    """Output ids -> phonemes as seqattn's `text`: the symbols before </s>, joined by target_separator."""
    vocab = config["target_vocab"]
    out = []
    for k in ids:
        if k == config["eos_id"]:
            break
        out.append(vocab[k])
    return config.get("target_separator", " ").join(out)


def decode_words(model, config, words, batch_size=256):
    """Greedy pronunciations for `words` (batched, length-sorted) -> list of strings."""
    srcs = [tokenize(config, w) for w in words]
    order = sorted(range(len(words)), key=lambda i: len(srcs[i]))
    ids = model.greedy_batch([srcs[i] for i in order], batch_size=batch_size)
    out = [None] * len(words)
    for i, seq in zip(order, ids):
        out[i] = ids_to_pron(config, seq)
    return out


def evaluate(model, config, dev):
    t0 = time.time()
    hyps = decode_words(model, config, [w for w, _ in dev])
    s = score(hyps, dev)
    s["seconds"] = time.time() - t0
    return s


def param_count(model):
    return sum(p.numel() for p in model.parameters())


def rng_state(py_rng):
    return {"python": py_rng.getstate(), "torch": torch.get_rng_state(), "numpy": np.random.get_state()}


def set_rng_state(py_rng, st):
    py_rng.setstate(st["python"])
    torch.set_rng_state(st["torch"])
    np.random.set_state(st["numpy"])


def save_checkpoint(path, state):
    tmp = path + ".tmp"
    torch.save(state, tmp)
    os.replace(tmp, path)


def update_training_md(path, history, state):
    """Rewrite the block between the history markers of TRAINING.md, if the file has them."""
    if not path or not os.path.exists(path):
        return
    with open(path, encoding="utf-8") as f:
        text = f.read()
    begin, end = "<!-- history:begin -->", "<!-- history:end -->"
    if begin not in text or end not in text:
        return
    lines = ["", "| epoch | train minutes | lr | train loss | dev WER | dev PER | dev WER (stress) | dev PER (stress) | exported |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|:---:|"]
    for h in history:
        lines.append(
            f"| {h['epoch']:g} | {h['train_minutes']:.1f} | {h['lr']:.2e} | {h['train_loss']:.4f} | "
            f"{h['wer']:.2f}% | {h['per']:.2f}% | {h['wer_stress']:.2f}% | {h['per_stress']:.2f}% | "
            f"{'yes' if h.get('exported') else ''} |")
    lines.append("")
    lines.append(f"Best dev WER {state['best_wer']:.2f}% (epoch {state['best_epoch']:g}); "
                 f"{state['train_seconds'] / 60:.1f} training minutes in total; "
                 f"updated {time.strftime('%Y-%m-%d %H:%M')}.")
    lines.append("")
    a = text.index(begin) + len(begin)
    b = text.index(end)
    text = text[:a] + "\n".join(lines) + text[b:]
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--max-minutes", type=float, default=110.0, help="wall-clock budget of this invocation")
    ap.add_argument("--resume", dest="resume", action="store_true", default=False,
                    help="resume from the latest checkpoint of --run-dir (default: train from scratch)")
    ap.add_argument("--no-resume", dest="resume", action="store_false")
    ap.add_argument("--run-dir", default=DEFAULT_RUN_DIR, help="where checkpoints, history and the exported model go")
    ap.add_argument("--ship", action="store_true",
                    help="run in tools/checkpoints/, export to models/g2p-en/model.safetensors and rewrite TRAINING.md's history")
    ap.add_argument("--checkpoint", default=None, help="latest checkpoint (default: RUN_DIR/g2p-en.pt)")
    ap.add_argument("--out", default=None, help="exported model, best dev WER (default: RUN_DIR/model.safetensors)")
    ap.add_argument("--training-md", default=None,
                    help="file whose history block (between <!-- history:begin/end --> markers) is rewritten (default: none; with --ship TRAINING.md)")
    ap.add_argument("--checkpoint-minutes", type=float, default=5.0)
    ap.add_argument("--max-epochs", type=int, default=1000)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--min-lr", type=float, default=1e-5)
    ap.add_argument("--lr-decay", type=float, default=0.5)
    ap.add_argument("--patience", type=int, default=1, help="epochs without dev WER improvement before LR decay")
    ap.add_argument("--dropout", type=float, default=0.25)
    ap.add_argument("--label-smoothing", type=float, default=0.0)
    ap.add_argument("--clip", type=float, default=5.0, help="gradient norm clipping")
    ap.add_argument("--embedding-size", type=int, default=64)
    ap.add_argument("--encoder-hidden-size", type=int, default=256)
    ap.add_argument("--hidden-size", type=int, default=256)
    ap.add_argument("--alignment-size", type=int, default=256)
    ap.add_argument("--deep-output-size", type=int, default=256)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--log-every", type=int, default=100, help="batches between progress lines")
    ap.add_argument("--train-subset", type=int, default=0, help="smoke test: first N train words only")
    ap.add_argument("--dev-subset", type=int, default=0, help="smoke test: first N dev words only")
    ap.add_argument("--max-params", type=int, default=2_000_000)
    args = ap.parse_args(argv)
    if args.ship:
        args.run_dir = os.path.dirname(DEFAULT_CKPT)
    args.checkpoint = args.checkpoint or os.path.join(args.run_dir, "g2p-en.pt")
    args.out = args.out or (DEFAULT_OUT if args.ship else os.path.join(args.run_dir, "model.safetensors"))
    if args.training_md is None:
        args.training_md = TRAINING_MD if args.ship else ""
    best_ckpt = os.path.splitext(args.checkpoint)[0] + ".best.pt"

    torch.set_num_threads(1)
    t_start = time.time()
    deadline = t_start + args.max_minutes * 60.0
    blas = "OpenBLAS" if using_openblas() else "system BLAS"
    log(f"train_g2p: pid {os.getpid()}, torch {torch.__version__}, {blas}, budget {args.max_minutes:g} min")

    splits = load_splits()
    train, dev = splits["train"], splits["dev"]
    if args.train_subset:
        train = train[:args.train_subset]
    if args.dev_subset:
        dev = dev[:args.dev_subset]

    resume = args.resume
    ckpt = None
    if resume:
        if not os.path.exists(args.checkpoint):
            sys.exit(f"--resume: no checkpoint at {args.checkpoint}")
        ckpt = torch.load(args.checkpoint)
        config = ckpt["config"]
        hp = ckpt["hparams"]
        log(f"resuming from {args.checkpoint}: epoch {ckpt['epoch']}, batch {ckpt['batch_index']}, "
            f"best dev WER {ckpt['best_wer']:.2f}%")
    else:
        config = make_config(args, splits)
        hp = {k: getattr(args, k) for k in ("batch_size", "dropout", "label_smoothing", "clip", "seed",
                                              "lr_decay", "patience", "min_lr")}
    examples = make_examples(config, train)
    log(f"train: {len(train)} words, {len(examples)} examples; dev: {len(dev)} words")

    # Seed every RNG before the model is built: its initial weights come from torch's RNG (a run
    # that seeded after building it could not be repeated). A resumed run then loads all states.
    random.seed(hp["seed"])
    np.random.seed(hp["seed"])
    torch.manual_seed(hp["seed"])
    model = RNNsearch(config, dropout=hp["dropout"])
    n_params = param_count(model)
    log(f"model: E={config['embedding_size']} n={config['encoder_hidden_size']} H={config['hidden_size']} "
        f"A={config['alignment_size']} l={config['deep_output_size']} V_s={len(config['source_vocab'])} "
        f"V_t={len(config['target_vocab'])}: {n_params} parameters ({n_params * 4 / 1e6:.2f} MB float32)")
    if n_params > args.max_params:
        sys.exit(f"{n_params} parameters > --max-params {args.max_params}")
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    py_rng = random.Random(hp["seed"])

    if ckpt is not None:
        model.load_state_dict(ckpt["model"])
        optimizer.load_state_dict(ckpt["optimizer"])
        set_rng_state(py_rng, ckpt["rng"])
        state = ckpt["state"]
        batches = ckpt["batches"]
        if ckpt.get("dataset_size") != len(examples):
            log("warning: training set size changed since the checkpoint; starting a new epoch")
            batches = None
    else:
        state = {"epoch": 0, "batch_index": 0, "best_wer": float("inf"), "best_epoch": 0, "bad_epochs": 0,
                 "train_seconds": 0.0, "history": [], "epoch_loss_sum": 0.0, "epoch_tokens": 0}
        batches = None
    for g in optimizer.param_groups:
        lr = g["lr"]
    os.makedirs(os.path.dirname(args.checkpoint) or ".", exist_ok=True)
    os.makedirs(os.path.dirname(args.out) or ".", exist_ok=True)

    def checkpoint(reason, path=None):
        path = path or args.checkpoint
        t0 = time.time()
        save_checkpoint(path, {
            "config": config, "hparams": hp, "model": model.state_dict(),
            "optimizer": optimizer.state_dict(), "rng": rng_state(py_rng), "state": state,
            "batches": batches, "dataset_size": len(examples), "epoch": state["epoch"],
            "batch_index": state["batch_index"], "best_wer": state["best_wer"],
        })
        log(f"checkpoint ({reason}) -> {path} [{time.time() - t0:.1f}s]")

    def dev_eval(epoch_label, end_of_epoch):
        nonlocal lr
        model.eval()
        s = evaluate(model, config, dev)
        model.train()
        train_loss = state["epoch_loss_sum"] / max(state["epoch_tokens"], 1)
        improved = s["wer"] < state["best_wer"]
        entry = {"epoch": epoch_label, "train_minutes": state["train_seconds"] / 60, "lr": lr,
                 "train_loss": train_loss, "wer": s["wer"], "per": s["per"],
                 "wer_stress": s["wer_stress"], "per_stress": s["per_stress"], "exported": improved}
        log(f"dev epoch {epoch_label:g}: {format_score(s)} [{s['seconds']:.0f}s decode]")
        if improved:
            state["best_wer"] = s["wer"]
            state["best_epoch"] = epoch_label
            save_model(model, config, args.out)
            log(f"dev WER improved -> exported {args.out} ({os.path.getsize(args.out)} bytes)")
            checkpoint("best dev WER", best_ckpt)  # the exported weights, resumable
        if end_of_epoch:
            if improved:
                state["bad_epochs"] = 0
            else:
                state["bad_epochs"] += 1
                if state["bad_epochs"] >= hp["patience"] and lr > hp["min_lr"]:
                    lr = max(lr * hp["lr_decay"], hp["min_lr"])
                    for g in optimizer.param_groups:
                        g["lr"] = lr
                    state["bad_epochs"] = 0
                    log(f"dev WER did not improve for {hp['patience']} epoch(s): lr -> {lr:.2e}")
        state["history"].append(entry)
        hist_path = os.path.join(os.path.dirname(args.checkpoint), "g2p-en.history.json")
        with open(hist_path, "w") as f:
            json.dump(state["history"], f, indent=1)
        try:
            update_training_md(args.training_md, state["history"], state)
        except Exception as e:  # never let documentation kill the run
            log(f"warning: could not update {args.training_md}: {e}")
        return s

    # Time for one dev decode, to stop early enough for the final eval: measured, else a guess.
    eval_seconds = state.get("eval_seconds", 60.0)
    margin = min(90.0, args.max_minutes * 6.0)  # for the final checkpoint
    model.train()
    last_ckpt = time.time()
    stopped_early = False
    while state["epoch"] < args.max_epochs:
        if batches is None or state["batch_index"] >= len(batches):
            batches = make_batches(examples, hp["batch_size"], py_rng)
            state["batch_index"] = 0
            state["epoch_loss_sum"] = 0.0
            state["epoch_tokens"] = 0
        n_batches = len(batches)
        epoch_no = state["epoch"] + 1
        log(f"epoch {epoch_no}: {n_batches} batches from batch {state['batch_index']}, lr {lr:.2e}")
        win_loss = win_tok = win_ex = 0
        win_t0 = time.time()
        ep_t0 = time.time()
        ep_b0 = state["batch_index"]
        while state["batch_index"] < n_batches:
            if time.time() > deadline - eval_seconds - margin:
                stopped_early = True
                break
            t_b = time.time()
            idx = batches[state["batch_index"]]
            src, lengths, tgt_in, tgt_out = collate(examples, idx, config["sos_id"])
            logits = model(src, lengths, tgt_in)
            loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), tgt_out.reshape(-1),
                                   ignore_index=0, label_smoothing=hp["label_smoothing"])
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), hp["clip"])
            optimizer.step()
            ntok = int((tgt_out != 0).sum())
            lv = float(loss)
            if not math.isfinite(lv):
                sys.exit(f"non-finite loss {lv} at epoch {epoch_no} batch {state['batch_index']}")
            state["epoch_loss_sum"] += lv * ntok
            state["epoch_tokens"] += ntok
            win_loss += lv * ntok
            win_tok += ntok
            win_ex += len(idx)
            state["batch_index"] += 1
            state["train_seconds"] += time.time() - t_b
            if state["batch_index"] % args.log_every == 0 or state["batch_index"] == n_batches:
                now = time.time()
                rate = win_ex / max(now - win_t0, 1e-9)
                done_b = state["batch_index"] - ep_b0
                per_batch = (now - ep_t0) / max(done_b, 1)
                eta = per_batch * (n_batches - state["batch_index"])
                log(f"epoch {epoch_no} batch {state['batch_index']}/{n_batches} loss {win_loss / max(win_tok, 1):.4f} "
                    f"lr {lr:.2e} {rate:.0f} words/s epoch ETA {eta / 60:.1f} min, "
                    f"budget left {(deadline - now) / 60:.1f} min")
                win_loss = win_tok = win_ex = 0
                win_t0 = now
            if time.time() - last_ckpt > args.checkpoint_minutes * 60:
                checkpoint("periodic")
                last_ckpt = time.time()
        if stopped_early:
            break
        state["epoch"] += 1
        s = dev_eval(state["epoch"], end_of_epoch=True)
        eval_seconds = state["eval_seconds"] = s["seconds"]
        checkpoint("epoch end")
        last_ckpt = time.time()

    if stopped_early:
        frac = state["batch_index"] / max(len(batches), 1)
        label = round(state["epoch"] + frac, 2)
        log(f"time budget reached at epoch {label:g}; final dev eval of the current weights")
        if state["batch_index"] > 0:
            dev_eval(label, end_of_epoch=False)
        checkpoint("budget reached")
    log(f"done: {state['epoch']} epochs + {state['batch_index']} batches; best dev WER "
        f"{state['best_wer']:.2f}% (epoch {state['best_epoch']:g}); this run {(time.time() - t_start) / 60:.1f} min")


if __name__ == "__main__":
    main()
