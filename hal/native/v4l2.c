/*
 * karana_hal V4L2: video capture through the Linux V4L2 API with mmap streaming I/O and kernel timestamps.
 * Source: the Linux Media Infrastructure userspace API, part I "Video for Linux API" (kernel.org
 * Documentation/userspace-api/media/v4l/): vidioc-querycap, vidioc-enum-fmt, vidioc-enum-framesizes,
 * vidioc-enum-frameintervals, vidioc-g-fmt, vidioc-g-parm, vidioc-reqbufs, vidioc-querybuf, vidioc-qbuf
 * (QBUF/DQBUF), vidioc-streamon, mmap ("Streaming I/O (Memory Mapping)"), buffer.html (struct v4l2_buffer,
 * the V4L2_BUF_FLAG_TIMESTAMP_* and V4L2_BUF_FLAG_TSTAMP_SRC_* flags).
 *
 * JS functions (registered by karana_v4l2_register on the addon's exports; see hal/native/index.ts):
 *   v4l2Open(path) → handle          v4l2QueryCap(h)      v4l2EnumFormats(h)     v4l2GetFormat(h)
 *   v4l2SetFormat(h, fourcc, w, h)   v4l2SetFrameInterval(h, num, den)         v4l2StartStreaming(h, n)
 *   v4l2Dequeue(h, timeoutMs) → Promise   v4l2Queue(h, index)   v4l2Cancel(h)   v4l2StopStreaming(h)
 *   v4l2Close(h)
 *
 * Buffers: v4l2StartStreaming returns one EXTERNAL ArrayBuffer per mmap'd kernel buffer (no copy). Its bytes
 * are the frame from the v4l2Dequeue that returned its index until v4l2Queue(index) gives it back to the
 * driver; v4l2StopStreaming / v4l2Close detach every ArrayBuffer (byteLength becomes 0) before munmap, so a
 * stale view reads nothing instead of unmapped memory.
 * Waiting: v4l2Dequeue runs poll(2) on the device and an eventfd, then VIDIOC_DQBUF, on a libuv worker
 * thread (napi_async_work); the JS thread never blocks. v4l2Cancel wakes it (it resolves null).
 * Errors: Error with `code` = the errno name (ENOENT, EACCES, EBUSY, ENODEV, ENOTTY, ...) and a message
 * naming the device path, the ioctl and what to do. Elsewhere than Linux every function throws
 * "karana_hal: v4l2… is only available on Linux".
 */
#ifndef NAPI_VERSION
#define NAPI_VERSION 8
#endif
#include <node_api.h>

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define V4L2_MSG_MAX 768

static napi_value v4l2_throw(napi_env env, int kind, const char *code, const char *fmt, ...) {
  char msg[V4L2_MSG_MAX];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (kind == 1) napi_throw_type_error(env, code, msg);
  else if (kind == 2) napi_throw_range_error(env, code, msg);
  else napi_throw_error(env, code, msg);
  return NULL;
}

#ifdef __linux__

#include <errno.h>
#include <fcntl.h>
#include <linux/videodev2.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define MAX_BUFFERS 32

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

