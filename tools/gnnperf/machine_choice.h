// Timings of different machines never mix: with several in a DB, one must be chosen.
#pragma once

#include <cstdint>
#include <optional>

#include "dataset/store.h"

namespace gnnperf::cli {

// `requested` if given (> 0); otherwise the DB's only machine (nullopt: all rows);
// throws std::invalid_argument when the DB holds several machines.
std::optional<int64_t> choose_machine(DatasetStore& store, int64_t requested);

}  // namespace gnnperf::cli
