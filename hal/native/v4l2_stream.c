/*
 * karana_hal V4L2 streaming: mmap buffers, queue/dequeue and the waiting thread (see v4l2.c for the module and
 * its JS functions). Source: Linux Media Infrastructure userspace API, "Streaming I/O (Memory Mapping)",
 * vidioc-reqbufs, vidioc-querybuf, vidioc-qbuf (QBUF/DQBUF), vidioc-streamon, buffer.html (struct v4l2_buffer,
 * the V4L2_BUF_FLAG_TIMESTAMP_* and V4L2_BUF_FLAG_TSTAMP_SRC_* flags).
 *
 * Buffers: v4l2StartStreaming returns one EXTERNAL ArrayBuffer per mmap'd kernel buffer (no copy). Its bytes
 * are the frame from the v4l2Dequeue that returned its index until v4l2Queue(index) gives it back to the
 * driver; v4l2StopStreaming / v4l2Close detach every ArrayBuffer (byteLength becomes 0) before munmap, so a
 * stale view reads nothing instead of unmapped memory.
 * Waiting: v4l2Dequeue runs poll(2) on the device and an eventfd, then VIDIOC_DQBUF, on a libuv worker
 * thread (napi_async_work); the JS thread never blocks. v4l2Cancel wakes it (it resolves null).
 */
#include "v4l2_internal.h"

#ifdef __linux__

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

/* One v4l2Dequeue: filled on the worker thread, settled on the JS thread. */
typedef struct {
  v4l2_dev *dev;
  napi_ref handle_ref;
  napi_deferred deferred;
  napi_async_work work;
  int timeout_ms;
  int err;             /* errno of the failed call, 0 when fine */
  const char *failed;  /* which call failed */
  int outcome;         /* 0 frame, 1 timeout, 2 cancelled */
  struct v4l2_buffer buf;
  int64_t dequeued_ns;
} dequeue_job;

static int64_t mono_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void release_buffers(napi_env env, v4l2_dev *dev) {
  for (uint32_t i = 0; i < dev->n_buffers; i++) {
    if (dev->views[i] != NULL) {
      napi_value ab;
      if (napi_get_reference_value(env, dev->views[i], &ab) == napi_ok && ab != NULL) napi_detach_arraybuffer(env, ab);
      napi_delete_reference(env, dev->views[i]);
      dev->views[i] = NULL;
    }
    if (dev->maps[i] != NULL && dev->maps[i] != MAP_FAILED) munmap(dev->maps[i], dev->lens[i]);
    dev->maps[i] = NULL;
  }
  dev->n_buffers = 0;
}

void v4l2_stop_streaming(napi_env env, v4l2_dev *dev) {
  if (dev->fd < 0) return;
  if (dev->streaming) {
    int type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    xioctl(dev->fd, VIDIOC_STREAMOFF, &type);
    dev->streaming = false;
  }
  if (dev->n_buffers > 0) {
    release_buffers(env, dev);
    struct v4l2_requestbuffers req = {.count = 0, .type = V4L2_BUF_TYPE_VIDEO_CAPTURE, .memory = V4L2_MEMORY_MMAP};
    xioctl(dev->fd, VIDIOC_REQBUFS, &req);
  }
}

