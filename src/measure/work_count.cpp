#include "measure/work_count.h"

#include <map>
#include <mutex>

namespace gnnperf {
namespace {

// The trace handler is a plain function, called from Halide's worker threads too.
std::mutex counts_mutex;
std::map<std::string, FuncWork>* counts = nullptr;

int count_event(Halide::JITUserContext*, const halide_trace_event_t* e) {
  if (e->event != halide_trace_produce && e->event != halide_trace_store) return 0;
  std::lock_guard<std::mutex> lock(counts_mutex);
  if (!counts) return 0;
  FuncWork& w = (*counts)[e->func];
  if (e->event == halide_trace_produce) {
    ++w.productions;
  } else {
    w.stored_values += e->type.lanes;
  }
  return 0;
}

}  // namespace

std::vector<FuncWork> count_work(Halide::Pipeline& pipeline,
                                 const std::vector<Halide::Func>& outputs,
                                 Halide::Realization& realization, const Halide::Target& target) {
  std::vector<Halide::Internal::Function> functions;
  functions.reserve(outputs.size());
  for (const auto& f : outputs) functions.push_back(f.function());
  for (auto& [name, function] : Halide::Internal::build_environment(functions)) {
    function.trace_realizations();
    function.trace_stores();
  }
  pipeline.invalidate_cache();
  pipeline.compile_jit(target);
  std::map<std::string, FuncWork> counted;
  {
    std::lock_guard<std::mutex> lock(counts_mutex);
    counts = &counted;
  }
  pipeline.jit_handlers().custom_trace = count_event;
  pipeline.realize(realization);
  pipeline.jit_handlers().custom_trace = nullptr;
  {
    std::lock_guard<std::mutex> lock(counts_mutex);
    counts = nullptr;
  }
  std::vector<FuncWork> out;
  for (auto& [name, w] : counted) {
    w.name = name;
    out.push_back(w);
  }
  return out;
}

}  // namespace gnnperf
