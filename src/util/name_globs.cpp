#include "util/name_globs.h"

#include <fnmatch.h>

#include <algorithm>
#include <sstream>
#include <stdexcept>
#include <utility>

namespace gnnperf {

NameGlobs::NameGlobs(std::string spec) : spec_(std::move(spec)) {
  std::stringstream items(spec_);
  for (std::string glob; std::getline(items, glob, ',');) globs_.push_back(glob);
  // getline drops a trailing empty item ("a,"), which is as much a typo as "a,,b".
  if (globs_.empty() || spec_.back() == ',' ||
      std::ranges::any_of(globs_, [](const std::string& g) { return g.empty(); })) {
    throw std::invalid_argument("empty glob in '" + spec_ + "'");
  }
}

bool NameGlobs::matches(const std::string& name) const {
  return std::any_of(globs_.begin(), globs_.end(), [&](const std::string& glob) {
    return fnmatch(glob.c_str(), name.c_str(), 0) == 0;
  });
}

}  // namespace gnnperf