napi_value v4l2StartStreaming(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2] = {NULL, NULL};
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  v4l2_dev *dev = v4l2_get_dev(env, argv[0], true);
  if (dev == NULL) return NULL;
  uint32_t count = 0;
  if (!v4l2_get_u32(env, argv[1], "bufferCount", 2, MAX_BUFFERS, &count)) return NULL;
  if (dev->streaming || dev->n_buffers > 0)
    return v4l2_throw(env, 0, "EBUSY", "karana_hal: %s: already streaming", dev->path);
  struct v4l2_requestbuffers req = {.count = count, .type = V4L2_BUF_TYPE_VIDEO_CAPTURE, .memory = V4L2_MEMORY_MMAP};
  if (xioctl(dev->fd, VIDIOC_REQBUFS, &req) != 0) return v4l2_throw_errno(env, dev, "VIDIOC_REQBUFS", errno);
  if (req.count < 2) {
    v4l2_stop_streaming(env, dev);
    return v4l2_throw(env, 0, "ENOMEM", "karana_hal: %s: the driver granted %u mmap buffers, 2 are needed", dev->path, req.count);
  }
  dev->n_buffers = req.count > MAX_BUFFERS ? MAX_BUFFERS : req.count;
  napi_value arr;
  CHECK(env, napi_create_array(env, &arr));
  for (uint32_t i = 0; i < dev->n_buffers; i++) {
    struct v4l2_buffer b = {.index = i, .type = V4L2_BUF_TYPE_VIDEO_CAPTURE, .memory = V4L2_MEMORY_MMAP};
    const char *call = "VIDIOC_QUERYBUF";
    int ok = xioctl(dev->fd, VIDIOC_QUERYBUF, &b) == 0;
    if (ok) {
      call = "mmap";
      dev->lens[i] = b.length;
      dev->maps[i] = mmap(NULL, b.length, PROT_READ | PROT_WRITE, MAP_SHARED, dev->fd, b.m.offset);
      ok = dev->maps[i] != MAP_FAILED;
    }
    if (ok) {
      call = "VIDIOC_QBUF";
      ok = xioctl(dev->fd, VIDIOC_QBUF, &b) == 0;
    }
    if (!ok) {
      int e = errno;
      if (dev->maps[i] == MAP_FAILED) dev->maps[i] = NULL;
      v4l2_stop_streaming(env, dev);
      return v4l2_throw_errno(env, dev, call, e);
    }
    napi_value ab;
    CHECK(env, napi_create_external_arraybuffer(env, dev->maps[i], dev->lens[i], NULL, NULL, &ab));
    CHECK(env, napi_create_reference(env, ab, 1, &dev->views[i]));
    CHECK(env, napi_set_element(env, arr, i, ab));
  }
  int type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
  if (xioctl(dev->fd, VIDIOC_STREAMON, &type) != 0) {
    int e = errno;
    v4l2_stop_streaming(env, dev);
    return v4l2_throw_errno(env, dev, "VIDIOC_STREAMON", e);
  }
  dev->streaming = true;
  return arr;
}

static void dequeue_execute(napi_env env, void *data) {
  dequeue_job *job = data;
  v4l2_dev *dev = job->dev;
  int64_t deadline = mono_ns() + (int64_t)job->timeout_ms * 1000000LL;
  for (;;) {
    int64_t left_ms = (deadline - mono_ns()) / 1000000LL;
    if (left_ms < 0) left_ms = 0;
    struct pollfd p[2] = {{.fd = dev->fd, .events = POLLIN}, {.fd = dev->wake_fd, .events = POLLIN}};
    int r = poll(p, 2, (int)left_ms);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      job->err = errno;
      job->failed = "poll";
      return;
    }
    if (p[1].revents & POLLIN) {
      uint64_t n;
      ssize_t got = read(dev->wake_fd, &n, sizeof n);
      (void)got;
      job->outcome = 2;
      return;
    }
    if (r == 0) {
      job->outcome = 1;
      return;
    }
    memset(&job->buf, 0, sizeof job->buf);
    job->buf.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    job->buf.memory = V4L2_MEMORY_MMAP;
    if (xioctl(dev->fd, VIDIOC_DQBUF, &job->buf) == 0) {
      job->dequeued_ns = mono_ns();
      job->outcome = 0;
      return;
    }
    if (errno == EAGAIN) continue; /* woken without a filled buffer */
    job->err = errno;
    job->failed = (p[0].revents & POLLERR) && errno == EINVAL ? "VIDIOC_DQBUF (no buffer queued)" : "VIDIOC_DQBUF";
    return;
  }
}

static void dequeue_complete(napi_env env, napi_status status, void *data) {
  dequeue_job *job = data;
  v4l2_dev *dev = job->dev;
  dev->busy = false;
  napi_value result = NULL;
  if (job->err != 0) {
    const char *hint = v4l2_err_hint(job->err);
    char msg[V4L2_MSG_MAX];
    snprintf(msg, sizeof msg, "karana_hal: %s: %s failed: %s (%s)%s%s", dev->path, job->failed, strerror(job->err),
             v4l2_err_name(job->err), *hint ? ": " : "", hint);
    napi_value m, c, e;
    napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &m);
    napi_create_string_utf8(env, v4l2_err_name(job->err), NAPI_AUTO_LENGTH, &c);
    napi_create_error(env, c, m, &e);
    napi_reject_deferred(env, job->deferred, e);
  } else if (job->outcome != 0) {
    napi_get_null(env, &result);
    napi_resolve_deferred(env, job->deferred, result);
  } else {
    const struct v4l2_buffer *b = &job->buf;
    uint32_t ts_type = b->flags & V4L2_BUF_FLAG_TIMESTAMP_MASK;
    const char *clock = ts_type == V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC ? "monotonic"
                        : ts_type == V4L2_BUF_FLAG_TIMESTAMP_COPY   ? "copy"
                                                                     : "unknown";
    const char *src = (b->flags & V4L2_BUF_FLAG_TSTAMP_SRC_MASK) == V4L2_BUF_FLAG_TSTAMP_SRC_SOE ? "soe" : "eof";
    int64_t ts = (int64_t)b->timestamp.tv_sec * 1000000000LL + (int64_t)b->timestamp.tv_usec * 1000LL;
    napi_value tsv, dqv;
    napi_create_object(env, &result);
    v4l2_set_u32(env, result, "index", b->index);
    v4l2_set_u32(env, result, "bytesUsed", b->bytesused);
    v4l2_set_u32(env, result, "sequence", b->sequence);
    v4l2_set_u32(env, result, "flags", b->flags);
    napi_value err_flag;
    napi_get_boolean(env, (b->flags & V4L2_BUF_FLAG_ERROR) != 0, &err_flag);
    napi_set_named_property(env, result, "error", err_flag);
    napi_create_bigint_int64(env, ts, &tsv);
    napi_set_named_property(env, result, "timestampNs", tsv);
    v4l2_set_str(env, result, "timestampClock", clock);
    v4l2_set_str(env, result, "timestampSource", src);
    napi_create_bigint_int64(env, job->dequeued_ns, &dqv);
    napi_set_named_property(env, result, "dequeuedNs", dqv);
    napi_resolve_deferred(env, job->deferred, result);
  }
  napi_delete_reference(env, job->handle_ref);
  napi_delete_async_work(env, job->work);
  free(job);
}

