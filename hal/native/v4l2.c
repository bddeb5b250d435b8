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
 * Files: this one opens, queries and negotiates (capabilities, formats, sizes, intervals), closes, and registers
 * the functions; v4l2_stream.c holds the mmap buffers, queue/dequeue, streaming and the waiting thread (how
 * buffers are shared with JS and how v4l2Dequeue waits are documented there); v4l2_js.c the errors and argument
 * checks at the N-API boundary; v4l2_internal.h what they share.
 * Errors: Error with `code` = the errno name (ENOENT, EACCES, EBUSY, ENODEV, ENOTTY, ...) and a message
 * naming the device path, the ioctl and what to do. Elsewhere than Linux every function throws
 * "karana_hal: v4l2… is only available on Linux".
 */
#include "v4l2_internal.h"

#ifdef __linux__

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

static void fourcc_str(uint32_t f, char out[5]) {
  for (int i = 0; i < 4; i++) out[i] = (char)((f >> (8 * i)) & 0xff);
  out[4] = 0;
}

static void close_dev(napi_env env, v4l2_dev *dev) {
  v4l2_stop_streaming(env, dev);
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
    napi_value r = v4l2_throw_errno(env, dev, "open", e);
    free(dev);
    return r;
  }
  struct v4l2_capability cap;
  memset(&cap, 0, sizeof cap);
  if (xioctl(dev->fd, VIDIOC_QUERYCAP, &cap) != 0) {
    int e = errno;
    v4l2_throw_errno(env, dev, "VIDIOC_QUERYCAP", e);
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
  v4l2_dev *dev = v4l2_get_dev(env, argv[0], true);
  if (dev == NULL) return NULL;
  struct v4l2_capability cap;
  memset(&cap, 0, sizeof cap);
  if (xioctl(dev->fd, VIDIOC_QUERYCAP, &cap) != 0) return v4l2_throw_errno(env, dev, "VIDIOC_QUERYCAP", errno);
  napi_value out;
  CHECK(env, napi_create_object(env, &out));
  CHECK(env, v4l2_set_str(env, out, "driver", (const char *)cap.driver));
  CHECK(env, v4l2_set_str(env, out, "card", (const char *)cap.card));
  CHECK(env, v4l2_set_str(env, out, "busInfo", (const char *)cap.bus_info));
  CHECK(env, v4l2_set_u32(env, out, "version", cap.version));
  CHECK(env, v4l2_set_u32(env, out, "capabilities", cap.capabilities));
  CHECK(env, v4l2_set_u32(env, out, "deviceCaps", (cap.capabilities & V4L2_CAP_DEVICE_CAPS) ? cap.device_caps : cap.capabilities));
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
      v4l2_set_u32(env, o, "numerator", fr[j].numerator);
      v4l2_set_u32(env, o, "denominator", fr[j].denominator);
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
  v4l2_dev *dev = v4l2_get_dev(env, argv[0], true);
  if (dev == NULL) return NULL;
  napi_value out;
  CHECK(env, napi_create_array(env, &out));
  for (uint32_t i = 0; i < 64; i++) {
    struct v4l2_fmtdesc fd = {.index = i, .type = V4L2_BUF_TYPE_VIDEO_CAPTURE};
    if (xioctl(dev->fd, VIDIOC_ENUM_FMT, &fd) != 0) {
      if (errno == EINVAL) break;
      return v4l2_throw_errno(env, dev, "VIDIOC_ENUM_FMT", errno);
    }
    char cc[5];
    fourcc_str(fd.pixelformat, cc);
    napi_value f, sizes;
    CHECK(env, napi_create_object(env, &f));
    CHECK(env, v4l2_set_str(env, f, "fourcc", cc));
    CHECK(env, v4l2_set_str(env, f, "description", (const char *)fd.description));
    CHECK(env, v4l2_set_u32(env, f, "flags", fd.flags));
    CHECK(env, napi_create_array(env, &sizes));
    uint32_t k = 0;
    for (uint32_t j = 0; j < 256; j++) {
      struct v4l2_frmsizeenum fs = {.index = j, .pixel_format = fd.pixelformat};
      if (xioctl(dev->fd, VIDIOC_ENUM_FRAMESIZES, &fs) != 0) break;
      napi_value s;
      CHECK(env, napi_create_object(env, &s));
      if (fs.type == V4L2_FRMSIZE_TYPE_DISCRETE) {
        CHECK(env, v4l2_set_u32(env, s, "widthPx", fs.discrete.width));
        CHECK(env, v4l2_set_u32(env, s, "heightPx", fs.discrete.height));
        napi_value iv = enum_intervals(env, dev, fd.pixelformat, fs.discrete.width, fs.discrete.height);
        if (iv == NULL) return NULL;
        CHECK(env, napi_set_named_property(env, s, "intervals", iv));
      } else {
        CHECK(env, v4l2_set_u32(env, s, "widthPx", fs.stepwise.max_width));
        CHECK(env, v4l2_set_u32(env, s, "heightPx", fs.stepwise.max_height));
        CHECK(env, v4l2_set_u32(env, s, "minWidthPx", fs.stepwise.min_width));
        CHECK(env, v4l2_set_u32(env, s, "minHeightPx", fs.stepwise.min_height));
        CHECK(env, v4l2_set_u32(env, s, "stepWidthPx", fs.stepwise.step_width));
        CHECK(env, v4l2_set_u32(env, s, "stepHeightPx", fs.stepwise.step_height));
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
  CHECK(env, v4l2_set_str(env, o, "fourcc", cc));
  CHECK(env, v4l2_set_u32(env, o, "widthPx", p->width));
  CHECK(env, v4l2_set_u32(env, o, "heightPx", p->height));
  CHECK(env, v4l2_set_u32(env, o, "bytesPerLine", p->bytesperline));
  CHECK(env, v4l2_set_u32(env, o, "sizeImage", p->sizeimage));
  CHECK(env, v4l2_set_u32(env, o, "field", p->field));
  CHECK(env, v4l2_set_u32(env, o, "colorspace", p->colorspace));
  return o;
}

static napi_value v4l2GetFormat(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1] = {NULL};
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  v4l2_dev *dev = v4l2_get_dev(env, argv[0], true);
  if (dev == NULL) return NULL;
  struct v4l2_format fmt = {.type = V4L2_BUF_TYPE_VIDEO_CAPTURE};
  if (xioctl(dev->fd, VIDIOC_G_FMT, &fmt) != 0) return v4l2_throw_errno(env, dev, "VIDIOC_G_FMT", errno);
  return format_object(env, &fmt.fmt.pix);
}

static napi_value v4l2SetFormat(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4] = {NULL, NULL, NULL, NULL};
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  v4l2_dev *dev = v4l2_get_dev(env, argv[0], true);
  if (dev == NULL) return NULL;
  napi_valuetype t = napi_undefined;
  if (argv[1] != NULL) napi_typeof(env, argv[1], &t);
  char cc[8] = {0};
  size_t len = 0;
  if (t == napi_string) napi_get_value_string_utf8(env, argv[1], cc, sizeof cc, &len);
  if (t != napi_string || len != 4)
    return v4l2_throw(env, 1, NULL, "\"fourcc\" must be a 4-character V4L2 pixel format such as 'YUYV', 'MJPG', 'GREY', 'NV12'");
  uint32_t w = 0, h = 0;
  if (!v4l2_get_u32(env, argv[2], "widthPx", 1, 16384, &w) || !v4l2_get_u32(env, argv[3], "heightPx", 1, 16384, &h)) return NULL;
  if (dev->n_buffers > 0)
    return v4l2_throw(env, 0, "EBUSY", "karana_hal: %s: VIDIOC_S_FMT while buffers are allocated; stop streaming first", dev->path);
  struct v4l2_format fmt = {.type = V4L2_BUF_TYPE_VIDEO_CAPTURE};
  fmt.fmt.pix.width = w;
  fmt.fmt.pix.height = h;
  fmt.fmt.pix.pixelformat = v4l2_fourcc(cc[0], cc[1], cc[2], cc[3]);
  fmt.fmt.pix.field = V4L2_FIELD_NONE;
  if (xioctl(dev->fd, VIDIOC_S_FMT, &fmt) != 0) return v4l2_throw_errno(env, dev, "VIDIOC_S_FMT", errno);
  return format_object(env, &fmt.fmt.pix);
}

/* VIDIOC_S_PARM timeperframe = num/den seconds; returns what the driver set, or null without TIMEPERFRAME. */
static napi_value v4l2SetFrameInterval(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3] = {NULL, NULL, NULL};
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  v4l2_dev *dev = v4l2_get_dev(env, argv[0], true);
  if (dev == NULL) return NULL;
  uint32_t num = 0, den = 0;
  if (!v4l2_get_u32(env, argv[1], "numerator", 1, 1000000, &num) || !v4l2_get_u32(env, argv[2], "denominator", 1, 1000000, &den))
    return NULL;
  struct v4l2_streamparm parm = {.type = V4L2_BUF_TYPE_VIDEO_CAPTURE};
  napi_value result;
  if (xioctl(dev->fd, VIDIOC_G_PARM, &parm) != 0 || !(parm.parm.capture.capability & V4L2_CAP_TIMEPERFRAME)) {
    CHECK(env, napi_get_null(env, &result));
    return result;
  }
  parm.parm.capture.timeperframe.numerator = num;
  parm.parm.capture.timeperframe.denominator = den;
  if (xioctl(dev->fd, VIDIOC_S_PARM, &parm) != 0) return v4l2_throw_errno(env, dev, "VIDIOC_S_PARM", errno);
  CHECK(env, napi_create_object(env, &result));
  CHECK(env, v4l2_set_u32(env, result, "numerator", parm.parm.capture.timeperframe.numerator));
  CHECK(env, v4l2_set_u32(env, result, "denominator", parm.parm.capture.timeperframe.denominator));
  return result;
}

static napi_value v4l2Close(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1] = {NULL};
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  v4l2_dev *dev = v4l2_get_dev(env, argv[0], false);
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
