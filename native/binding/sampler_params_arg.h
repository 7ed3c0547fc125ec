// Converts the optional `params` object { eta?, sNoise?, sChurn?, sTmin?, sTmax? } of the
// k-diffusion samplers (schemes/scheme.h SamplerParams) into kernel types.
#pragma once
#include <napi.h>
#include "schemes/scheme.h"

namespace dw2 {

// Absent fields keep SamplerParams' defaults; present ones must be numbers (ranges are checked
// by validateSchemeOptions, which knows the scheme).
SamplerParams samplerParamsField(const Napi::Object& options);

}  // namespace dw2
