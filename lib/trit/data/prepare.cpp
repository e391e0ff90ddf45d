#include "trit/data/prepare.h"

#include <chrono>
#include <cmath>

#include "trit/core/error.h"
#include "trit/data/bpe_trainer.h"
#include "trit/data/byte_tokenizer.h"
#include "trit/data/corpus.h"
#include "trit/data/pretokenize.h"
#include "trit/data/sha256.h"
#include "trit/data/utf8.h"

namespace trit::data {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

bool is_continuation(char c) { return (static_cast<uint8_t>(c) & 0xC0) == 0x80; }

void check_utf8(Utf8Checker& checker, std::string_view bytes, const InputFile& file, bool at_end) {
  bool ok = checker.feed(bytes);
  if (ok && at_end) ok = checker.finish();
  TRIT_CHECK(ok, file.path.string(), ": invalid UTF-8 at byte offset ", checker.error_offset(),
             " (use --encoding bytes to accept any bytes)");
}

// Tokenises one side of the split as a stream: bytes come in blocks, and only the chunks that
// are final (pre-tokenisation would cut them the same with more bytes) are encoded; the rest
// waits for more bytes or end(). The ids equal tokenizer.encode() of the whole side.
class StreamEncoder {
 public:
  StreamEncoder(const Tokenizer& tok, DatasetWriter& writer, Split split)
      : tok_(tok), writer_(writer), split_(split), whole_bytes_(tok.spec().kind == "bytes") {}

  void feed(std::string_view bytes) {
    carry_.append(bytes);
    ids_.clear();
    size_t done = carry_.size();
    if (whole_bytes_)
      tok_.encode(carry_, ids_);
    else  // encode the emitted chunks: the prefix cut again alone could differ at its end
      done = for_each_final_chunk(carry_, [&](std::string_view c) { tok_.encode_pretoken(c, ids_); });
    emit(done);
  }
  void end() {
    ids_.clear();
    tok_.encode(carry_, ids_);
    emit(carry_.size());
  }

 private:
  void emit(size_t n) {
    if (n == 0) return;
    writer_.append(split_, ids_, static_cast<int64_t>(n));
    carry_.erase(0, n);
  }

  const Tokenizer& tok_;
  DatasetWriter& writer_;
  Split split_;
  bool whole_bytes_;
  std::string carry_;
  std::vector<int32_t> ids_;
};

TokenizerSpec train_bpe(const std::vector<InputFile>& files, const PrepareOptions& opt,
                        int64_t n_vocab, int64_t sample_bytes, const PrepareProgress& progress,
                        PrepareReport& report) {
  auto start = Clock::now();
  BpeTrainer trainer;
  int64_t done = 0;
  for (const auto& file : files) {
    if (done >= sample_bytes) break;
    BlockReader reader(file.path, opt.block_bytes);
    Utf8Checker utf8;
    std::string carry;
    for (std::string_view block = reader.next(); !block.empty() && done < sample_bytes;
         block = reader.next()) {
      block = block.substr(0, static_cast<size_t>(sample_bytes - done));
      done += static_cast<int64_t>(block.size());
      if (opt.encoding == "utf8") check_utf8(utf8, block, file, false);
      carry.append(block);
      carry.erase(0, for_each_final_chunk(carry, [&](std::string_view c) { trainer.add_chunk(c); }));
      if (progress) progress("bpe-count", done, sample_bytes);
    }
    trainer.add_text(carry);
  }
  report.bpe_count_seconds = seconds_since(start);
  report.bpe_sample_bytes = done;
  start = Clock::now();
  auto spec = trainer.train({.n_vocab = n_vocab}, [&](int64_t d, int64_t t) {
    if (progress) progress("bpe-merge", d, t);
  });
  report.bpe_merge_seconds = seconds_since(start);
  return spec;
}

}  // namespace

