"""PyTorch eager peer of the side-by-side benchmark (bench/run.js): greedy ids and its own timings.

    /usr/bin/python3 tools/bench_torch.py [--models bench/.cache] [--ids-only] [--blas default|openblas]
                                          [--budget SECONDS]

For each model folder (model.safetensors + inputs.json, from bench/make_models.py) prints one JSON
object on stdout: the greedy ids of the benchmark source (and of the batch sources), and the
median milliseconds per decode over a timing loop of its own (torch.set_num_threads(1), eval,
no_grad), for two ways of writing the decode loop with the tutorial's modules:

  precomputed  Ua(keys) once per source, then per step Wa, tanh, Va, softmax, bmm, nn.GRU, out:
               the arithmetic seqattn and the ONNX step (tools/export_onnx.py) do.
  tutorial     AttnDecoderRNN.forward_step as the tutorial calls it: Ua(keys) recomputed every step.

Both run a fixed number of steps (the benchmark models never emit </s>) and take argmax per step.
--blas openblas re-runs this script on Debian's serial OpenBLAS (tools/openblas.py) when it is
installed; default is whatever BLAS python3-torch is linked to on this machine. Either way the BLAS
actually loaded, its thread count and torch's are detected and printed ("blas", "blas_label").
"""

import argparse
import json
import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--models", default=os.path.join(HERE, "..", "bench", ".cache"))
    ap.add_argument("--names", default="S,M")
    ap.add_argument("--ids-only", action="store_true")
    ap.add_argument("--blas", choices=["default", "openblas"], default="default")
    ap.add_argument("--budget", type=float, default=4.0, help="seconds of timing per case (at least --min-runs runs)")
    ap.add_argument("--min-runs", type=int, default=10)
    ap.add_argument("--no-batch", action="store_true", help="skip timing the batch")
    ap.add_argument("--warmup-settle", action="store_true",
                    help="warm up until the median of the last 5 runs is within 3%% of the 5 before (10..300 runs, <= 20 s)")
    return ap.parse_args()


ARGS = parse_args()
# One thread everywhere, set before the BLAS library loads (OpenBLAS reads these at start-up; the
# pthread build otherwise runs on every core). blas_info() below reports what was in effect.
os.environ["OPENBLAS_NUM_THREADS"] = "1"
os.environ["OMP_NUM_THREADS"] = "1"
import openblas  # noqa: E402

if ARGS.blas == "openblas":
    openblas.use_openblas()  # re-executes with LD_LIBRARY_PATH on OpenBLAS if it is installed

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from seqattn_torch import load_model  # noqa: E402


def encode(model, src):
    keys, hidden = model.encoder(src)  # (B, T, H), (1, B, H)
    return keys, hidden


def greedy_precomputed(model, src, steps, sos):
    """src (B, T) -> ids (B, steps); Ua(keys) once."""
    d = model.decoder
    keys, hidden = encode(model, src)
    keys_u = d.attention.Ua(keys)
    y = torch.full((src.shape[0], 1), sos, dtype=torch.long)
    out = []
    for _ in range(steps):
        embedded = d.embedding(y)                                              # (B, 1, H)
        scores = d.attention.Va(torch.tanh(d.attention.Wa(hidden.permute(1, 0, 2)) + keys_u))  # (B, T, 1)
        weights = F.softmax(scores.squeeze(2).unsqueeze(1), dim=-1)            # (B, 1, T)
        context = torch.bmm(weights, keys)                                     # (B, 1, H)
        output, hidden = d.gru(torch.cat((embedded, context), dim=2), hidden)
        y = d.out(output).argmax(-1)                                           # (B, 1)
        out.append(y)
    return torch.cat(out, dim=1)


def greedy_tutorial(model, src, steps, sos):
    """src (B, T) -> ids (B, steps), with the tutorial's forward_step (Ua(keys) every step)."""
    keys, hidden = encode(model, src)
    y = torch.full((src.shape[0], 1), sos, dtype=torch.long)
    out = []
    for _ in range(steps):
        logits, hidden, _ = model.decoder.forward_step(y, hidden, keys)
        y = logits.argmax(-1)
        out.append(y)
    return torch.cat(out, dim=1)


def settle(fn, k=5, tol=0.03, least=10, most=300, max_s=20.0):
    """Calls fn until its times settle (bench/lib/timing.js warmup: the same rule); returns the calls made."""
    times, start = [], time.perf_counter()
    while True:
        t0 = time.process_time()
        fn()
        times.append(time.process_time() - t0)
        n = len(times)
        if n >= max(least, 2 * k):
            last, before = statistics.median(times[-k:]), statistics.median(times[-2 * k:-k])
            if abs(last - before) <= tol * before:
                return n
        if n >= most or time.perf_counter() - start >= max_s:
            return n


def time_ms(fn, budget, min_runs, warmup=3):
    warm = settle(fn) if ARGS.warmup_settle else warmup
    if not ARGS.warmup_settle:
        for _ in range(warmup):
            fn()
    times = []  # CPU time of this process (one thread): other work on shared cores does not count
    start = time.process_time()
    while len(times) < min_runs or time.process_time() - start < budget:
        t0 = time.process_time()
        fn()
        times.append((time.process_time() - t0) * 1e3)
        if len(times) >= 100000:
            break
    return {"median_ms": statistics.median(times), "runs": len(times), "min_ms": min(times), "warmup_runs": warm,
            "samples_ms": [round(t, 4) for t in times]}


def main():
    torch.set_num_threads(1)
    result = {
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "blas": openblas.blas_info(),
        "models": {},
    }
    for name in ARGS.names.split(","):
        folder = os.path.join(ARGS.models, name)
        model, config = load_model(folder)
        model.eval()
        with open(os.path.join(folder, "inputs.json")) as f:
            info = json.load(f)
        steps, sos = info["steps"], config["sos_id"]
        src = torch.tensor([info["source"]], dtype=torch.long)
        r = {"steps": steps}
        with torch.no_grad():
            ids = greedy_precomputed(model, src, steps, sos)[0].tolist()
            r["ids"] = ids
            r["tutorial_ids"] = greedy_tutorial(model, src, steps, sos)[0].tolist()
            r["seqattn_torch_greedy_ids"] = model.greedy(info["source"], max_steps=steps)["ids"]
            if info["batch"]:
                batch = torch.tensor(info["batch"], dtype=torch.long)
                r["batch_ids"] = greedy_precomputed(model, batch, steps, sos).tolist()
                r["batch_tutorial_ids"] = greedy_tutorial(model, batch, steps, sos).tolist()
            if not ARGS.ids_only:
                r["precomputed"] = time_ms(lambda: greedy_precomputed(model, src, steps, sos), ARGS.budget, ARGS.min_runs)
                r["tutorial"] = time_ms(lambda: greedy_tutorial(model, src, steps, sos), ARGS.budget, ARGS.min_runs)
                if info["batch"] and not ARGS.no_batch:
                    r["batch_size"] = len(info["batch"])
                    r["batch_precomputed"] = time_ms(lambda: greedy_precomputed(model, batch, steps, sos), ARGS.budget, ARGS.min_runs)
                    r["batch_tutorial"] = time_ms(lambda: greedy_tutorial(model, batch, steps, sos), ARGS.budget, ARGS.min_runs)
        result["models"][name] = r
        print(f"torch {name}: done", file=sys.stderr)
    result["blas"] = openblas.blas_info()  # after the products ran: every library is loaded
    result["blas_label"] = openblas.blas_label(result["blas"])
    print(json.dumps(result))


if __name__ == "__main__":
    main()
