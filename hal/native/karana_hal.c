/*
 * karana_hal: the Linux kernel interfaces Node lacks, for the HAL and the tick thread.
 *
 * - monotonicRawNs / monotonicNs: clock_gettime(2) on CLOCK_MONOTONIC_RAW / CLOCK_MONOTONIC, ns as bigint.
 *   CLOCK_MONOTONIC is the clock of process.hrtime.bigint() (libuv uv_hrtime).
 * - sleepUntilMonotonicNs: clock_nanosleep(2) with TIMER_ABSTIME on CLOCK_MONOTONIC, retried on EINTR.
 *   It blocks the calling thread: worker threads only, never the main thread.
 * - setThreadRealtime / setThreadNormal / getThreadScheduler: pthread_setschedparam(3) on the calling
 *   thread, policies of sched(7).
 * - setThreadAffinity / getThreadAffinity: pthread_setaffinity_np(3) on the calling thread.
 * - setTimerSlackNs: prctl(2) PR_SET_TIMERSLACK for the calling thread (default 50 µs for normal threads;
 *   real-time threads get none), so deadline sleeps of normal threads are not rounded up by the slack.
 * - threadId: gettid(2).
 *
 * Errors name the parameter and the value; OS errors carry `code` (`EPERM`, `EINVAL`, ...). Elsewhere than
 * Linux every function throws "karana_hal: <fn> is only available on Linux".
 */
#ifndef NAPI_VERSION
#define NAPI_VERSION 8
#endif
#include <node_api.h>

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MSG_MAX 768

