"""An independent PyTorch beam search with the semantics of seqattn's src/decode/beam.ts.

    from beam_reference import beam_search
    r = beam_search(model, config, source_ids, beamSize=5, nBest=2, lengthPenalty=0.6)
    (source_ids: for show-attend-tell the annotation vectors, L x D values row-major; cho and
    sutskever have no attention: attention rows of length 0, and no coverage penalty)
    r["nBest"]  # [{ids, log_probs, attention, score, finished}], best first

The options are the camelCase names of TranslateOptions (src/model.ts) with the same defaults:
maxLength (config max_target_length), minLength 0, beamSize 1, nBest 1, lengthPenalty 0,
coveragePenalty 0, blockRepeatNgram 0.

The search (GNMT scoring, Wu et al. 2016 sec. 7: s = log P / lp + cp):
  * Live hypotheses start as one (y_0 = sos_id, s_0). Step i (0-based) runs the decoder once for
    all live hypotheses as a batch; log_softmax over the target vocabulary (float32, as the
    model); for i < minLength the </s> log-prob is -inf.
  * Candidates: per live row r its top min(V, 2K) tokens by log-prob (ties: lower id first),
    skipping -inf and tokens that make the hypothesis (tokens so far + token) repeat its last
    n-gram anywhere earlier (n = blockRepeatNgram, 0 = off); total = total[r] + logp (double).
  * Candidates sorted by total descending, ties by lower row then lower token. Walk the ranks:
    </s> finishes if its rank < K (dropped otherwise), score = total / lp(i+1) + cp with
    cp = beta * sum_j log(min(max(coverage_r[j] + a_ij, 1e-6), 1)); any other token becomes live (up to K),
    live rows reordered to that order; coverage (float32) grows by the row's attention.
  * No candidate stays live and nothing has finished (n-gram blocking took every continuation),
    at i > 0: the hypotheses of the previous step finish unfinished (score with lp(i)); stop.
  * i == maxLength-1: every live hypothesis finishes unfinished (score with lp(maxLength) and its
    coverage including this step); stop.
  * Else, with >= nBest finished and some live: stop when the nBest-th best finished score is
    >= max over live of total / lp(maxLength).
  * Result: finished sorted by score descending (stable), the first nBest.

Besides the result, the search reports its decisions that a float32 difference of `eps` in a
log-prob could flip (`near_ties`) and the smallest margin of every such decision (`min_margin`).

Use /usr/bin/python3 (torch 1.13).
"""

import math
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from presets_torch import Preset  # noqa: E402
from seqattn_torch import ChoEncoderDecoder, LuongSeq2Seq, RNNsearch, Seq2SeqLSTM, ShowAttendTell, TutorialSeq2Seq  # noqa: E402

__all__ = ["Stepper", "beam_search", "length_penalty", "repeats_ngram", "DEFAULTS"]

COVERAGE_FLOOR = 1e-6  # src/decode/beam.ts COVERAGE_FLOOR
DEFAULTS = {"minLength": 0, "beamSize": 1, "nBest": 1, "lengthPenalty": 0.0, "coveragePenalty": 0.0, "blockRepeatNgram": 0}


