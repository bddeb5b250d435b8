/*
 * karana_hal V4L2, the N-API boundary shared by v4l2.c and v4l2_stream.c: errors thrown as JS exceptions whose
 * `code` is the errno name and whose message names the device path, the call and what to do; the handle and
 * integer arguments, checked with messages naming the parameter and the value; result-object properties.
 */
#include "v4l2_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

napi_value v4l2_throw(napi_env env, int kind, const char *code, const char *fmt, ...) {
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

const char *v4l2_err_name(int e) {
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
const char *v4l2_err_hint(int e) {
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

napi_value v4l2_throw_errno(napi_env env, const v4l2_dev *dev, const char *call, int e) {
  const char *hint = v4l2_err_hint(e);
  return v4l2_throw(env, 0, v4l2_err_name(e), "karana_hal: %s: %s failed: %s (%s)%s%s", dev != NULL ? dev->path : "?",
                    call, strerror(e), v4l2_err_name(e), *hint ? ": " : "", hint);
}

/* The handle argument: the external made by v4l2Open, still open. */
v4l2_dev *v4l2_get_dev(napi_env env, napi_value v, bool must_be_open) {
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

bool v4l2_get_u32(napi_env env, napi_value v, const char *name, uint32_t lo, uint32_t hi, uint32_t *out) {
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

napi_status v4l2_set_str(napi_env env, napi_value obj, const char *key, const char *s) {
  napi_value v;
  napi_status st = napi_create_string_utf8(env, s, NAPI_AUTO_LENGTH, &v);
  return st == napi_ok ? napi_set_named_property(env, obj, key, v) : st;
}

napi_status v4l2_set_u32(napi_env env, napi_value obj, const char *key, uint32_t n) {
  napi_value v;
  napi_status st = napi_create_uint32(env, n, &v);
  return st == napi_ok ? napi_set_named_property(env, obj, key, v) : st;
}

#endif /* __linux__ */