#define CHECK(env, call)                                                                        \
  do {                                                                                          \
    if ((call) != napi_ok) {                                                                    \
      bool pending_ = false;                                                                    \
      napi_is_exception_pending((env), &pending_);                                              \
      if (!pending_) napi_throw_error((env), NULL, "karana_hal: N-API call failed: " #call);    \
      return NULL;                                                                              \
    }                                                                                           \
  } while (0)

static const char *err_name(int e) {
  switch (e) {
    case ENOENT: return "ENOENT";
    case EACCES: return "EACCES";
    case EPERM: return "EPERM";
    case EBUSY: return "EBUSY";
    case ENODEV: return "ENODEV";
    case ENXIO: return "ENXIO";
    case ENOTTY: return "ENOTTY";
    case EINVAL: return "EINVAL";
    case EIO: return "EIO";
    case EAGAIN: return "EAGAIN";
    case ENOMEM: return "ENOMEM";
    case EPIPE: return "EPIPE";
    case EINTR: return "EINTR";
    case ENOSPC: return "ENOSPC";
    case EISDIR: return "EISDIR";
    default: return "EUNKNOWN";
  }
}

/* What a user can do about errno `e` on a V4L2 device. */
static const char *err_hint(int e) {
  switch (e) {
    case ENOENT: return "no such device; list cameras with `ls /dev/video*` or `karana doctor`";
    case EACCES:
    case EPERM: return "permission denied; add the user to the `video` group (sudo usermod -aG video $USER, then log in again)";
    case EBUSY: return "the device is busy: another program is capturing from it or holds its buffers (find it with `fuser -v <path>`)";
    case ENODEV:
    case ENXIO: return "the device is gone (unplugged, or its driver was unloaded)";
    case ENOTTY: return "not a V4L2 device (the file does not answer V4L2 ioctls)";
    case EIO: return "I/O error from the driver (USB bandwidth or a sensor fault; try a lower resolution or rate)";
    default: return "";
  }
}

static napi_value throw_errno(napi_env env, const v4l2_dev *dev, const char *call, int e) {
  const char *hint = err_hint(e);
  return v4l2_throw(env, 0, err_name(e), "karana_hal: %s: %s failed: %s (%s)%s%s", dev != NULL ? dev->path : "?",
                    call, strerror(e), err_name(e), *hint ? ": " : "", hint);
}

static int xioctl(int fd, unsigned long req, void *arg) {
  int r;
  do {
    r = ioctl(fd, req, arg);
  } while (r == -1 && errno == EINTR);
  return r;
}

static int64_t mono_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void fourcc_str(uint32_t f, char out[5]) {
  for (int i = 0; i < 4; i++) out[i] = (char)((f >> (8 * i)) & 0xff);
  out[4] = 0;
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

static void stop_streaming(napi_env env, v4l2_dev *dev) {
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

static void close_dev(napi_env env, v4l2_dev *dev) {
  stop_streaming(env, dev);
  if (dev->fd >= 0) close(dev->fd);
  if (dev->wake_fd >= 0) close(dev->wake_fd);
  dev->fd = -1;
  dev->wake_fd = -1;
}

/* Garbage-collected without v4l2Close: JS may still hold the buffers' ArrayBuffers, and a finalizer must not
 * touch the JS heap, so the mappings are left in place (they stay valid after close(2)) and only the file
 * descriptors are closed. Call v4l2Close to release the buffers. */
static void finalize_dev(napi_env env, void *data, void *hint) {
  v4l2_dev *dev = data;
  for (uint32_t i = 0; i < dev->n_buffers; i++)
    if (dev->views[i] != NULL) napi_delete_reference(env, dev->views[i]);
  if (dev->fd >= 0) close(dev->fd);
  if (dev->wake_fd >= 0) close(dev->wake_fd);
  free(dev);
}

/* The handle argument: the external made by v4l2Open, still open. */
static v4l2_dev *get_dev(napi_env env, napi_value v, bool must_be_open) {
  napi_valuetype t = napi_undefined;
  if (v != NULL) napi_typeof(env, v, &t);
  void *data = NULL;
  if (t != napi_external || napi_get_value_external(env, v, &data) != napi_ok || data == NULL) {
    v4l2_throw(env, 1, NULL, "\"handle\" must be a handle returned by v4l2Open");
    return NULL;
  }
  v4l2_dev *dev = data;
  if (must_be_open && dev->fd < 0) {
    v4l2_throw(env, 0, "EBADF", "karana_hal: %s: the device is closed", dev->path);
    return NULL;
  }
  return dev;
}

static bool get_u32(napi_env env, napi_value v, const char *name, uint32_t lo, uint32_t hi, uint32_t *out) {
  napi_valuetype t = napi_undefined;
  if (v != NULL) napi_typeof(env, v, &t);
  double d = -1;
  if (t == napi_number) napi_get_value_double(env, v, &d);
  if (t != napi_number || !(d >= lo && d <= hi) || d != (double)(uint32_t)d) {
    if (t == napi_number) v4l2_throw(env, 2, NULL, "\"%s\" must be an integer in [%u, %u], got %.17g", name, lo, hi, d);
    else v4l2_throw(env, 1, NULL, "\"%s\" must be an integer in [%u, %u], got a %s", name, lo, hi,
                    t == napi_string ? "string" : t == napi_undefined ? "undefined value" : "non-number");
    return false;
  }
  *out = (uint32_t)d;
  return true;
}

static napi_status set_str(napi_env env, napi_value obj, const char *key, const char *s) {
  napi_value v;
  napi_status st = napi_create_string_utf8(env, s, NAPI_AUTO_LENGTH, &v);
  return st == napi_ok ? napi_set_named_property(env, obj, key, v) : st;
}

static napi_status set_u32(napi_env env, napi_value obj, const char *key, uint32_t n) {
  napi_value v;
  napi_status st = napi_create_uint32(env, n, &v);
  return st == napi_ok ? napi_set_named_property(env, obj, key, v) : st;
}

static napi_value v4l2Open(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1] = {NULL};
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  napi_valuetype t = napi_undefined;
  if (argv[0] != NULL) napi_typeof(env, argv[0], &t);
  char path[256] = {0};
  size_t len = 0;
  if (t == napi_string) napi_get_value_string_utf8(env, argv[0], path, sizeof path, &len);
  if (t != napi_string || len == 0 || len >= sizeof path - 1)
    return v4l2_throw(env, 1, NULL, "\"path\" must be a device path such as '/dev/video0' (1 to 254 bytes)");
  v4l2_dev *dev = calloc(1, sizeof *dev);
  if (dev == NULL) return v4l2_throw(env, 0, "ENOMEM", "karana_hal: %s: out of memory", path);
  snprintf(dev->path, sizeof dev->path, "%s", path);
  dev->wake_fd = -1;
  dev->fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (dev->fd < 0) {
    int e = errno;
    napi_value r = throw_errno(env, dev, "open", e);
    free(dev);
    return r;
  }
  struct v4l2_capability cap;
  memset(&cap, 0, sizeof cap);
  if (xioctl(dev->fd, VIDIOC_QUERYCAP, &cap) != 0) {
    int e = errno;
    throw_errno(env, dev, "VIDIOC_QUERYCAP", e);
    close(dev->fd);
    free(dev);
    return NULL;
  }
  uint32_t caps = (cap.capabilities & V4L2_CAP_DEVICE_CAPS) ? cap.device_caps : cap.capabilities;
  const char *missing = NULL;
  if (!(caps & V4L2_CAP_VIDEO_CAPTURE))
    missing = (caps & V4L2_CAP_VIDEO_CAPTURE_MPLANE)
                  ? "single-planar video capture (this is a multi-planar device: use the gstreamer driver with libcamera)"
                  : "video capture (V4L2_CAP_VIDEO_CAPTURE; it may be a metadata or output node)";
  else if (!(caps & V4L2_CAP_STREAMING)) missing = "streaming I/O (V4L2_CAP_STREAMING)";
  if (missing != NULL) {
    v4l2_throw(env, 0, "ENOTSUP", "karana_hal: %s: %s (driver %s) does not support %s", dev->path,
               (const char *)cap.card, (const char *)cap.driver, missing);
    close(dev->fd);
    free(dev);
    return NULL;
  }
  dev->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  napi_value out;
  if (napi_create_external(env, dev, finalize_dev, NULL, &out) != napi_ok) {
    close_dev(env, dev);
    free(dev);
    return v4l2_throw(env, 0, NULL, "karana_hal: %s: could not create the handle", path);
  }
  return out;
}

static napi_value v4l2QueryCap(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1] = {NULL};
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  v4l2_dev *dev = get_dev(env, argv[0], true);
  if (dev == NULL) return NULL;
  struct v4l2_capability cap;
  memset(&cap, 0, sizeof cap);
  if (xioctl(dev->fd, VIDIOC_QUERYCAP, &cap) != 0) return throw_errno(env, dev, "VIDIOC_QUERYCAP", errno);
  napi_value out;
  CHECK(env, napi_create_object(env, &out));
  CHECK(env, set_str(env, out, "driver", (const char *)cap.driver));
  CHECK(env, set_str(env, out, "card", (const char *)cap.card));
  CHECK(env, set_str(env, out, "busInfo", (const char *)cap.bus_info));
  CHECK(env, set_u32(env, out, "version", cap.version));
  CHECK(env, set_u32(env, out, "capabilities", cap.capabilities));
  CHECK(env, set_u32(env, out, "deviceCaps", (cap.capabilities & V4L2_CAP_DEVICE_CAPS) ? cap.device_caps : cap.capabilities));
  return out;
}

/* Frame intervals of one size, as [{numerator, denominator}] (stepwise: its min and max). */
static napi_value enum_intervals(napi_env env, v4l2_dev *dev, uint32_t fourcc, uint32_t w, uint32_t h) {
  napi_value arr;
  if (napi_create_array(env, &arr) != napi_ok) return NULL;
  uint32_t k = 0;
  for (uint32_t i = 0; i < 64; i++) {
    struct v4l2_frmivalenum iv = {.index = i, .pixel_format = fourcc, .width = w, .height = h};
    if (xioctl(dev->fd, VIDIOC_ENUM_FRAMEINTERVALS, &iv) != 0) break;
    struct v4l2_fract fr[2];
    int n = 1;
    if (iv.type == V4L2_FRMIVAL_TYPE_DISCRETE) fr[0] = iv.discrete;
    else {
      fr[0] = iv.stepwise.min;
      fr[1] = iv.stepwise.max;
      n = 2;
    }
    for (int j = 0; j < n; j++) {
      napi_value o;
      napi_create_object(env, &o);
      set_u32(env, o, "numerator", fr[j].numerator);
      set_u32(env, o, "denominator", fr[j].denominator);
      napi_set_element(env, arr, k++, o);
    }
    if (iv.type != V4L2_FRMIVAL_TYPE_DISCRETE) break;
  }
  return arr;
}

static napi_value v4l2EnumFormats(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1] = {NULL};
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  v4l2_dev *dev = get_dev(env, argv[0], true);
  if (dev == NULL) return NULL;
  napi_value out;
  CHECK(env, napi_create_array(env, &out));
  for (uint32_t i = 0; i < 64; i++) {
    struct v4l2_fmtdesc fd = {.index = i, .type = V4L2_BUF_TYPE_VIDEO_CAPTURE};
    if (xioctl(dev->fd, VIDIOC_ENUM_FMT, &fd) != 0) {
      if (errno == EINVAL) break;
      return throw_errno(env, dev, "VIDIOC_ENUM_FMT", errno);
    }
    char cc[5];
    fourcc_str(fd.pixelformat, cc);
    napi_value f, sizes;
    CHECK(env, napi_create_object(env, &f));
    CHECK(env, set_str(env, f, "fourcc", cc));
    CHECK(env, set_str(env, f, "description", (const char *)fd.description));
    CHECK(env, set_u32(env, f, "flags", fd.flags));
    CHECK(env, napi_create_array(env, &sizes));
    uint32_t k = 0;
    for (uint32_t j = 0; j < 256; j++) {
      struct v4l2_frmsizeenum fs = {.index = j, .pixel_format = fd.pixelformat};
      if (xioctl(dev->fd, VIDIOC_ENUM_FRAMESIZES, &fs) != 0) break;
      napi_value s;
      CHECK(env, napi_create_object(env, &s));
      if (fs.type == V4L2_FRMSIZE_TYPE_DISCRETE) {
        CHECK(env, set_u32(env, s, "widthPx", fs.discrete.width));
        CHECK(env, set_u32(env, s, "heightPx", fs.discrete.height));
        napi_value iv = enum_intervals(env, dev, fd.pixelformat, fs.discrete.width, fs.discrete.height);
        if (iv == NULL) return NULL;
        CHECK(env, napi_set_named_property(env, s, "intervals", iv));
      } else {
        CHECK(env, set_u32(env, s, "widthPx", fs.stepwise.max_width));
        CHECK(env, set_u32(env, s, "heightPx", fs.stepwise.max_height));
        CHECK(env, set_u32(env, s, "minWidthPx", fs.stepwise.min_width));
        CHECK(env, set_u32(env, s, "minHeightPx", fs.stepwise.min_height));
        CHECK(env, set_u32(env, s, "stepWidthPx", fs.stepwise.step_width));
        CHECK(env, set_u32(env, s, "stepHeightPx", fs.stepwise.step_height));
        napi_value iv = enum_intervals(env, dev, fd.pixelformat, fs.stepwise.max_width, fs.stepwise.max_height);
        if (iv == NULL) return NULL;
        CHECK(env, napi_set_named_property(env, s, "intervals", iv));
      }
      CHECK(env, napi_set_element(env, sizes, k++, s));
      if (fs.type != V4L2_FRMSIZE_TYPE_DISCRETE) break;
    }
    CHECK(env, napi_set_named_property(env, f, "sizes", sizes));
    CHECK(env, napi_set_element(env, out, i, f));
  }
  return out;
}

