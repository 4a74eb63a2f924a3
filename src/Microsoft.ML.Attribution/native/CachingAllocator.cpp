// libtorch's CPU allocator, replaced by one that keeps freed large blocks for reuse. glibc hands blocks above its mmap
// threshold (at most 32 MB) straight back to the kernel, so every large activation, scratch pad or reordered copy of a
// forward came back as fresh pages to fault in and zero — 20–30 % of a VGG16 forward on 2 cores. Blocks of 1 MB and
// more (up to 256 MB) are cached by size (rounded up to 256 KB) up to a byte limit and handed out best-fit (a block
// up to 4× the request); smaller ones go to malloc as before.
#include "Utils.h"

#include <c10/core/Allocator.h>
#include <c10/core/CPUAllocator.h>

#include <cstdlib>
#include <map>
#include <mutex>

namespace {

constexpr size_t kAlignment = 64;          // libtorch's own CPU alignment
constexpr size_t kHeader = kAlignment;     // the block's size sits in front of the data, one alignment unit
constexpr size_t kLarge = 1 << 20;         // smaller blocks are malloc's business
constexpr size_t kGranule = 256 << 10;
constexpr size_t kLargestCached = size_t(256) << 20;  // one-off giants (a model's weights being converted) go back at once

struct Cache {
  std::mutex lock;
  std::multimap<size_t, void*> free_blocks;  // rounded size → raw block
  size_t cached_bytes = 0;
  size_t limit = size_t(512) << 20;

  // Frees kept blocks smaller than `size`, largest first, until `budget` bytes are freed or none is left (under the lock).
  void release_smaller_than(size_t size, size_t budget) {
    size_t freed = 0;
    while (freed < budget && !free_blocks.empty()) {
      auto below = free_blocks.lower_bound(size);
      if (below == free_blocks.begin()) break;
      --below;
      freed += below->first;
      cached_bytes -= below->first;
      std::free(below->second);
      free_blocks.erase(below);
    }
  }

  void trim_to(size_t target) {  // under the lock
    while (cached_bytes > target && !free_blocks.empty()) {
      auto largest = std::prev(free_blocks.end());
      cached_bytes -= largest->first;
      std::free(largest->second);
      free_blocks.erase(largest);
    }
  }
};

Cache& cache() {
  static Cache* instance = new Cache();  // never destroyed: tensors may be freed during process exit
  return *instance;
}

void* aligned_block(size_t bytes) {
  void* raw = nullptr;
  if (posix_memalign(&raw, kAlignment, bytes + kHeader) != 0 || raw == nullptr) throw std::bad_alloc();
  return raw;
}

void release(void* data) {
  if (data == nullptr) return;
  void* raw = static_cast<char*>(data) - kHeader;
  size_t size = *static_cast<size_t*>(raw);
  if (size >= kLarge && size <= kLargestCached) {
    Cache& c = cache();
    std::lock_guard<std::mutex> guard(c.lock);
    if (c.cached_bytes + size <= c.limit) {
      c.free_blocks.emplace(size, raw);
      c.cached_bytes += size;
      return;
    }
  }
  std::free(raw);
}

class CachingCpuAllocator final : public c10::Allocator {
 public:
  c10::DataPtr allocate(size_t bytes) const override {
    size_t size = bytes >= kLarge ? (bytes + kGranule - 1) / kGranule * kGranule : bytes;
    void* raw = nullptr;
    if (size >= kLarge) {
      Cache& c = cache();
      std::lock_guard<std::mutex> guard(c.lock);
      // Best fit, up to 4× the size: a later layer's smaller buffer reuses an earlier layer's block, so the cache
      // stays near the largest set of blocks alive at once rather than every distinct size a pass allocates.
      auto found = c.free_blocks.lower_bound(size);
      if (found != c.free_blocks.end() && found->first <= 4 * size) {
        raw = found->second;
        size = found->first;
        c.free_blocks.erase(found);
        c.cached_bytes -= size;
      } else {
        // A miss faults in `size` fresh bytes: give back as many of the kept blocks too small to serve it, so blocks of
        // sizes a pass no longer asks for (an earlier phase's) do not sit in the resident set beside the new ones.
        c.release_smaller_than(size, size);
      }
    }
    if (raw == nullptr) raw = aligned_block(size);
    *static_cast<size_t*>(raw) = size;
    void* data = static_cast<char*>(raw) + kHeader;
    return {data, data, &release, c10::Device(c10::DeviceType::CPU)};
  }

  c10::DeleterFnPtr raw_deleter() const override { return &release; }
};

// Installed when the shim loads, before any tensor of ours exists; tensors libtorch made earlier keep their own deleter.
// Never destroyed: libtorch may still allocate while the process exits.
__attribute__((constructor)) void install() { c10::SetCPUAllocator(new CachingCpuAllocator(), /*priority*/ 1); }

}  // namespace

// The most freed memory the allocator keeps for reuse (0: keep none and free what is kept).
EXPORT_API(void) MLA_allocator_set_cache_limit(int64_t bytes) {
  Cache& c = cache();
  std::lock_guard<std::mutex> guard(c.lock);
  c.limit = bytes < 0 ? 0 : static_cast<size_t>(bytes);
  c.trim_to(c.limit);
}

EXPORT_API(int64_t) MLA_allocator_cache_limit() {
  Cache& c = cache();
  std::lock_guard<std::mutex> guard(c.lock);
  return static_cast<int64_t>(c.limit);
}

EXPORT_API(int64_t) MLA_allocator_cached_bytes() {
  Cache& c = cache();
  std::lock_guard<std::mutex> guard(c.lock);
  return static_cast<int64_t>(c.cached_bytes);
}

EXPORT_API(void) MLA_allocator_empty_cache() {
  Cache& c = cache();
  std::lock_guard<std::mutex> guard(c.lock);
  c.trim_to(0);
}
