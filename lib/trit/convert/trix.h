#pragma once
// trit-convert for the `trix` family: a trix checkpoint goes to GGUF with trit's own `trix`
// architecture (models/trix_export.h; docs/formats.md, "TriX GGUF"), which trit's tools read
// and llama.cpp cannot run; the converter says so. Types: f32, f16, bf16, tq1_0, tq2_0.
#include <filesystem>
#include <iosfwd>

#include "trit/convert/plan.h"

namespace trit::convert {

// Exports `checkpoint` when it holds a trix model and returns true; returns false (having
// written nothing) for any other family.
bool export_trix_checkpoint(const std::filesystem::path& checkpoint, const std::filesystem::path& output,
                            const PlanOptions& options, bool dry_run, std::ostream& out);

}  // namespace trit::convert