static napi_value format_object(napi_env env, const struct v4l2_pix_format *p) {
  char cc[5];
  fourcc_str(p->pixelformat, cc);
  napi_value o;
  CHECK(env, napi_create_object(env, &o));
  CHECK(env, set_str(env, o, "fourcc", cc));
  CHECK(env, set_u32(env, o, "widthPx", p->width));
  CHECK(env, set_u32(env, o, "heightPx", p->height));
  CHECK(env, set_u32(env, o, "bytesPerLine", p->bytesperline));
  CHECK(env, set_u32(env, o, "sizeImage", p->sizeimage));
  CHECK(env, set_u32(env, o, "field", p->field));
  CHECK(env, set_u32(env, o, "colorspace", p->colorspace));
  return o;
}

static napi_value v4l2GetFormat(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1] = {NULL};
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  v4l2_dev *dev = get_dev(env, argv[0], true);
  if (dev == NULL) return NULL;
  struct v4l2_format fmt = {.type = V4L2_BUF_TYPE_VIDEO_CAPTURE};
  if (xioctl(dev->fd, VIDIOC_G_FMT, &fmt) != 0) return throw_errno(env, dev, "VIDIOC_G_FMT", errno);
  return format_object(env, &fmt.fmt.pix);
}

static napi_value v4l2SetFormat(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4] = {NULL, NULL, NULL, NULL};
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  v4l2_dev *dev = get_dev(env, argv[0], true);
  if (dev == NULL) return NULL;
  napi_valuetype t = napi_undefined;
  if (argv[1] != NULL) napi_typeof(env, argv[1], &t);
  char cc[8] = {0};
  size_t len = 0;
  if (t == napi_string) napi_get_value_string_utf8(env, argv[1], cc, sizeof cc, &len);
  if (t != napi_string || len != 4)
    return v4l2_throw(env, 1, NULL, "\"fourcc\" must be a 4-character V4L2 pixel format such as 'YUYV', 'MJPG', 'GREY', 'NV12'");
  uint32_t w = 0, h = 0;
  if (!get_u32(env, argv[2], "widthPx", 1, 16384, &w) || !get_u32(env, argv[3], "heightPx", 1, 16384, &h)) return NULL;
  if (dev->n_buffers > 0)
    return v4l2_throw(env, 0, "EBUSY", "karana_hal: %s: VIDIOC_S_FMT while buffers are allocated; stop streaming first", dev->path);
  struct v4l2_format fmt = {.type = V4L2_BUF_TYPE_VIDEO_CAPTURE};
  fmt.fmt.pix.width = w;
  fmt.fmt.pix.height = h;
  fmt.fmt.pix.pixelformat = v4l2_fourcc(cc[0], cc[1], cc[2], cc[3]);
  fmt.fmt.pix.field = V4L2_FIELD_NONE;
  if (xioctl(dev->fd, VIDIOC_S_FMT, &fmt) != 0) return throw_errno(env, dev, "VIDIOC_S_FMT", errno);
  return format_object(env, &fmt.fmt.pix);
}

