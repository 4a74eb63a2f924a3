#include "Utils.h"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <ATen/detail/CUDAHooksInterface.h>
#include <mutex>
#include <torch/version.h>

static thread_local std::string last_error;

void set_last_error(const std::string& message) { last_error = message; }

void record_current_exception() {
  try {
    throw;
  } catch (const c10::Error& e) {
    set_last_error(e.what_without_backtrace());
  } catch (const std::exception& e) {
    set_last_error(e.what());
  } catch (...) {
    set_last_error("unknown C++ exception");
  }
}

// Valid until the next failing call on this thread; the managed side copies it at once.
EXPORT_API(const char*) MLA_last_error() { return last_error.c_str(); }

EXPORT_API(const char*) MLA_torch_version() { return TORCH_VERSION; }

static thread_local std::string config_text;
EXPORT_API(const char*) MLA_torch_config() {
  try {
    config_text = at::show_config() + at::get_parallel_info();
  } catch (...) {
    config_text = "unavailable";
  }
  return config_text.c_str();
}

EXPORT_API(int32_t) MLA_set_num_threads(int32_t n) { CATCH_STATUS(at::set_num_threads(n)); }
EXPORT_API(int32_t) MLA_get_num_threads() { return at::get_num_threads(); }

EXPORT_API(int32_t) MLA_cuda_is_available() { return at::hasCUDA() ? 1 : 0; }
EXPORT_API(int32_t) MLA_cuda_device_count() {
  try {
    return at::hasCUDA() ? (int32_t)at::detail::getCUDAHooks().getNumGPUs() : 0;
  } catch (...) {
    return 0;
  }
}

EXPORT_API(int32_t) MLA_manual_seed(int64_t seed) { CATCH_STATUS(at::manual_seed((uint64_t)seed)); }

// Generators: a seeded CPU generator owned by the managed side.
EXPORT_API(Generator) MLAGenerator_new(int64_t seed) {
  try {
    return new at::Generator(at::make_generator<at::CPUGeneratorImpl>((uint64_t)seed));
  } catch (...) {
    record_current_exception();
    return nullptr;
  }
}
EXPORT_API(int32_t) MLAGenerator_manual_seed(Generator g, int64_t seed) {
  CATCH_STATUS(std::lock_guard<std::mutex> lock(g->mutex()); g->set_current_seed((uint64_t)seed));
}
EXPORT_API(int64_t) MLAGenerator_initial_seed(Generator g) { return (int64_t)g->current_seed(); }
EXPORT_API(void) MLAGenerator_dispose(Generator g) { delete g; }
