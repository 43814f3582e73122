#include "measure/cpu_affinity.h"

#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace gnnperf {

void pin_to_last_cpus(int count) {
  const int cpus = static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN));
  cpu_set_t set;
  CPU_ZERO(&set);
  for (int c = std::max(0, cpus - count); c < cpus; ++c) CPU_SET(c, &set);
  if (sched_setaffinity(0, sizeof set, &set) != 0) {
    throw std::runtime_error(std::string("cannot pin the timing to CPUs: ") + std::strerror(errno));
  }
}

}  // namespace gnnperf