/* VIDIOC_S_PARM timeperframe = num/den seconds; returns what the driver set, or null without TIMEPERFRAME. */
static napi_value v4l2SetFrameInterval(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3] = {NULL, NULL, NULL};
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  v4l2_dev *dev = get_dev(env, argv[0], true);
  if (dev == NULL) return NULL;
  uint32_t num = 0, den = 0;
  if (!get_u32(env, argv[1], "numerator", 1, 1000000, &num) || !get_u32(env, argv[2], "denominator", 1, 1000000, &den))
    return NULL;
  struct v4l2_streamparm parm = {.type = V4L2_BUF_TYPE_VIDEO_CAPTURE};
  napi_value result;
  if (xioctl(dev->fd, VIDIOC_G_PARM, &parm) != 0 || !(parm.parm.capture.capability & V4L2_CAP_TIMEPERFRAME)) {
    CHECK(env, napi_get_null(env, &result));
    return result;
  }
  parm.parm.capture.timeperframe.numerator = num;
  parm.parm.capture.timeperframe.denominator = den;
  if (xioctl(dev->fd, VIDIOC_S_PARM, &parm) != 0) return throw_errno(env, dev, "VIDIOC_S_PARM", errno);
  CHECK(env, napi_create_object(env, &result));
  CHECK(env, set_u32(env, result, "numerator", parm.parm.capture.timeperframe.numerator));
  CHECK(env, set_u32(env, result, "denominator", parm.parm.capture.timeperframe.denominator));
  return result;
}

