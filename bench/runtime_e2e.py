#!/usr/bin/env python3
"""End to end, side by side in one run: prompt processing (128 tokens, one batch) and
generation (64 tokens, one at a time with the KV cache) of the same GGUF file in trit-eval
(`--bench`) and in llama.cpp (the llama-cpp-python package), same threads. Rounds alternate
between the two so that load on a shared machine hits both alike; medians are reported.

  python bench/runtime_e2e.py /tmp/bitnet412m.gguf --trit-eval build/bin/trit-eval --threads 2

Make a benchmark file with bench/make_bitnet_gguf.py (random ternary weights, the issue's
412M-parameter d=2048 8-layer shape by default)."""
import argparse
import os
import re
import statistics
import subprocess
import time


def trit_round(trit_eval, model, threads, extra):
    out = subprocess.run([trit_eval, model, "--bench", "--threads", str(threads), *extra], capture_output=True,
                         text=True, check=True).stdout
    m = re.search(r"prompt (\d+) tokens: ([0-9.]+) tokens/s \| generation (\d+) tokens: ([0-9.]+) tokens/s", out)
    assert m, out
    return float(m.group(2)), float(m.group(4))


def llama_round(llm, n_vocab, n_prompt, n_gen, reps=3):
    ids = [(i * 7 + 3) % n_vocab for i in range(n_prompt)]
    pp, tg = [], []
    for _ in range(reps):
        llm.reset()
        t0 = time.perf_counter()
        llm.eval(ids)
        pp.append(n_prompt / (time.perf_counter() - t0))
        t1 = time.perf_counter()
        for i in range(n_gen):
            llm.eval([i % n_vocab])
        tg.append(n_gen / (time.perf_counter() - t1))
    return statistics.median(pp), statistics.median(tg)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("model")
    p.add_argument("--trit-eval", default="build/bin/trit-eval")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--kv-cache", choices=["f32", "f16"], default="f32", help="trit's KV cache type")
    a = p.parse_args()
    from llama_cpp import Llama

    llm = Llama(model_path=a.model, n_ctx=512, n_batch=512, n_ubatch=512, n_threads=a.threads,
                n_threads_batch=a.threads, verbose=False)
    n_vocab = llm.n_vocab()
    results = {"trit": [], "llama.cpp": []}
    for r in range(a.rounds):
        results["trit"].append(trit_round(a.trit_eval, a.model, a.threads, ["--kv-cache", a.kv_cache]))
        results["llama.cpp"].append(llama_round(llm, n_vocab, 128, 64))
        print(f"round {r + 1}: trit pp {results['trit'][-1][0]:.1f} tg {results['trit'][-1][1]:.1f} | "
              f"llama.cpp pp {results['llama.cpp'][-1][0]:.1f} tg {results['llama.cpp'][-1][1]:.1f} tokens/s",
              flush=True)
    med = {k: (statistics.median(x[0] for x in v), statistics.median(x[1] for x in v)) for k, v in results.items()}
    print(f"\nmodel {os.path.basename(a.model)}, {a.threads} threads, trit KV cache {a.kv_cache}, "
          f"median of {a.rounds} rounds")
    print(f"{'':12s} {'prompt 128 (tok/s)':>20s} {'generation 64 (tok/s)':>22s}")
    for k, (pp, tg) in med.items():
        print(f"{k:12s} {pp:20.1f} {tg:22.1f}")
    print(f"{'ratio':12s} {med['trit'][0] / med['llama.cpp'][0]:19.2f}x {med['trit'][1] / med['llama.cpp'][1]:21.2f}x")


if __name__ == "__main__":
    main()