class Stepper:
    """One encoded source and the decoder state of B rows, stepped one decoder step at a time."""

    def __init__(self, model, config, source_ids):
        if model.training:
            raise ValueError("the model is in training mode (dropout): call model.eval() first")
        self.model = model
        self.config = config
        if isinstance(model, ShowAttendTell):
            self.kind = "show-attend-tell"
            self.a = model.features(source_ids)  # (1, L, D)
            self.Wa_a, self.state = model.encode(self.a)  # (1, L, A), (h_0, c_0) (1, H)
            self.Tx = self.a.shape[1]
            return
        src = torch.tensor([list(source_ids)], dtype=torch.long)
        self.Tx = src.shape[1]  # the length of an attention row: 0 for the models without attention
        if isinstance(model, Preset):
            self.kind = "preset"
            self.memory = model.encode(src)
            self.state = model.initial(self.memory)
            if config.get("architecture") in ("bentrevett-1", "bentrevett-2") or not getattr(model, "attends", True):
                self.Tx = 0  # no attention weights (tools/compose_torch.py: a composition without attention)
        elif isinstance(model, ChoEncoderDecoder):
            self.kind = "cho"
            self.c, self.h = model.encode(src)  # c (1, H) fixed, h'_0 (1, H)
            self.Tx = 0
        elif isinstance(model, Seq2SeqLSTM):
            self.kind = "sutskever"
            self.state = model.encode(src)  # (h, c) (L, 1, H)
            self.Tx = 0
        elif isinstance(model, TutorialSeq2Seq):
            self.kind = "tutorial"
            self.keys, self.hidden = model.encoder(src)  # (1, Tx, H), (1, 1, H)
        elif isinstance(model, RNNsearch):
            self.kind = "bahdanau"
            self.h, self.Uh, _, self.s = model.encode(src)  # (1, Tx, 2n), (1, Tx, A), s_0 (1, H)
        elif isinstance(model, LuongSeq2Seq):
            self.kind = "luong"
            self.h_bar, self.state = model.encode(src)  # (1, S, d), (h (L, 1, H), c (L, 1, H), h~_0 (1, H))
            self.t = 0  # steps taken (local-m's p_t = t)
        else:
            raise TypeError(f"unsupported model {type(model).__name__}")

    def step(self, previous):
        """previous: (B,) ids y_{i-1} of the B live rows -> logits (B, V), attention (B, Tx)."""
        B = previous.shape[0]
        if self.kind == "preset":
            lg, a, self.state = self.model.step(previous, self.state, self.memory)
            return lg, a
        if self.kind == "cho":
            lg, self.h = self.model.decoder.step(previous, self.h, self.c.expand(B, -1))
            return lg, lg.new_zeros(B, 0)
        if self.kind == "sutskever":
            lg, self.state = self.model.step(previous, self.state)
            return lg, lg.new_zeros(B, 0)
        if self.kind == "tutorial":
            dec = self.model.decoder
            out, self.hidden, w = dec.forward_step(previous.view(B, 1), self.hidden, self.keys.expand(B, -1, -1))
            return out[:, 0], w[:, 0]
        if self.kind == "show-attend-tell":
            lg, self.state, w, _ = self.model.step(previous, self.state, self.a.expand(B, -1, -1), self.Wa_a.expand(B, -1, -1))
            return lg, w
        if self.kind == "luong":
            self.t += 1
            lg, self.state, a = self.model.decoder.step(previous, self.state, self.h_bar.expand(B, -1, -1), self.t)
            return lg, a
        dec = self.model.decoder
        lg, self.s, a = dec.step(dec.embedding(previous), self.s, self.h.expand(B, -1, -1), self.Uh.expand(B, -1, -1))
        return lg, a

    def reorder(self, parents):
        """Row k of the new state is row parents[k] of the current one."""
        idx = torch.tensor(parents, dtype=torch.long)
        if self.kind == "preset":
            self.state = self.model.reorder(self.state, idx)
        elif self.kind == "sutskever":
            self.state = tuple(x.index_select(1, idx) for x in self.state)
        elif self.kind == "cho":
            self.h = self.h.index_select(0, idx)
        elif self.kind == "tutorial":
            self.hidden = self.hidden.index_select(1, idx)
        elif self.kind == "show-attend-tell":
            self.state = tuple(x.index_select(0, idx) for x in self.state)
        elif self.kind == "luong":
            h, c, h_tilde = self.state
            self.state = (h.index_select(1, idx), c.index_select(1, idx), h_tilde.index_select(0, idx))
        else:
            self.s = self.s.index_select(0, idx)


def length_penalty(length, alpha):
    """lp(Y) = ((5 + |Y|) / 6)^alpha, 1 when alpha == 0."""
    return 1.0 if alpha == 0 else ((5 + length) / 6) ** alpha


def repeats_ngram(seq, n):
    """Whether the last n-gram of seq occurs earlier in seq."""
    if n <= 0 or len(seq) <= n:
        return False
    last = seq[-n:]
    return any(seq[s:s + n] == last for s in range(len(seq) - n))


class _Hyp:
    """A hypothesis: its tokens, per-token log-probs and attention rows, log P, coverage (float32)."""

    __slots__ = ("ids", "log_probs", "attention", "total", "coverage")

    def __init__(self, ids, log_probs, attention, total, coverage):
        self.ids, self.log_probs, self.attention, self.total, self.coverage = ids, log_probs, attention, total, coverage


