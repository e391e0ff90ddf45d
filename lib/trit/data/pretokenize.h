#pragma once
// Pre-tokenisation for byte-level BPE: the byte stream is cut into chunks (words, numbers,
// punctuation runs, whitespace) and BPE merges never cross a chunk boundary. The rules follow
// GPT-2's pattern
//   's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
// on bytes instead of Unicode code points:
//   letters     A-Z a-z and every byte >= 0x80 (so any non-ASCII UTF-8 character counts as a
//               letter; GPT-2 would split non-ASCII punctuation and digits differently)
//   digits      0-9
//   whitespace  space \t \n \v \f \r
//   other       everything else (ASCII punctuation, control bytes, NUL)
// A chunk is at most kMaxChunkBytes long (a longer run is cut), which bounds the cost of BPE
// on hostile input such as a megabyte without a space.
#include <cstddef>
#include <string_view>

namespace trit::data {

inline constexpr size_t kMaxChunkBytes = 256;

// End (exclusive) of the chunk that starts at `pos` (< text.size()). The decision looks at
// most kChunkLookahead bytes past the chunk's end or its start, whichever is further.
size_t chunk_end(std::string_view text, size_t pos);
inline constexpr size_t kChunkLookahead = 4;

// Calls f(std::string_view chunk) for each chunk of `text`, in order.
template <typename F>
void for_each_chunk(std::string_view text, F&& f) {
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = chunk_end(text, pos);
    f(text.substr(pos, end - pos));
    pos = end;
  }
}

// Streaming form: returns the length of the prefix of `text` whose chunks are final even if
// more bytes follow `text` (chunks are emitted through f). The caller keeps the rest and
// prepends it to the next block; at the end of the stream it calls for_each_chunk on the rest.
// Use the emitted chunks: cutting the prefix again on its own can differ at its end ("\t\n"
// before a word is two chunks, at the end of a text one).
template <typename F>
size_t for_each_final_chunk(std::string_view text, F&& f) {
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = chunk_end(text, pos);
    if (end + kChunkLookahead > text.size() || pos + kChunkLookahead > text.size()) break;
    f(text.substr(pos, end - pos));
    pos = end;
  }
  return pos;
}

}  // namespace trit::data
