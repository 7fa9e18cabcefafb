/*
 * alsa_pcm.c: the N-API glue of the ALSA PCM addon (the engine is stream.c).
 *
 *   open(device, capture, opts, onEvent) -> handle   (throws Error with .errno)
 *     opts: { rate, channels, periodFrames, periods, queuePeriods?, startThreshold?, availMin?, pace? }
 *     handle: { rate, channels, periodFrames, bufferFrames } (type-tagged, wraps the stream)
 *     onEvent(0, Int16Array)        a captured period
 *     onEvent(1)                    an xrun, recovered
 *     onEvent(2, errno, message)    a fatal error: the I/O thread has stopped
 *   write(handle, Int16Array) -> number of samples accepted (0: ring full or stream ended)
 *   stats(handle) -> { xruns, droppedFrames, underruns, delayFrames, queuedFrames, frames, threadCpuMs }
 *   close(handle)                   stops and joins the thread, closes the PCM; idempotent
 *   inject(handle, errno, times)    test hook: the next `times` I/O calls fail with -errno
 *   liveHandles() -> number         handles not yet freed (all envs): a leak check for the tests
 *
 * Threading: the I/O thread never calls JS. It calls notify() (with the stream's
 * mutex held), which queues at most one call of the threadsafe function at a
 * time (`notify_pending`); call_js then drains everything pending on the main
 * thread. The stream is freed when both the wrapped handle and the threadsafe
 * function are finalized (`refs`). An env cleanup hook stops the thread when the
 * environment goes away with the stream open; stream.c also stops all threads
 * in an atexit handler (process.exit() skips env cleanup).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <node_api.h>

#include "stream.h"

enum { EV_FRAMES = 0, EV_XRUN = 1, EV_ERROR = 2 };

typedef struct handle {
  stream_t *s;
  napi_threadsafe_function tsfn;
  int tsfn_live;      /* guarded by s->mu: calls are allowed */
  int notify_pending; /* guarded by s->mu: a call is queued */
  int closed;         /* main thread only */
  int hook_added;
  int refs; /* the wrapped handle + the threadsafe function */
  napi_env env;
  int16_t *scratch; /* one period, main thread */
} handle_t;

static const napi_type_tag HANDLE_TAG = {0x8d3f2a61c04e4b7aULL, 0x9e15b2d7a3c86f04ULL};

#define CHECK(call)                                                                                                    \
  do {                                                                                                                 \
    if ((call) != napi_ok) return NULL;                                                                                \
  } while (0)

static atomic_int live_handles; /* allocated, not yet freed: a leak check for the tests */

static void unref(handle_t *h) {
  if (--h->refs > 0) return;
  stream_free(h->s);
  free(h->scratch);
  free(h);
  atomic_fetch_sub(&live_handles, 1);
}

/* Called by the I/O thread with s->mu held. */
static void on_notify(stream_t *s, void *ctx) {
  (void)s;
  handle_t *h = ctx;
  if (!h->tsfn_live || h->notify_pending) return;
  if (napi_call_threadsafe_function(h->tsfn, NULL, napi_tsfn_nonblocking) == napi_ok) h->notify_pending = 1;
}

static void cleanup_hook(void *arg);

/* Stops the stream and lets go of the threadsafe function (main thread). */
static void shutdown_handle(handle_t *h, int release_tsfn) {
  if (h->closed) return;
  h->closed = 1;
  stream_stop(h->s);
  stream_unregister(h->s);
  pthread_mutex_lock(&h->s->mu);
  int live = h->tsfn_live;
  h->tsfn_live = 0;
  pthread_mutex_unlock(&h->s->mu);
  if (h->hook_added) {
    h->hook_added = 0;
    napi_remove_env_cleanup_hook(h->env, cleanup_hook, h);
  }
  if (live && release_tsfn) napi_release_threadsafe_function(h->tsfn, napi_tsfn_release);
}

static void cleanup_hook(void *arg) {
  handle_t *h = arg;
  h->hook_added = 0; /* being run: nothing to remove */
  /* The environment is going away: Node finalizes the threadsafe function itself. */
  shutdown_handle(h, 0);
}

static void tsfn_finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  handle_t *h = data;
  pthread_mutex_lock(&h->s->mu);
  h->tsfn_live = 0;
  pthread_mutex_unlock(&h->s->mu);
  unref(h);
}

static void wrap_finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  handle_t *h = data;
  shutdown_handle(h, 1);
  unref(h);
}