static napi_value v4l2StartStreaming(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2] = {NULL, NULL};
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  v4l2_dev *dev = get_dev(env, argv[0], true);
  if (dev == NULL) return NULL;
  uint32_t count = 0;
  if (!get_u32(env, argv[1], "bufferCount", 2, MAX_BUFFERS, &count)) return NULL;
  if (dev->streaming || dev->n_buffers > 0)
    return v4l2_throw(env, 0, "EBUSY", "karana_hal: %s: already streaming", dev->path);
  struct v4l2_requestbuffers req = {.count = count, .type = V4L2_BUF_TYPE_VIDEO_CAPTURE, .memory = V4L2_MEMORY_MMAP};
  if (xioctl(dev->fd, VIDIOC_REQBUFS, &req) != 0) return throw_errno(env, dev, "VIDIOC_REQBUFS", errno);
  if (req.count < 2) {
    stop_streaming(env, dev);
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
      stop_streaming(env, dev);
      return throw_errno(env, dev, call, e);
    }
    napi_value ab;
    CHECK(env, napi_create_external_arraybuffer(env, dev->maps[i], dev->lens[i], NULL, NULL, &ab));
    CHECK(env, napi_create_reference(env, ab, 1, &dev->views[i]));
    CHECK(env, napi_set_element(env, arr, i, ab));
  }
  int type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
  if (xioctl(dev->fd, VIDIOC_STREAMON, &type) != 0) {
    int e = errno;
    stop_streaming(env, dev);
    return throw_errno(env, dev, "VIDIOC_STREAMON", e);
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
    const char *hint = err_hint(job->err);
    char msg[V4L2_MSG_MAX];
    snprintf(msg, sizeof msg, "karana_hal: %s: %s failed: %s (%s)%s%s", dev->path, job->failed, strerror(job->err),
             err_name(job->err), *hint ? ": " : "", hint);
    napi_value m, c, e;
    napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &m);
    napi_create_string_utf8(env, err_name(job->err), NAPI_AUTO_LENGTH, &c);
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
    set_u32(env, result, "index", b->index);
    set_u32(env, result, "bytesUsed", b->bytesused);
    set_u32(env, result, "sequence", b->sequence);
    set_u32(env, result, "flags", b->flags);
    napi_value err_flag;
    napi_get_boolean(env, (b->flags & V4L2_BUF_FLAG_ERROR) != 0, &err_flag);
    napi_set_named_property(env, result, "error", err_flag);
    napi_create_bigint_int64(env, ts, &tsv);
    napi_set_named_property(env, result, "timestampNs", tsv);
    set_str(env, result, "timestampClock", clock);
    set_str(env, result, "timestampSource", src);
    napi_create_bigint_int64(env, job->dequeued_ns, &dqv);
    napi_set_named_property(env, result, "dequeuedNs", dqv);
    napi_resolve_deferred(env, job->deferred, result);
  }
  napi_delete_reference(env, job->handle_ref);
  napi_delete_async_work(env, job->work);
  free(job);
}

