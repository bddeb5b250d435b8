# karana_hal: the small C addon of the Karana Edge HAL. It holds only the Linux kernel interfaces that
# Node lacks: CLOCK_MONOTONIC_RAW, absolute-deadline sleep (clock_nanosleep TIMER_ABSTIME), real-time
# scheduling and CPU affinity of the calling thread (the tick thread); V4L2 mmap capture with kernel
# timestamps is in hal/native/v4l2*.c: v4l2.c (open, query, format negotiation, registration), v4l2_stream.c
# (mmap buffers, queue/dequeue, the waiting thread), v4l2_js.c (errors and argument checks), sharing the private
# v4l2_internal.h (ARCHITECTURE.md, "Native code"). Anything else native goes to the Rust core.
# Plain N-API C (NAPI_VERSION 8), no node-addon-api. Built by `node hal/native/build.mjs` (the package's
# install script) into build/Release/karana_hal.node; Linux only.
{
  'targets': [
    {
      'target_name': 'karana_hal',
      'sources': ['hal/native/karana_hal.c', 'hal/native/v4l2.c', 'hal/native/v4l2_stream.c', 'hal/native/v4l2_js.c'],
      'defines': ['NAPI_VERSION=8', '_GNU_SOURCE'],
      'cflags': ['-std=gnu11', '-O2', '-Wall', '-Wextra', '-Wno-unused-parameter'],
      'conditions': [
        ['OS=="linux"', { 'libraries': ['-lpthread'] }],
      ],
    },
  ],
}