static napi_status emit(napi_env env, napi_value cb, int kind, size_t argc, napi_value *rest) {
  napi_value argv[3], undefined;
  napi_status st;
  if ((st = napi_get_undefined(env, &undefined)) != napi_ok) return st;
  if ((st = napi_create_int32(env, kind, &argv[0])) != napi_ok) return st;
  for (size_t i = 0; i < argc; i++) argv[i + 1] = rest[i];
  return napi_call_function(env, undefined, cb, argc + 1, argv, NULL);
}

/* After a listener threw: Node reports the exception; what was not delivered yet is
 * delivered by another call (the fatal error, if taken, is put back). */
static void requeue(handle_t *h, int fatal) {
  pthread_mutex_lock(&h->s->mu);
  if (fatal < 0) h->s->fatal_reported = 0;
  on_notify(h->s, h);
  pthread_mutex_unlock(&h->s->mu);
}

static void call_js(napi_env env, napi_value cb, void *context, void *data) {
  (void)data;
  handle_t *h = context;
  if (env == NULL || cb == NULL) return; /* being torn down */
  pthread_mutex_lock(&h->s->mu);
  h->notify_pending = 0;
  pthread_mutex_unlock(&h->s->mu);
  if (h->closed) return;

  unsigned xruns;
  int fatal;
  char msg[STREAM_ERRMSG_MAX];
  stream_take_events(h->s, &xruns, &fatal, msg, sizeof(msg));
  for (unsigned i = 0; i < xruns && !h->closed; i++) {
    if (emit(env, cb, EV_XRUN, 0, NULL) != napi_ok) {
      requeue(h, fatal);
      return;
    }
  }
  size_t bytes = h->s->period_samples * sizeof(int16_t);
  while (!h->closed && stream_pop_period(h->s, h->scratch)) {
    napi_handle_scope scope;
    if (napi_open_handle_scope(env, &scope) != napi_ok) return;
    void *ab_data;
    napi_value ab, ta;
    napi_status st = napi_create_arraybuffer(env, bytes, &ab_data, &ab);
    if (st == napi_ok) {
      memcpy(ab_data, h->scratch, bytes);
      st = napi_create_typedarray(env, napi_int16_array, h->s->period_samples, ab, 0, &ta);
    }
    if (st == napi_ok) st = emit(env, cb, EV_FRAMES, 1, &ta);
    napi_close_handle_scope(env, scope);
    if (st != napi_ok) {
      requeue(h, fatal);
      return;
    }
  }
  if (fatal < 0 && !h->closed) {
    napi_value rest[2];
    if (napi_create_int32(env, -fatal, &rest[0]) != napi_ok ||
        napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &rest[1]) != napi_ok)
      return;
    emit(env, cb, EV_ERROR, 2, rest);
  }
}

/* --- Arguments. */

static void throw_errno(napi_env env, int err, const char *text) {
  napi_value msg, error, errno_v;
  if (napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &msg) != napi_ok ||
      napi_create_error(env, NULL, msg, &error) != napi_ok) {
    napi_throw_error(env, NULL, text);
    return;
  }
  if (napi_create_int32(env, err, &errno_v) == napi_ok) napi_set_named_property(env, error, "errno", errno_v);
  napi_throw(env, error);
}

/* Reads opts[name] as a number into *out; 0 when absent (and not required). */
static int get_number(napi_env env, napi_value obj, const char *name, int required, double *out) {
  napi_value v;
  napi_valuetype type;
  *out = 0;
  if (napi_get_named_property(env, obj, name, &v) != napi_ok || napi_typeof(env, v, &type) != napi_ok) return -1;
  if (type == napi_undefined && !required) return 0;
  if (type != napi_number) {
    char text[96];
    snprintf(text, sizeof(text), "alsa_pcm: opts.%s must be a number", name);
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", text);
    return -1;
  }
  return napi_get_value_double(env, v, out) == napi_ok ? 0 : -1;
}

static handle_t *get_handle(napi_env env, napi_value v) {
  bool ok = false;
  void *ptr = NULL;
  napi_valuetype type;
  if (napi_typeof(env, v, &type) == napi_ok && type == napi_object &&
      napi_check_object_type_tag(env, v, &HANDLE_TAG, &ok) == napi_ok && ok && napi_unwrap(env, v, &ptr) == napi_ok)
    return ptr;
  napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "alsa_pcm: not a PCM handle");
  return NULL;
}