/* Throw an Error (kind 0), TypeError (1) or RangeError (2) with a printf-formatted message. */
static napi_value throw_fmt(napi_env env, int kind, const char *code, const char *fmt, ...) {
  char msg[MSG_MAX];
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

#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define NS_PER_S 1000000000LL

/* Fail the current call when an N-API call fails (it has already thrown or set a pending exception). */
#define NAPI_OK(env, call)                                                          \
  do {                                                                              \
    if ((call) != napi_ok) {                                                        \
      bool pending_ = false;                                                        \
      napi_is_exception_pending((env), &pending_);                                  \
      if (!pending_) napi_throw_error((env), NULL, "karana_hal: N-API call failed: " #call); \
      return NULL;                                                                  \
    }                                                                               \
  } while (0)

static const char *errno_name(int err) {
  switch (err) {
    case EPERM: return "EPERM";
    case EINVAL: return "EINVAL";
    case ESRCH: return "ESRCH";
    case EFAULT: return "EFAULT";
    case EINTR: return "EINTR";
    case EAGAIN: return "EAGAIN";
    case ENOTSUP: return "ENOTSUP";
    default: return "EUNKNOWN";
  }
}

static napi_value throw_os(napi_env env, const char *fn, const char *call, int err) {
  return throw_fmt(env, 0, errno_name(err), "karana_hal: %s: %s failed: %s (%s)", fn, call, strerror(err),
                   errno_name(err));
}

/* How a JS value reads in an error message: numbers as JS prints them, strings quoted, else the type. */
static void describe(napi_env env, napi_value v, char *out, size_t n) {
  napi_valuetype t = napi_undefined;
  if (v != NULL) napi_typeof(env, v, &t);
  bool is_array = false;
  switch (t) {
    case napi_number: {
      double d = 0;
      napi_get_value_double(env, v, &d);
      if (isnan(d)) snprintf(out, n, "NaN");
      else if (isinf(d)) snprintf(out, n, d > 0 ? "Infinity" : "-Infinity");
      else {
        snprintf(out, n, "%.15g", d);
        if (strtod(out, NULL) != d) snprintf(out, n, "%.17g", d);
      }
      return;
    }
    case napi_string: {
      char s[64];
      size_t len = 0;
      napi_get_value_string_utf8(env, v, s, sizeof s, &len);
      snprintf(out, n, "'%s'%s", s, len >= sizeof s - 1 ? "..." : "");
      return;
    }
    case napi_bigint: {
      int64_t i = 0;
      bool lossless = false;
      napi_get_value_bigint_int64(env, v, &i, &lossless);
      if (lossless) snprintf(out, n, "%lldn", (long long)i);
      else snprintf(out, n, "a bigint outside the int64 range");
      return;
    }
    case napi_boolean: {
      bool b = false;
      napi_get_value_bool(env, v, &b);
      snprintf(out, n, b ? "true" : "false");
      return;
    }
    case napi_null: snprintf(out, n, "null"); return;
    case napi_undefined: snprintf(out, n, "undefined"); return;
    case napi_function: snprintf(out, n, "a function"); return;
    case napi_object:
      napi_is_array(env, v, &is_array);
      snprintf(out, n, is_array ? "an array" : "an object");
      return;
    default: snprintf(out, n, "a %s", t == napi_symbol ? "symbol" : "value"); return;
  }
}

/* Read an integer argument in [lo, hi]; on failure throw a RangeError naming `name` and return false. */
static bool get_int_in(napi_env env, napi_value v, const char *name, long lo, long hi, long *out) {
  napi_valuetype t = napi_undefined;
  if (v != NULL) napi_typeof(env, v, &t);
  double d = NAN;
  if (t == napi_number) napi_get_value_double(env, v, &d);
  if (t != napi_number || !isfinite(d) || d != trunc(d) || d < (double)lo || d > (double)hi) {
    char got[96];
    describe(env, v, got, sizeof got);
    throw_fmt(env, t == napi_number ? 2 : 1, NULL, "\"%s\" must be an integer in [%ld, %ld], got %s", name, lo, hi,
              got);
    return false;
  }
  *out = (long)d;
  return true;
}

static napi_value clock_ns(napi_env env, clockid_t id, const char *fn) {
  struct timespec ts;
  if (clock_gettime(id, &ts) != 0) return throw_os(env, fn, "clock_gettime", errno);
  napi_value out;
  NAPI_OK(env, napi_create_bigint_int64(env, (int64_t)ts.tv_sec * NS_PER_S + ts.tv_nsec, &out));
  return out;
}

static napi_value monotonicRawNs(napi_env env, napi_callback_info info) {
  return clock_ns(env, CLOCK_MONOTONIC_RAW, "monotonicRawNs");
}

static napi_value monotonicNs(napi_env env, napi_callback_info info) {
  return clock_ns(env, CLOCK_MONOTONIC, "monotonicNs");
}

static napi_value sleepUntilMonotonicNs(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1] = {NULL};
  NAPI_OK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  napi_valuetype t = napi_undefined;
  if (argv[0] != NULL) napi_typeof(env, argv[0], &t);
  int64_t deadline = -1;
  bool lossless = false;
  if (t == napi_bigint) napi_get_value_bigint_int64(env, argv[0], &deadline, &lossless);
  if (t != napi_bigint || !lossless || deadline < 0) {
    char got[96];
    describe(env, argv[0], got, sizeof got);
    return throw_fmt(env, t == napi_bigint ? 2 : 1, NULL,
                     "\"deadline\" must be a bigint of ns on CLOCK_MONOTONIC in [0, 2^63), got %s", got);
  }
  struct timespec ts = {.tv_sec = (time_t)(deadline / NS_PER_S), .tv_nsec = (long)(deadline % NS_PER_S)};
  int rc;
  do {
    rc = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
  } while (rc == EINTR);
  if (rc != 0) return throw_os(env, "sleepUntilMonotonicNs", "clock_nanosleep", rc);
  return NULL;
}

static napi_value setThreadRealtime(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2] = {NULL, NULL};
  NAPI_OK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  napi_valuetype pt = napi_undefined;
  if (argv[1] != NULL) napi_typeof(env, argv[1], &pt);
  char name[8] = "fifo";
  if (pt != napi_undefined) {
    size_t len = 0;
    if (pt == napi_string) napi_get_value_string_utf8(env, argv[1], name, sizeof name, &len);
    if (pt != napi_string || (strcmp(name, "fifo") != 0 && strcmp(name, "rr") != 0) || len >= sizeof name - 1) {
      char got[96];
      describe(env, argv[1], got, sizeof got);
      return throw_fmt(env, pt == napi_string ? 2 : 1, NULL, "\"policy\" must be 'fifo' or 'rr', got %s", got);
    }
  }
  int policy = strcmp(name, "rr") == 0 ? SCHED_RR : SCHED_FIFO;
  long priority = 0;
  if (!get_int_in(env, argv[0], "priority", sched_get_priority_min(policy), sched_get_priority_max(policy), &priority))
    return NULL;
  struct sched_param sp = {.sched_priority = (int)priority};
  int rc = pthread_setschedparam(pthread_self(), policy, &sp);
  if (rc == EPERM) {
    struct rlimit rl = {0, 0};
    getrlimit(RLIMIT_RTPRIO, &rl);
    char lim[32];
    if (rl.rlim_cur == RLIM_INFINITY) snprintf(lim, sizeof lim, "unlimited");
    else snprintf(lim, sizeof lim, "%llu", (unsigned long long)rl.rlim_cur);
    return throw_fmt(env, 0, "EPERM",
                     "karana_hal: setThreadRealtime(%ld, '%s') was refused (EPERM): real-time priority %ld needs "
                     "CAP_SYS_NICE or RLIMIT_RTPRIO >= %ld (soft limit here: %s), and with cgroup RT group "
                     "scheduling a cgroup with cpu.rt_runtime_us > 0. Fix: grant CAP_SYS_NICE (setcap "
                     "cap_sys_nice+ep on the node binary, or docker run --cap-add=SYS_NICE), raise the limit "
                     "(ulimit -r %ld, or an 'rtprio' line in /etc/security/limits.conf), or run as root",
                     priority, name, priority, priority, lim, priority);
  }
  if (rc != 0) return throw_os(env, "setThreadRealtime", "pthread_setschedparam", rc);
  return NULL;
}

