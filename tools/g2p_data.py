#!/usr/bin/env python3
"""CMU Pronouncing Dictionary loading and the train/dev/test split for the English G2P model.

Source: node_modules/cmu-pronouncing-dictionary/index.js (an ES module exporting
`dictionary = { "word": "PH ON EMES", "word(2)": "...", ... }`).

Filtering: keep words made only of letters a-z and apostrophes; strip `# comments` from
pronunciations; "word(N)" alternatives are grouped with "word".

Split (as in the CMUSphinx g2p-seq2seq recipe): sort the unique words; word index i in the sorted
list: i % 20 == 0 -> dev, i % 20 in (1, 2) -> test, otherwise train. All pronunciations of a word
stay in the same split.

    from g2p_data import load_splits
    splits = load_splits()   # {"train": [(word, [pron, ...]), ...], "dev": ..., "test": ...}

A pronunciation is a string of space-separated ARPAbet phonemes with stress digits ("HH AH0 L OW1").
"""
import os
import re
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DICT_PATH = os.path.join(REPO, "node_modules", "cmu-pronouncing-dictionary", "index.js")

_ENTRY = re.compile(r'^\s*"((?:[^"\\]|\\.)*)"\s*:\s*"((?:[^"\\]|\\.)*)"\s*,?\s*$')
_WORD_OK = re.compile(r"^[a-z']+$")
_ALT = re.compile(r"^(.*)\((\d+)\)$")


def read_dictionary(path=DICT_PATH):
    """Return {word: [pron, ...]} for the kept words, alternatives in their numeric order."""
    raw = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = _ENTRY.match(line)
            if not m:
                continue
            key, pron = m.group(1), m.group(2)
            pron = " ".join(pron.split("#", 1)[0].split())
            if not pron:
                continue
            order = 1
            a = _ALT.match(key)
            if a:
                key, order = a.group(1), int(a.group(2))
            if not _WORD_OK.match(key):
                continue
            raw.setdefault(key, []).append((order, pron))
    out = {}
    for word, prons in raw.items():
        seen = []
        for _, p in sorted(prons, key=lambda t: t[0]):
            if p not in seen:
                seen.append(p)
        out[word] = seen
    return out


def split_of(index):
    r = index % 20
    if r == 0:
        return "dev"
    if r in (1, 2):
        return "test"
    return "train"


def load_splits(path=DICT_PATH):
    """{"train"|"dev"|"test": [(word, [pron, ...]), ...]}, words in sorted order."""
    d = read_dictionary(path)
    splits = {"train": [], "dev": [], "test": []}
    for i, word in enumerate(sorted(d)):
        splits[split_of(i)].append((word, d[word]))
    return splits


def source_symbols(splits):
    return sorted({c for part in splits.values() for w, _ in part for c in w})


def phoneme_inventory(splits):
    return sorted({p for part in splits.values() for _, prons in part for pr in prons for p in pr.split()})


def main():
    splits = load_splits()
    total_w = total_p = 0
    for name in ("train", "dev", "test"):
        part = splits[name]
        n_p = sum(len(p) for _, p in part)
        total_w += len(part)
        total_p += n_p
        print(f"{name:5s}: {len(part):6d} words, {n_p:6d} pronunciations")
    print(f"total: {total_w:6d} words, {total_p:6d} pronunciations")
    print("source symbols:", "".join(source_symbols(splits)))
    inv = phoneme_inventory(splits)
    print(f"phonemes with stress ({len(inv)}):", " ".join(inv))
    lens = [len(w) for part in splits.values() for w, _ in part]
    plens = [len(p.split()) for part in splits.values() for _, ps in part for p in ps]
    print(f"max word length {max(lens)}, max pronunciation length {max(plens)}")


if __name__ == "__main__":
    sys.exit(main())