static napi_value set_number(napi_env env, napi_value obj, const char *name, double value) {
  napi_value v;
  CHECK(napi_create_double(env, value, &v));
  CHECK(napi_set_named_property(env, obj, name, v));
  return obj;
}

/* --- Exported functions. */

static napi_value js_open(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  napi_valuetype t0, t2, t3;
  if (argc < 4 || napi_typeof(env, argv[0], &t0) != napi_ok || napi_typeof(env, argv[2], &t2) != napi_ok ||
      napi_typeof(env, argv[3], &t3) != napi_ok || t0 != napi_string || t2 != napi_object || t3 != napi_function) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "alsa_pcm: open(device, capture, opts, onEvent)");
    return NULL;
  }
  char device[256];
  size_t dlen = 0;
  CHECK(napi_get_value_string_utf8(env, argv[0], device, sizeof(device), &dlen));
  if (dlen == 0 || dlen >= sizeof(device) - 1) {
    napi_throw_range_error(env, "ERR_OUT_OF_RANGE", "alsa_pcm: the device name must have 1 to 254 bytes");
    return NULL;
  }
  bool capture = false;
  CHECK(napi_coerce_to_bool(env, argv[1], &argv[1]));
  CHECK(napi_get_value_bool(env, argv[1], &capture));
  double rate, channels, period, periods, queue, start, avail_min;
  if (get_number(env, argv[2], "rate", 1, &rate) || get_number(env, argv[2], "channels", 1, &channels) ||
      get_number(env, argv[2], "periodFrames", 1, &period) || get_number(env, argv[2], "periods", 1, &periods) ||
      get_number(env, argv[2], "queuePeriods", 0, &queue) || get_number(env, argv[2], "startThreshold", 0, &start) ||
      get_number(env, argv[2], "availMin", 0, &avail_min))
    return NULL;
  napi_value pace_v;
  bool pace = false;
  CHECK(napi_get_named_property(env, argv[2], "pace", &pace_v));
  CHECK(napi_coerce_to_bool(env, pace_v, &pace_v));
  CHECK(napi_get_value_bool(env, pace_v, &pace));
  if (!(rate >= 1000 && rate <= 384000) || !(channels == 1 || channels == 2) || !(period >= 8 && period <= 65536) ||
      !(periods >= 2 && periods <= 64) || !(queue >= 0 && queue <= 1024)) {
    napi_throw_range_error(env, "ERR_OUT_OF_RANGE", "alsa_pcm: rate, channels, periodFrames, periods or queuePeriods out of range");
    return NULL;
  }

  handle_t *h = calloc(1, sizeof(*h));
  if (h == NULL) {
    throw_errno(env, ENOMEM, "alsa_pcm: out of memory");
    return NULL;
  }
  atomic_fetch_add(&live_handles, 1);
  h->env = env;
  stream_opts_t o = {
      .device = device,
      .capture = capture,
      .rate = (unsigned)rate,
      .channels = (unsigned)channels,
      .period_frames = (unsigned long)period,
      .periods = (unsigned)periods,
      .queue_periods = queue > 0 ? (unsigned)queue : 8,
      .start_threshold = (long)start,
      .avail_min = (long)avail_min,
      .pace = pace,
  };
  char err_text[STREAM_ERRMSG_MAX];
  int err = stream_open(&h->s, &o, on_notify, h, err_text, sizeof(err_text));
  if (err < 0) {
    free(h);
    atomic_fetch_sub(&live_handles, 1);
    throw_errno(env, -err, err_text);
    return NULL;
  }
  h->scratch = malloc(h->s->period_samples * sizeof(int16_t));
  napi_value obj, name;
  if (h->scratch == NULL || napi_create_object(env, &obj) != napi_ok ||
      napi_create_string_utf8(env, "alsa_pcm", NAPI_AUTO_LENGTH, &name) != napi_ok) {
    h->refs = 1;
    unref(h);
    throw_errno(env, ENOMEM, "alsa_pcm: out of memory");
    return NULL;
  }
  if (napi_create_threadsafe_function(env, argv[3], NULL, name, 0, 1, h, tsfn_finalize, h, call_js, &h->tsfn) !=
      napi_ok) {
    h->refs = 1;
    unref(h);
    return NULL;
  }
  h->refs = 1; /* the threadsafe function */
  h->tsfn_live = 1;
  if (napi_wrap(env, obj, h, wrap_finalize, NULL, NULL) != napi_ok) {
    shutdown_handle(h, 1); /* the tsfn finalizer frees */
    return NULL;
  }
  h->refs = 2;
  if (napi_add_env_cleanup_hook(env, cleanup_hook, h) == napi_ok) h->hook_added = 1;
  napi_type_tag_object(env, obj, &HANDLE_TAG);
  if (!set_number(env, obj, "rate", h->s->rate) || !set_number(env, obj, "channels", h->s->channels) ||
      !set_number(env, obj, "periodFrames", (double)h->s->period) ||
      !set_number(env, obj, "bufferFrames", (double)h->s->buffer)) {
    shutdown_handle(h, 1);
    return NULL;
  }
  if ((err = stream_start(h->s)) < 0) {
    shutdown_handle(h, 1);
    throw_errno(env, -err, "alsa_pcm: cannot start the I/O thread");
    return NULL;
  }
  return obj;
}

