#include "collect/task_plan.h"

#include <fmt/format.h>

#include <random>

namespace gnnperf {
namespace {

uint64_t hash_text(const std::string& text) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : text) h = (h ^ c) * 1099511628211ULL;
  return h;
}

// A spread of autoscheduler settings. Half the tasks steer Adams2019 with a randomly
// weighted cost model (varied schedules, good and bad: seeds and dropout alone give a
// handful of distinct schedules for a small pipeline); the rest use the stock weights
// with random dropout and small beams (schedules near what the autoscheduler picks).
// Choices use raw engine output so they do not depend on the standard library's
// distribution implementations.
SamplingParams randomized_params(uint64_t task_hash, int parallelism) {
  std::mt19937_64 rng(task_hash);
  SamplingParams p;
  p.parallelism = parallelism;
  p.seed = rng() % 1000000007ULL;
  const uint64_t weights_seed = rng() | 1;  // never 0, which means the stock weights
  switch (rng() % 10) {
    case 0:
    case 1:
    case 2:
    case 3:
      p.beam_size = 1, p.random_dropout = 100, p.weights_seed = weights_seed;
      break;
    case 4:
      p.beam_size = 1, p.random_dropout = 50, p.weights_seed = weights_seed;
      break;
    case 5:
      p.beam_size = 1, p.random_dropout = 1;
      break;
    case 6:
      p.beam_size = 1, p.random_dropout = 10;
      break;
    case 7:
      p.beam_size = 1, p.random_dropout = 30;
      break;
    default:  // a random-weights search with beam 2 averaged 25 s: too slow to sample
      p.beam_size = 2, p.random_dropout = 50;
      break;
  }
  return p;
}

}  // namespace

std::vector<SampleTask> plan_tasks(const std::vector<Workload>& workloads,
                                   const PlanRequest& request) {
  std::vector<SampleTask> tasks, repeats;
  auto prefix = [&](const Workload& w) {
    return fmt::format("m{}/p{}/s{}/{}", request.machine_id, request.parallelism, request.seed,
                       w.name);
  };
  for (const auto& w : workloads) {
    SampleTask reference;
    reference.key = fmt::format("{}/default-b{}", prefix(w), request.default_beam);
    reference.workload = &w;
    reference.is_default = true;
    reference.params = {request.default_beam, 100, 0, request.parallelism};
    tasks.push_back(reference);
  }
  // Round-robin over pipelines, so that a collection stopped part-way (and resumed in a
  // later session) covers every pipeline rather than finishing a few.
  for (int i = 0; i < request.schedules_per_pipeline; ++i) {
    for (const auto& w : workloads) {
      SampleTask t;
      t.key = fmt::format("{}/{}", prefix(w), i);
      t.workload = &w;
      const uint64_t h = hash_text(t.key.substr(t.key.find('/')));  // machine-independent
      t.params = randomized_params(h, request.parallelism);
      tasks.push_back(t);
      if (h % kRepeatEvery == 0) {
        SampleTask r = t;
        r.key = t.key + "/repeat";
        r.is_repeat = true;
        r.repeat_of = t.key;
        repeats.push_back(r);
      }
    }
  }
  tasks.insert(tasks.end(), repeats.begin(), repeats.end());
  return tasks;
}

}  // namespace gnnperf
