"""THE llama.cpp check (issue 4): llama.cpp, built from source by the llama-cpp-python package,
loads a BitNet that trit trained and trit-convert wrote as TQ2_0, TQ1_0, Q4_0 and Q8_0, and its
perplexity on the held-out split is within 2% of trit-eval's on the checkpoint. We feed our own
token ids (llama.cpp's tokenizer is checked separately) over the same non-overlapping windows
trit-eval uses, and take the NLL from llama.cpp's logits.

Also: a trit `transformer` exported as llama.cpp's `llama` (Q/K rows permuted for its
interleaved RoPE) gives the same perplexity in F32; llama.cpp's tokenizer maps text to the byte
ids trit uses; greedy generation from the GGUF runs."""
import re

import h5py
import llama_cpp  # built from source by pip: scripts/requirements-test.txt
import numpy as np
import pytest

from convert_util import make_dataset, train
from peer_util import bin_path, run

SEQ = 64
BITNET = ["--model.d_model=256", "--model.n_layers=2", "--model.n_heads=4", "--model.n_kv_heads=2",
          "--model.d_ff=512", f"--model.max_seq_len={2 * SEQ}"]
DENSE = ["--model.family=transformer", "--model.d_model=64", "--model.n_layers=2", "--model.n_heads=4",
         "--model.n_kv_heads=2", "--model.d_ff=128", f"--model.max_seq_len={2 * SEQ}"]


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    d = tmp_path_factory.mktemp("llama")
    dataset = make_dataset(d)
    with h5py.File(dataset, "r") as f:
        val = np.array(f["val"]["tokens"]).astype(np.int64)
    return d, dataset, val


def trit_eval_ppl(run_dir, dataset):
    out = run(bin_path("trit-eval"), run_dir, "--data", dataset, "--seq-len", SEQ, "--threads", 2)
    m = re.search(r"loss = ([0-9.]+) \+/- [0-9.]+ nats/token", out)
    assert m, out
    n = re.search(r"val split: (\d+) tokens in windows of (\d+)", out)
    assert n and int(n.group(2)) == SEQ, out
    return float(m.group(1)), int(n.group(1))


def llama_nll(gguf_path, val, n_tokens):
    """Mean NLL over trit-eval's windows: window w holds val[w*SEQ : w*SEQ + SEQ + 1]."""
    llm = llama_cpp.Llama(model_path=str(gguf_path), n_ctx=2 * SEQ, n_batch=2 * SEQ, logits_all=True,
                          verbose=False, n_threads=2, seed=0)
    total, count = 0.0, 0
    for w in range(n_tokens // SEQ):
        window = val[w * SEQ: w * SEQ + SEQ + 1]
        llm.reset()
        llm.eval([int(t) for t in window[:-1]])
        logits = np.array(llm.scores[:SEQ], dtype=np.float64)
        logits -= logits.max(axis=1, keepdims=True)
        logp = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
        total += -logp[np.arange(SEQ), window[1:]].sum()
        count += SEQ
    assert count == n_tokens
    return total / count, llm


@pytest.fixture(scope="module")
def bitnet(data):
    d, dataset, _ = data
    run_dir = train(d, dataset, "bitnet", 40, *BITNET)
    return run_dir, trit_eval_ppl(run_dir, dataset)


@pytest.mark.parametrize("typ", ["tq2_0", "tq1_0", "q4_0", "q8_0"])
def test_llama_cpp_perplexity_of_trit_bitnet_within_2_percent(data, bitnet, typ):
    d, dataset, val = data
    run_dir, (loss, n_tokens) = bitnet
    out = d / f"bitnet-{typ}.gguf"
    run(bin_path("trit-convert"), run_dir, "-o", out, "--type", typ)
    nll, llm = llama_nll(out, val, n_tokens)
    ppl_trit, ppl_llama = np.exp(loss), np.exp(nll)
    print(f"{typ}: trit-eval ppl {ppl_trit:.4f}, llama.cpp ppl {ppl_llama:.4f}")
    assert ppl_trit < 6, "the model did not learn: the comparison would say little"
    assert abs(ppl_llama / ppl_trit - 1) < 0.02, f"{typ}: llama.cpp {ppl_llama:.4f} vs trit {ppl_trit:.4f}"
    if typ == "tq2_0":
        # llama.cpp's own tokenizer gives trit's byte ids, and greedy generation runs.
        text = b"line 12: all the world"
        assert llm.tokenize(text, add_bos=False, special=False) == list(text)
        llm.reset()
        res = llm.create_completion("line 12: all the", max_tokens=24, temperature=0.0)
        assert res["choices"][0]["text"], res
        print("llama.cpp greedy:", repr(res["choices"][0]["text"]))


def test_llama_cpp_runs_trit_transformer_as_llama(data):
    d, dataset, val = data
    run_dir = train(d, dataset, "dense", 40, *DENSE)
    loss, n_tokens = trit_eval_ppl(run_dir, dataset)
    out = d / "dense-f32.gguf"
    run(bin_path("trit-convert"), run_dir, "-o", out, "--type", "f32")
    nll, _ = llama_nll(out, val, n_tokens)
    print(f"llama f32: trit-eval loss {loss:.5f}, llama.cpp loss {nll:.5f}")
    # Same model, float arithmetic on both sides (llama.cpp's KV cache is F16): a wrong RoPE
    # row order would cost far more than this.
    assert abs(nll - loss) < 0.002 * max(loss, 1.0), f"llama.cpp loss {nll} vs trit {loss}"