static napi_value setThreadNormal(napi_env env, napi_callback_info info) {
  struct sched_param sp = {.sched_priority = 0};
  int rc = pthread_setschedparam(pthread_self(), SCHED_OTHER, &sp);
  if (rc != 0) return throw_os(env, "setThreadNormal", "pthread_setschedparam", rc);
  return NULL;
}

static napi_value getThreadScheduler(napi_env env, napi_callback_info info) {
  int policy = 0;
  struct sched_param sp = {.sched_priority = 0};
  int rc = pthread_getschedparam(pthread_self(), &policy, &sp);
  if (rc != 0) return throw_os(env, "getThreadScheduler", "pthread_getschedparam", rc);
  const char *name = "unknown";
  switch (policy & ~SCHED_RESET_ON_FORK) {
    case SCHED_OTHER: name = "other"; break;
    case SCHED_FIFO: name = "fifo"; break;
    case SCHED_RR: name = "rr"; break;
    case SCHED_BATCH: name = "batch"; break;
    case SCHED_IDLE: name = "idle"; break;
    case 6: name = "deadline"; break; /* SCHED_DEADLINE, sched(7) */
  }
  napi_value out, pol, prio;
  NAPI_OK(env, napi_create_object(env, &out));
  NAPI_OK(env, napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &pol));
  NAPI_OK(env, napi_create_int32(env, sp.sched_priority, &prio));
  NAPI_OK(env, napi_set_named_property(env, out, "policy", pol));
  NAPI_OK(env, napi_set_named_property(env, out, "priority", prio));
  return out;
}