def beam_search(model, config, source_ids, eps=1e-5, **options):
    unknown = set(options) - set(DEFAULTS) - {"maxLength"}
    if unknown:
        raise ValueError(f"unknown options {sorted(unknown)}")
    o = {**DEFAULTS, "maxLength": config["max_target_length"], **options}
    K, L, n_best = o["beamSize"], o["maxLength"], o["nBest"]
    alpha, beta, block, min_len = o["lengthPenalty"], o["coveragePenalty"], o["blockRepeatNgram"], o["minLength"]
    assert 1 <= n_best <= K and 1 <= L and 0 <= min_len <= L
    if beta and (isinstance(model, (ChoEncoderDecoder, Seq2SeqLSTM)) or not getattr(model, "attends", True)):
        raise ValueError("coveragePenalty: the model has no attention (seqattn: E_OPTION)")
    sos, eos = config["sos_id"], config["eos_id"]
    V = len(config["target_vocab"])
    k_top = min(V, 2 * K)

    def cp(coverage, a):
        """beta * sum_j log(min(max(coverage_j + a_j, COVERAGE_FLOOR), 1)) in double; coverage, a: lists
        of float32 values. The floor (src/decode/beam.ts) keeps positions that no local window or hard
        location reached (coverage exactly 0) at beta * log(1e-6) instead of -inf."""
        if beta == 0:
            return 0.0
        s = 0.0
        for j in range(Tx):
            s += math.log(min(max(coverage[j] + (a[j] if a is not None else 0.0), COVERAGE_FLOOR), 1.0))
        return beta * s

    near_ties, margins = [], []

    def margin(what, gap):
        margins.append((gap, what))
        if gap < eps:
            near_ties.append(f"{what}: margin {gap:.3g}")

    finished = []  # dicts: hyp, score, finished flag (insertion order = beam.ts's)
    with torch.no_grad():
        stepper = Stepper(model, config, source_ids)
        Tx = stepper.Tx
        live = [_Hyp([], [], [], 0.0, torch.zeros(Tx, dtype=torch.float32))]
        previous = [sos]
        for i in range(L):
            if not live:
                break
            logits, attn = stepper.step(torch.tensor(previous, dtype=torch.long))
            logp = F.log_softmax(logits.float(), dim=-1)
            if i < min_len:
                logp[:, eos] = -math.inf
            logp_rows = logp.tolist()  # float32 values as doubles
            attn_rows = attn.tolist()

            candidates = []  # (total, row, token, logp)
            for r, hyp in enumerate(live):
                row = logp_rows[r]
                order = sorted(range(V), key=lambda t: (-row[t], t))
                top = order[:k_top]
                skipped = 0
                for t in top:
                    if row[t] == -math.inf:
                        skipped += 1
                        break
                    if block > 0 and repeats_ngram(hyp.ids + [t], block):
                        skipped += 1
                        continue
                    candidates.append((hyp.total + row[t], r, t, row[t]))
                if skipped and k_top < V and row[top[-1]] != -math.inf:
                    # a token just below the top 2K could have taken a skipped one's place
                    margin(f"step {i} row {r}: top-{k_top} cut (token {top[-1]} vs {order[k_top]})",
                           row[top[-1]] - row[order[k_top]])
            candidates.sort(key=lambda c: (-c[0], c[1], c[2]))

            def walk(cands):
                """-> (finished entries [(rank, row, token)], live entries [(row, token)], ranks walked)."""
                fin, nxt, rank = [], [], 0
                while rank < len(cands) and len(nxt) < K:
                    total, r, t, _ = cands[rank]
                    if t == eos:
                        if rank < K:
                            fin.append((r, t))
                    else:
                        nxt.append((r, t))
                    rank += 1
                return fin, nxt, rank

            fin, nxt, walked = walk(candidates)
            # Which near-equal neighbours, swapped, would change which hypotheses finish or stay live
            for p in range(min(walked, len(candidates) - 1)):
                gap = candidates[p][0] - candidates[p + 1][0]
                if gap >= 1e-3:
                    continue
                swapped = candidates[:p] + [candidates[p + 1], candidates[p]] + candidates[p + 2:]
                f2, n2, _ = walk(swapped)
                if set(f2) != set(fin) or set(n2) != set(nxt):
                    margin(f"step {i}: candidates at ranks {p}/{p + 1} {candidates[p][1:3]} / {candidates[p + 1][1:3]}", gap)

            new_live, parents = [], []
            for rank in range(walked):
                total, r, t, lp = candidates[rank]
                hyp = live[r]
                a = attn_rows[r]
                if t == eos:
                    if rank < K:
                        finished.append({
                            "hyp": _Hyp(hyp.ids + [t], hyp.log_probs + [lp], hyp.attention + [a], total, None),
                            "score": total / length_penalty(i + 1, alpha) + cp(hyp.coverage.tolist(), a),
                            "finished": True,
                        })
                    continue
                cov = hyp.coverage + attn[r]  # float32, as beam.ts's Float32Array
                new_live.append(_Hyp(hyp.ids + [t], hyp.log_probs + [lp], hyp.attention + [a], total, cov))
                parents.append(r)
            if not new_live and not finished and i > 0:
                for hyp in live:
                    finished.append({"hyp": hyp, "score": hyp.total / length_penalty(i, alpha) + cp(hyp.coverage.tolist(), None),
                                     "finished": False})
                break
            live = new_live

            if i == L - 1:
                for hyp in live:
                    finished.append({"hyp": hyp, "score": hyp.total / length_penalty(L, alpha) + cp(hyp.coverage.tolist(), None),
                                     "finished": False})
                break
            if live:
                stepper.reorder(parents)
            previous = [h.ids[-1] for h in live]

            if len(finished) >= n_best and live:
                kth = sorted((f["score"] for f in finished), reverse=True)[n_best - 1]
                bound = max(h.total / length_penalty(L, alpha) for h in live)
                margin(f"step {i}: stop test (kth {kth:.6f} vs bound {bound:.6f})", abs(kth - bound))
                if kth >= bound:
                    break

    finished.sort(key=lambda f: -f["score"])  # stable, as Array.prototype.sort
    for p in range(min(n_best, len(finished) - 1)):
        margin(f"result ranks {p}/{p + 1}", finished[p]["score"] - finished[p + 1]["score"])
    return {
        "nBest": [{"ids": f["hyp"].ids, "log_probs": f["hyp"].log_probs, "attention": f["hyp"].attention,
                   "score": f["score"], "finished": f["finished"]} for f in finished[:n_best]],
        "near_ties": near_ties,
        "min_margin": min(margins)[0] if margins else None,
        "min_margin_at": min(margins)[1] if margins else None,
    }