static napi_value v4l2Dequeue(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2] = {NULL, NULL};
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  v4l2_dev *dev = get_dev(env, argv[0], true);
  if (dev == NULL) return NULL;
  uint32_t timeout = 0;
  if (!get_u32(env, argv[1], "timeoutMs", 0, 3600000, &timeout)) return NULL;
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

static napi_value v4l2Queue(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2] = {NULL, NULL};
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  v4l2_dev *dev = get_dev(env, argv[0], true);
  if (dev == NULL) return NULL;
  if (dev->n_buffers == 0) return v4l2_throw(env, 0, "EINVAL", "karana_hal: %s: v4l2Queue before v4l2StartStreaming", dev->path);
  uint32_t index = 0;
  if (!get_u32(env, argv[1], "index", 0, dev->n_buffers - 1, &index)) return NULL;
  struct v4l2_buffer b = {.index = index, .type = V4L2_BUF_TYPE_VIDEO_CAPTURE, .memory = V4L2_MEMORY_MMAP};
  if (xioctl(dev->fd, VIDIOC_QBUF, &b) != 0) return throw_errno(env, dev, "VIDIOC_QBUF", errno);
  return NULL;
}

static napi_value v4l2Cancel(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1] = {NULL};
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  v4l2_dev *dev = get_dev(env, argv[0], false);
  if (dev == NULL) return NULL;
  if (dev->busy && dev->wake_fd >= 0) {
    uint64_t one = 1;
    ssize_t put = write(dev->wake_fd, &one, sizeof one);
    (void)put;
  }
  return NULL;
}

