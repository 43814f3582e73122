#include "machine_choice.h"

#include <fmt/format.h>

#include <stdexcept>

namespace gnnperf::cli {

std::optional<int64_t> choose_machine(DatasetStore& store, int64_t requested) {
  if (requested > 0) return requested;
  const auto machines = store.machines();
  if (machines.size() > 1) {
    throw std::invalid_argument(
        fmt::format("'{}' holds timings from {} machines; choose one with --machine ID "
                    "(see `gnnperf dataset info`)",
                    store.path(), machines.size()));
  }
  return std::nullopt;
}

}  // namespace gnnperf::cli