napi_value v4l2Dequeue(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2] = {NULL, NULL};
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  v4l2_dev *dev = v4l2_get_dev(env, argv[0], true);
  if (dev == NULL) return NULL;
  uint32_t timeout = 0;
  if (!v4l2_get_u32(env, argv[1], "timeoutMs", 0, 3600000, &timeout)) return NULL;
  if (!dev->streaming) return v4l2_throw(env, 0, "EINVAL", "karana_hal: %s: v4l2Dequeue before v4l2StartStreaming", dev->path);
  if (dev->busy) return v4l2_throw(env, 0, "EBUSY", "karana_hal: %s: a v4l2Dequeue is already in flight", dev->path);
  dequeue_job *job = calloc(1, sizeof *job);
  if (job == NULL) return v4l2_throw(env, 0, "ENOMEM", "karana_hal: %s: out of memory", dev->path);
  job->dev = dev;
  job->timeout_ms = (int)timeout;
  napi_value promise, name;
  if (napi_create_reference(env, argv[0], 1, &job->handle_ref) != napi_ok || napi_create_promise(env, &job->deferred, &promise) != napi_ok ||
      napi_create_string_utf8(env, "karana_hal.v4l2Dequeue", NAPI_AUTO_LENGTH, &name) != napi_ok ||
      napi_create_async_work(env, NULL, name, dequeue_execute, dequeue_complete, job, &job->work) != napi_ok ||
      napi_queue_async_work(env, job->work) != napi_ok) {
    free(job);
    return v4l2_throw(env, 0, NULL, "karana_hal: %s: could not start the dequeue", dev->path);
  }
  dev->busy = true;
  return promise;
}

napi_value v4l2Queue(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2] = {NULL, NULL};
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  v4l2_dev *dev = v4l2_get_dev(env, argv[0], true);
  if (dev == NULL) return NULL;
  if (dev->n_buffers == 0) return v4l2_throw(env, 0, "EINVAL", "karana_hal: %s: v4l2Queue before v4l2StartStreaming", dev->path);
  uint32_t index = 0;
  if (!v4l2_get_u32(env, argv[1], "index", 0, dev->n_buffers - 1, &index)) return NULL;
  struct v4l2_buffer b = {.index = index, .type = V4L2_BUF_TYPE_VIDEO_CAPTURE, .memory = V4L2_MEMORY_MMAP};
  if (xioctl(dev->fd, VIDIOC_QBUF, &b) != 0) return v4l2_throw_errno(env, dev, "VIDIOC_QBUF", errno);
  return NULL;
}

napi_value v4l2Cancel(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1] = {NULL};
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  v4l2_dev *dev = v4l2_get_dev(env, argv[0], false);
  if (dev == NULL) return NULL;
  if (dev->busy && dev->wake_fd >= 0) {
    uint64_t one = 1;
    ssize_t put = write(dev->wake_fd, &one, sizeof one);
    (void)put;
  }
  return NULL;
}

napi_value v4l2StopStreaming(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1] = {NULL};
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  v4l2_dev *dev = v4l2_get_dev(env, argv[0], false);
  if (dev == NULL) return NULL;
  if (dev->busy)
    return v4l2_throw(env, 0, "EBUSY", "karana_hal: %s: a v4l2Dequeue is in flight; call v4l2Cancel and await it first", dev->path);
  v4l2_stop_streaming(env, dev);
  return NULL;
}

#endif /* __linux__ */
