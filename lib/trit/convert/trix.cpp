#include "trit/convert/trix.h"

#include <ostream>

#include "trit/convert/source.h"
#include "trit/core/error.h"
#include "trit/formats/checkpoint.h"
#include "trit/models/trix.h"
#include "trit/models/trix_export.h"
#include "trit/train/checkpoint_io.h"

namespace trit::convert {

bool export_trix_checkpoint(const std::filesystem::path& checkpoint, const std::filesystem::path& output,
                            const PlanOptions& options, bool dry_run, std::ostream& out) {
  const std::string where = checkpoint.string();
  if (formats::read_checkpoint_family(checkpoint) != "trix") return false;
  train::LoadedModel loaded = train::load_model_checkpoint(checkpoint);
  const std::string type(target_name(options.type));
  TRIT_CHECK(options.format == OutputFormat::gguf, where, ": a trix model exports to GGUF only (architecture 'trix')");
  TRIT_CHECK(type == "f32" || type == "f16" || type == "bf16" || type == "tq1_0" || type == "tq2_0", where,
             ": a trix model exports as f32, f16, bf16, tq1_0 or tq2_0, not ", type);
  out << models::trix_llama_cpp_notice() << "\n";
  if (dry_run) {
    out << "dry run: would write " << output.string() << " (architecture trix, " << type << " tiles, "
        << loaded.model->n_parameters() << " parameters)\n";
    return true;
  }
  const auto* trix = dynamic_cast<const models::Trix*>(loaded.model.get());
  TRIT_CHECK(trix != nullptr, where, ": internal: family trix did not build a Trix model");
  models::TrixExportOptions eo;
  eo.type = type;
  eo.name = "trit trix";
  eo.extra = tokenizer_metadata(loaded.tokenizer, where);
  models::write_trix_gguf(*trix, output, eo);
  out << "wrote " << output.string() << " (architecture trix, " << type << ")\n";
  return true;
}

}  // namespace trit::convert
