#include "trit/formats/checkpoint.h"

#include <fstream>
#include <limits>
#include <sstream>

#include "trit/formats/atomic_file.h"

namespace trit::formats {

namespace fs = std::filesystem;

std::string_view array_type_name(ArrayType type) {
  switch (type) {
#define X(e, t, n) case ArrayType::e: return n;
    TRIT_ARRAY_TYPES(X)
#undef X
  }
  return "?";
}

size_t array_type_size(ArrayType type) {
  switch (type) {
#define X(e, t, n) case ArrayType::e: return sizeof(t);
    TRIT_ARRAY_TYPES(X)
#undef X
  }
  return 0;
}

uint64_t NamedArray::numel() const {
  uint64_t n = 1;
  for (uint64_t d : shape) {
    TRIT_CHECK(d == 0 || n <= std::numeric_limits<uint64_t>::max() / d, "array element count overflows");
    n *= d;
  }
  return n;
}

fs::path write_checkpoint_atomically(const fs::path& run_dir, const Checkpoint& checkpoint) {
  TRIT_CHECK(checkpoint.step >= 0, run_dir.string(), ": cannot checkpoint a negative step ", checkpoint.step);
  const fs::path dir = run_dir / "checkpoints";
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) fail(dir.string(), ": cannot create the checkpoint folder: ", ec.message());
  const std::string name = str_cat("step_", checkpoint.step, ".h5");
  const fs::path file = dir / name;
  write_checkpoint(file, checkpoint);
  // Only a complete checkpoint is ever named by latest: it is renamed into place first.
  AtomicFileWriter latest(dir / "latest");
  latest.write(name + "\n");
  latest.commit();
  return file;
}

std::optional<fs::path> latest_checkpoint(const fs::path& run_dir) {
  const fs::path pointer = run_dir / "checkpoints" / "latest";
  std::error_code ec;
  if (!fs::exists(pointer, ec)) return std::nullopt;
  std::ifstream in(pointer);
  TRIT_CHECK(in.good(), pointer.string(), ": cannot open");
  std::string name;
  std::getline(in, name);
  while (!name.empty() && (name.back() == '\r' || name.back() == ' ')) name.pop_back();
  TRIT_CHECK(!name.empty(), pointer.string(), ": empty; expected the name of a checkpoint file");
  TRIT_CHECK(name.find('/') == std::string::npos && name != "." && name != "..", pointer.string(),
             ": '", name, "' is not a plain file name in the checkpoints folder");
  const fs::path file = pointer.parent_path() / name;
  TRIT_CHECK(fs::is_regular_file(file, ec), pointer.string(), ": names '", name, "', which does not exist");
  return file;
}

}  // namespace trit::formats
