// Tests share process-wide native state (live-tensor counter, grad mode, thread count): run them one at a time.
[assembly: DoNotParallelize]