static napi_value setThreadAffinity(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1] = {NULL};
  NAPI_OK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  bool is_array = false;
  uint32_t len = 0;
  if (argv[0] != NULL) napi_is_array(env, argv[0], &is_array);
  if (is_array) napi_get_array_length(env, argv[0], &len);
  if (is_array && len > CPU_SETSIZE)
    return throw_fmt(env, 2, NULL, "\"cpus\" must have at most %d entries, got %u", CPU_SETSIZE, len);
  if (!is_array || len == 0) {
    char got[96];
    if (is_array) snprintf(got, sizeof got, "[]");
    else describe(env, argv[0], got, sizeof got);
    return throw_fmt(env, is_array ? 2 : 1, NULL, "\"cpus\" must be a non-empty array of CPU numbers, got %s", got);
  }
  cpu_set_t want, before, after;
  CPU_ZERO(&want);
  long cpus[CPU_SETSIZE];
  uint32_t n = len;
  for (uint32_t i = 0; i < n; i++) {
    napi_value el;
    NAPI_OK(env, napi_get_element(env, argv[0], i, &el));
    char name[24];
    snprintf(name, sizeof name, "cpus[%u]", i);
    if (!get_int_in(env, el, name, 0, CPU_SETSIZE - 1, &cpus[i])) return NULL;
    CPU_SET((int)cpus[i], &want);
  }
  pthread_t self = pthread_self();
  int rc = pthread_getaffinity_np(self, sizeof before, &before);
  if (rc != 0) return throw_os(env, "setThreadAffinity", "pthread_getaffinity_np", rc);
  rc = pthread_setaffinity_np(self, sizeof want, &want);
  if (rc == 0) rc = pthread_getaffinity_np(self, sizeof after, &after);
  else CPU_ZERO(&after);
  if (rc != 0 && rc != EINVAL) return throw_os(env, "setThreadAffinity", "pthread_setaffinity_np", rc);
  for (uint32_t i = 0; i < n; i++) {
    if (CPU_ISSET((int)cpus[i], &after)) continue;
    pthread_setaffinity_np(self, sizeof before, &before); /* all or nothing */
    return throw_fmt(env, 2, "EINVAL",
                     "\"cpus[%u]\" = %ld is not a CPU this thread may run on (offline, absent, or outside this "
                     "process's cpuset)",
                     i, cpus[i]);
  }
  return NULL;
}

static napi_value getThreadAffinity(napi_env env, napi_callback_info info) {
  cpu_set_t set;
  int rc = pthread_getaffinity_np(pthread_self(), sizeof set, &set);
  if (rc != 0) return throw_os(env, "getThreadAffinity", "pthread_getaffinity_np", rc);
  napi_value out;
  NAPI_OK(env, napi_create_array(env, &out));
  uint32_t k = 0;
  for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
    if (!CPU_ISSET(cpu, &set)) continue;
    napi_value v;
    NAPI_OK(env, napi_create_int32(env, cpu, &v));
    NAPI_OK(env, napi_set_element(env, out, k++, v));
  }
  return out;
}

static napi_value setTimerSlackNs(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1] = {NULL};
  NAPI_OK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  long slack = 0;
  if (!get_int_in(env, argv[0], "slackNs", 1, 1000000000L, &slack)) return NULL;
  if (prctl(PR_SET_TIMERSLACK, (unsigned long)slack, 0, 0, 0) != 0)
    return throw_os(env, "setTimerSlackNs", "prctl(PR_SET_TIMERSLACK)", errno);
  return NULL;
}

static napi_value threadId(napi_env env, napi_callback_info info) {
  napi_value out;
  NAPI_OK(env, napi_create_int64(env, (int64_t)syscall(SYS_gettid), &out));
  return out;
}

#else /* not Linux: every function throws */

#define LINUX_ONLY(fn)                                                                      \
  static napi_value fn(napi_env env, napi_callback_info info) {                             \
    return throw_fmt(env, 0, "ENOTSUP", "karana_hal: " #fn " is only available on Linux"); \
  }
LINUX_ONLY(monotonicRawNs)
LINUX_ONLY(monotonicNs)
LINUX_ONLY(sleepUntilMonotonicNs)
LINUX_ONLY(setThreadRealtime)
LINUX_ONLY(setThreadNormal)
LINUX_ONLY(getThreadScheduler)
LINUX_ONLY(setThreadAffinity)
LINUX_ONLY(getThreadAffinity)
LINUX_ONLY(setTimerSlackNs)
LINUX_ONLY(threadId)

#endif

#define FN(name) {#name, NULL, name, NULL, NULL, NULL, napi_enumerable, NULL}

napi_status karana_v4l2_register(napi_env env, napi_value exports); /* v4l2.c */

NAPI_MODULE_INIT() {
  napi_property_descriptor props[] = {
      FN(monotonicRawNs),    FN(monotonicNs),       FN(sleepUntilMonotonicNs),
      FN(setThreadRealtime), FN(setThreadNormal),   FN(getThreadScheduler),
      FN(setThreadAffinity), FN(getThreadAffinity), FN(setTimerSlackNs),
      FN(threadId),
  };
  if (napi_define_properties(env, exports, sizeof props / sizeof props[0], props) != napi_ok) return NULL;
  if (karana_v4l2_register(env, exports) != napi_ok) return NULL;
  return exports;
}