static napi_value v4l2StopStreaming(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1] = {NULL};
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  v4l2_dev *dev = get_dev(env, argv[0], false);
  if (dev == NULL) return NULL;
  if (dev->busy)
    return v4l2_throw(env, 0, "EBUSY", "karana_hal: %s: a v4l2Dequeue is in flight; call v4l2Cancel and await it first", dev->path);
  stop_streaming(env, dev);
  return NULL;
}

static napi_value v4l2Close(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1] = {NULL};
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  v4l2_dev *dev = get_dev(env, argv[0], false);
  if (dev == NULL) return NULL;
  if (dev->busy)
    return v4l2_throw(env, 0, "EBUSY", "karana_hal: %s: a v4l2Dequeue is in flight; call v4l2Cancel and await it first", dev->path);
  close_dev(env, dev);
  return NULL;
}

#else /* not Linux */

#define V4L2_LINUX_ONLY(fn)                                                                  \
  static napi_value fn(napi_env env, napi_callback_info info) {                              \
    return v4l2_throw(env, 0, "ENOTSUP", "karana_hal: " #fn " is only available on Linux"); \
  }
V4L2_LINUX_ONLY(v4l2Open)
V4L2_LINUX_ONLY(v4l2QueryCap)
V4L2_LINUX_ONLY(v4l2EnumFormats)
V4L2_LINUX_ONLY(v4l2GetFormat)
V4L2_LINUX_ONLY(v4l2SetFormat)
V4L2_LINUX_ONLY(v4l2SetFrameInterval)
V4L2_LINUX_ONLY(v4l2StartStreaming)
V4L2_LINUX_ONLY(v4l2Dequeue)
V4L2_LINUX_ONLY(v4l2Queue)
V4L2_LINUX_ONLY(v4l2Cancel)
V4L2_LINUX_ONLY(v4l2StopStreaming)
V4L2_LINUX_ONLY(v4l2Close)

#endif

#define V4L2_FN(name) {#name, NULL, name, NULL, NULL, NULL, napi_enumerable, NULL}

/* Adds the v4l2… functions to the addon's exports (called from karana_hal.c's module init). */
napi_status karana_v4l2_register(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      V4L2_FN(v4l2Open),          V4L2_FN(v4l2QueryCap),         V4L2_FN(v4l2EnumFormats),
      V4L2_FN(v4l2GetFormat),     V4L2_FN(v4l2SetFormat),        V4L2_FN(v4l2SetFrameInterval),
      V4L2_FN(v4l2StartStreaming), V4L2_FN(v4l2Dequeue),         V4L2_FN(v4l2Queue),
      V4L2_FN(v4l2Cancel),        V4L2_FN(v4l2StopStreaming),    V4L2_FN(v4l2Close),
  };
  return napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
}
