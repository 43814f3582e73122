// A comma-separated list of shell globs over names ("test_conv_*", "*.*,random:[1-5]??"),
// matched with fnmatch(3): *, ? and [...] classes. The CLI's name filters share it.
#pragma once

#include <string>
#include <vector>

namespace gnnperf {

class NameGlobs {
 public:
  // Throws std::invalid_argument when the list or one of its items is empty.
  explicit NameGlobs(std::string spec);
  bool matches(const std::string& name) const;
  const std::string& spec() const { return spec_; }

 private:
  std::string spec_;
  std::vector<std::string> globs_;
};

}  // namespace gnnperf