int64_t parse_tokenizer_choice(const std::string& choice) {
  if (choice == "bytes") return 0;
  if (choice.rfind("bpe:", 0) == 0) {
    const std::string n = choice.substr(4);
    size_t used = 0;
    int64_t value = -1;
    try {
      value = std::stoll(n, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    TRIT_CHECK(used == n.size() && !n.empty() && value >= 257 && value <= (int64_t{1} << 24),
               "tokenizer \"", choice, "\": N must be a whole number from 257 to 16777216");
    return value;
  }
  fail("unknown tokenizer \"", choice, "\", expected \"bytes\" or \"bpe:N\" (e.g. bpe:4096)");
}

PrepareReport prepare_dataset(const PrepareOptions& opt, const PrepareProgress& progress) {
  TRIT_CHECK(opt.encoding == "utf8" || opt.encoding == "bytes", "unknown encoding \"",
             opt.encoding, "\", expected \"utf8\" or \"bytes\"");
  TRIT_CHECK(opt.val_fraction >= 0 && opt.val_fraction < 1, "val fraction ", opt.val_fraction,
             " is outside [0, 1)");
  TRIT_CHECK(opt.bpe_sample_bytes > 0, "the BPE sample size must be positive");
  const int64_t bpe_vocab = parse_tokenizer_choice(opt.tokenizer);
  // The output of an earlier run inside an input folder is not an input.
  std::vector<InputFile> files;
  {
    std::error_code out_ec, in_ec;
    const auto out = std::filesystem::weakly_canonical(opt.output, out_ec);
    for (auto& f : list_input_files(opt.inputs)) {
      bool is_output = !out_ec && std::filesystem::weakly_canonical(f.path, in_ec) == out && !in_ec;
      if (!is_output) files.push_back(std::move(f));
    }
    TRIT_CHECK(!files.empty(), "the only input is the output file ", opt.output.string());
  }
  PrepareReport report;
  report.n_files = static_cast<int64_t>(files.size());
  for (const auto& f : files) report.total_bytes += f.n_bytes;
  TRIT_CHECK(report.total_bytes > 0, "the input files are all empty");
  int64_t train_end = static_cast<int64_t>(
      std::floor(static_cast<double>(report.total_bytes) * (1.0 - opt.val_fraction)));

  TokenizerSpec spec =
      bpe_vocab == 0 ? byte_tokenizer_spec()
                     : train_bpe(files, opt, bpe_vocab, std::min(train_end, opt.bpe_sample_bytes),
                                 progress, report);
  auto tok = make_tokenizer(spec);
  report.tokenizer = tok->name();
  report.n_vocab = tok->n_vocab();

  auto start = Clock::now();
  DatasetWriter writer(opt.output, spec,
                       {.compression = opt.compression,
                        .encoding = opt.encoding,
                        .val_fraction = opt.val_fraction,
                        .split_rule = str_cat(
                            "train = the first floor(N * (1 - val_fraction)) bytes of the N-byte "
                            "stream of all sources in order",
                            opt.encoding == "utf8" ? ", moved forward to a character start" : "",
                            "; val = the rest; no token spans a source boundary or the split")});
  StreamEncoder train(*tok, writer, Split::train), val(*tok, writer, Split::val);
  int64_t pos = 0;  // stream offset
  for (const auto& file : files) {
    BlockReader reader(file.path, opt.block_bytes);
    Sha256 sha;
    Utf8Checker utf8;
    int64_t file_bytes = 0;
    for (std::string_view block = reader.next(); !block.empty(); block = reader.next()) {
      sha.update(block);
      file_bytes += static_cast<int64_t>(block.size());
      if (opt.encoding == "utf8") check_utf8(utf8, block, file, false);
      size_t k = 0;  // bytes of this block that belong to train
      if (pos + static_cast<int64_t>(block.size()) <= train_end) {
        k = block.size();
      } else if (pos < train_end || pos == train_end) {
        k = static_cast<size_t>(train_end - pos);
        while (opt.encoding == "utf8" && k < block.size() && is_continuation(block[k])) ++k, ++train_end;
      }
      if (k > 0) train.feed(block.substr(0, k));
      if (k < block.size()) {
        if (pos + static_cast<int64_t>(k) == train_end) train.end();
        val.feed(block.substr(k));
      }
      pos += static_cast<int64_t>(block.size());
      if (progress) progress("encode", pos, report.total_bytes);
    }
    if (opt.encoding == "utf8") check_utf8(utf8, {}, file, true);
    TRIT_CHECK(file_bytes == file.n_bytes, file.path.string(), ": size changed while reading (",
               file.n_bytes, " bytes listed, ", file_bytes, " read)");
    train.end();
    val.end();
    writer.add_source({file.path.string(), file_bytes, sha.hex_digest()});
  }
  writer.finish();
  report.train = writer.split_info(Split::train);
  report.val = writer.split_info(Split::val);
  report.encode_seconds = seconds_since(start);
  return report;
}

}  // namespace trit::data
