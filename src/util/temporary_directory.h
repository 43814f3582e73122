// A fresh directory under the system's temporary directory, removed with its contents
// when the object goes.
#pragma once

#include <string>

namespace gnnperf {

class TemporaryDirectory {
 public:
  // `prefix` starts the directory's name; throws std::runtime_error if none can be made.
  explicit TemporaryDirectory(const std::string& prefix);
  ~TemporaryDirectory();
  TemporaryDirectory(const TemporaryDirectory&) = delete;
  TemporaryDirectory& operator=(const TemporaryDirectory&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace gnnperf