static napi_value js_write(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], result;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  handle_t *h = argc >= 1 ? get_handle(env, argv[0]) : NULL;
  if (h == NULL) return NULL;
  bool is_ta = false;
  napi_typedarray_type type;
  size_t length = 0;
  void *data = NULL;
  if (argc < 2 || napi_is_typedarray(env, argv[1], &is_ta) != napi_ok || !is_ta ||
      napi_get_typedarray_info(env, argv[1], &type, &length, &data, NULL, NULL) != napi_ok || type != napi_int16_array) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "alsa_pcm: write(handle, samples) takes an Int16Array");
    return NULL;
  }
  size_t n = 0;
  if (!h->closed && !h->s->capture && length > 0) n = stream_write(h->s, data, length);
  CHECK(napi_create_double(env, (double)n, &result));
  return result;
}

static napi_value js_stats(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], obj;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  handle_t *h = argc >= 1 ? get_handle(env, argv[0]) : NULL;
  if (h == NULL) return NULL;
  stream_stats_t st;
  stream_get_stats(h->s, &st);
  CHECK(napi_create_object(env, &obj));
  if (!set_number(env, obj, "xruns", (double)st.xruns) || !set_number(env, obj, "droppedFrames", (double)st.dropped_frames) ||
      !set_number(env, obj, "underruns", (double)st.underruns) ||
      !set_number(env, obj, "delayFrames", (double)st.delay_frames) ||
      !set_number(env, obj, "queuedFrames", (double)st.queued_frames) || !set_number(env, obj, "frames", (double)st.frames) ||
      !set_number(env, obj, "threadCpuMs", (double)st.thread_cpu_ns / 1e6))
    return NULL;
  return obj;
}

static napi_value js_close(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  handle_t *h = argc >= 1 ? get_handle(env, argv[0]) : NULL;
  if (h == NULL) return NULL;
  shutdown_handle(h, 1);
  return NULL;
}

static napi_value js_inject(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  handle_t *h = argc >= 1 ? get_handle(env, argv[0]) : NULL;
  if (h == NULL) return NULL;
  int32_t err = 0, times = 1;
  if (argc < 3 || napi_get_value_int32(env, argv[1], &err) != napi_ok ||
      napi_get_value_int32(env, argv[2], &times) != napi_ok || err <= 0) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "alsa_pcm: inject(handle, errno > 0, times)");
    return NULL;
  }
  stream_inject(h->s, err, times);
  return NULL;
}

static napi_value js_live_handles(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value v;
  CHECK(napi_create_int32(env, atomic_load(&live_handles), &v));
  return v;
}

static napi_value init(napi_env env, napi_value exports) {
  static const struct {
    const char *name;
    napi_callback fn;
  } fns[] = {{"open", js_open}, {"write", js_write}, {"stats", js_stats}, {"close", js_close}, {"inject", js_inject},
             {"liveHandles", js_live_handles}};
  stream_global_init();
  for (size_t i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
    napi_value fn;
    CHECK(napi_create_function(env, fns[i].name, NAPI_AUTO_LENGTH, fns[i].fn, NULL, &fn));
    CHECK(napi_set_named_property(env, exports, fns[i].name, fn));
  }
  napi_value version;
  CHECK(napi_create_string_utf8(env, snd_asoundlib_version(), NAPI_AUTO_LENGTH, &version));
  CHECK(napi_set_named_property(env, exports, "alsaVersion", version));
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
