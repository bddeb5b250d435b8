/*
 * karana_hal V4L2, private header: what v4l2.c (open, query, formats, negotiation, close, registration),
 * v4l2_stream.c (mmap buffers, queue/dequeue, streaming, the waiting thread) and v4l2_js.c (errors and
 * argument checks at the N-API boundary) share. Not part of any public interface; the JS API is documented in
 * v4l2.c. Everything here has hidden visibility, so none of it is exported from karana_hal.node.
 */
#ifndef KARANA_V4L2_INTERNAL_H
#define KARANA_V4L2_INTERNAL_H

#ifndef NAPI_VERSION
#define NAPI_VERSION 8
#endif
#include <node_api.h>

#include <stdbool.h>

#ifdef __linux__
#include <errno.h>
#include <linux/videodev2.h>
#include <stdint.h>
#include <sys/ioctl.h>
#endif

#pragma GCC visibility push(hidden)

#define V4L2_MSG_MAX 768

/* Throws a JS error with `code` (NULL for none) and a printf-style message: kind 0 Error, 1 TypeError,
 * 2 RangeError. Returns NULL, for `return v4l2_throw(…)`. */
napi_value v4l2_throw(napi_env env, int kind, const char *code, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#ifdef __linux__

#define MAX_BUFFERS 32

/* An open device: the handle behind the JS external made by v4l2Open. */
typedef struct {
  int fd;
  int wake_fd;
  char path[256];
  uint32_t n_buffers;
  void *maps[MAX_BUFFERS];
  size_t lens[MAX_BUFFERS];
  napi_ref views[MAX_BUFFERS];
  bool streaming;
  bool busy;
} v4l2_dev;

/* Returns NULL from the calling N-API function when `call` fails, throwing unless an exception is pending. */
#define CHECK(env, call)                                                                        \
  do {                                                                                          \
    if ((call) != napi_ok) {                                                                    \
      bool pending_ = false;                                                                    \
      napi_is_exception_pending((env), &pending_);                                              \
      if (!pending_) napi_throw_error((env), NULL, "karana_hal: N-API call failed: " #call);    \
      return NULL;                                                                              \
    }                                                                                           \
  } while (0)

/* ioctl(2), retried on EINTR. */
static inline int xioctl(int fd, unsigned long req, void *arg) {
  int r;
  do {
    r = ioctl(fd, req, arg);
  } while (r == -1 && errno == EINTR);
  return r;
}

/* v4l2_js.c: errno names and hints, the handle and integer arguments, result properties. */
const char *v4l2_err_name(int e);
const char *v4l2_err_hint(int e);
napi_value v4l2_throw_errno(napi_env env, const v4l2_dev *dev, const char *call, int e);
v4l2_dev *v4l2_get_dev(napi_env env, napi_value v, bool must_be_open);
bool v4l2_get_u32(napi_env env, napi_value v, const char *name, uint32_t lo, uint32_t hi, uint32_t *out);
napi_status v4l2_set_str(napi_env env, napi_value obj, const char *key, const char *s);
napi_status v4l2_set_u32(napi_env env, napi_value obj, const char *key, uint32_t n);

/* v4l2_stream.c: streaming state and the streaming JS functions (registered by v4l2.c). */
void v4l2_stop_streaming(napi_env env, v4l2_dev *dev);
napi_value v4l2StartStreaming(napi_env env, napi_callback_info info);
napi_value v4l2Dequeue(napi_env env, napi_callback_info info);
napi_value v4l2Queue(napi_env env, napi_callback_info info);
napi_value v4l2Cancel(napi_env env, napi_callback_info info);
napi_value v4l2StopStreaming(napi_env env, napi_callback_info info);

#endif /* __linux__ */

#pragma GCC visibility pop

#endif /* KARANA_V4L2_INTERNAL_H */
