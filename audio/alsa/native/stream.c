/*
 * stream.c: the ALSA side of alsa_pcm (see stream.h): open and configure a
 * PCM, start and stop its I/O thread (stream_io.c), and the thread-safe calls
 * the JS thread makes (write, pop a period, events, stats).
 */
#define _GNU_SOURCE
#include "stream.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* --- ALSA's error messages: kept per thread for error texts, not printed. */

static __thread char last_alsa_msg[256];
static int alsa_debug;

static void alsa_error_handler(const char *file, int line, const char *function, int err, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(last_alsa_msg, sizeof(last_alsa_msg), fmt, ap);
  va_end(ap);
  if (err != 0 && n >= 0 && (size_t)n < sizeof(last_alsa_msg)) {
    snprintf(last_alsa_msg + n, sizeof(last_alsa_msg) - (size_t)n, ": %s", snd_strerror(err));
  }
  if (alsa_debug) fprintf(stderr, "ALSA lib %s:%i:(%s) %s\n", file, line, function, last_alsa_msg);
}

/* --- The open streams, so that an atexit handler can stop their threads on
 * process.exit() (which skips Node's env cleanup hooks). */

static pthread_mutex_t registry_mu = PTHREAD_MUTEX_INITIALIZER;
static stream_t *registry; /* a doubly-linked list through reg_prev / reg_next */

static void stop_all_at_exit(void) {
  pthread_mutex_lock(&registry_mu);
  for (stream_t *s = registry; s != NULL; s = s->reg_next) stream_stop(s);
  pthread_mutex_unlock(&registry_mu);
}

static void registry_add(stream_t *s) {
  pthread_mutex_lock(&registry_mu);
  s->reg_prev = NULL;
  s->reg_next = registry;
  if (registry != NULL) registry->reg_prev = s;
  registry = s;
  s->registered = 1;
  pthread_mutex_unlock(&registry_mu);
}

void stream_unregister(stream_t *s) {
  pthread_mutex_lock(&registry_mu);
  if (s->registered) {
    if (s->reg_prev != NULL) s->reg_prev->reg_next = s->reg_next;
    else registry = s->reg_next;
    if (s->reg_next != NULL) s->reg_next->reg_prev = s->reg_prev;
    s->registered = 0;
  }
  pthread_mutex_unlock(&registry_mu);
}

const char *stream_alsa_message(void) { return last_alsa_msg; }

void stream_alsa_message_clear(void) { last_alsa_msg[0] = '\0'; }

static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static void init_globals(void) {
  const char *dbg = getenv("DIALTONE_ALSA_DEBUG");
  alsa_debug = dbg != NULL && dbg[0] == '1';
  snd_lib_error_set_handler(alsa_error_handler);
  atexit(stop_all_at_exit);
}

void stream_global_init(void) { pthread_once(&init_once, init_globals); }

/* --- Public functions. */

static int fail(char *errbuf, size_t errlen, int err, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(errbuf, errlen, fmt, ap);
  va_end(ap);
  if (n >= 0 && (size_t)n < errlen) {
    n += snprintf(errbuf + n, errlen - (size_t)n, ": %s", snd_strerror(err));
    if (last_alsa_msg[0] != '\0' && n >= 0 && (size_t)n < errlen)
      snprintf(errbuf + n, errlen - (size_t)n, " (ALSA: %s)", last_alsa_msg);
  }
  return err;
}

static int configure(stream_t *s, const stream_opts_t *o, char *errbuf, size_t errlen) {
  snd_pcm_t *pcm = s->pcm;
  snd_pcm_hw_params_t *hw;
  snd_pcm_sw_params_t *sw;
  snd_pcm_hw_params_alloca(&hw);
  snd_pcm_sw_params_alloca(&sw);
  const char *dev = o->device;
  int err;
  if ((err = snd_pcm_hw_params_any(pcm, hw)) < 0) return fail(errbuf, errlen, err, "'%s': no hardware configuration", dev);
  if ((err = snd_pcm_hw_params_set_access(pcm, hw, SND_PCM_ACCESS_RW_INTERLEAVED)) < 0)
    return fail(errbuf, errlen, err, "'%s': interleaved access not supported", dev);
  if ((err = snd_pcm_hw_params_set_format(pcm, hw, SND_PCM_FORMAT_S16_LE)) < 0)
    return fail(errbuf, errlen, err, "'%s': format S16_LE not supported (try plughw:)", dev);
  if ((err = snd_pcm_hw_params_set_channels(pcm, hw, o->channels)) < 0)
    return fail(errbuf, errlen, err, "'%s': %u channel(s) not supported (try plughw:)", dev, o->channels);
  unsigned rate = o->rate;
  if ((err = snd_pcm_hw_params_set_rate_near(pcm, hw, &rate, NULL)) < 0)
    return fail(errbuf, errlen, err, "'%s': cannot set the rate %u Hz", dev, o->rate);
  if (rate != o->rate)
    return fail(errbuf, errlen, -EINVAL, "'%s': rate %u Hz not supported (nearest %u Hz; try plughw:)", dev, o->rate, rate);
  snd_pcm_uframes_t period = o->period_frames;
  if ((err = snd_pcm_hw_params_set_period_size_near(pcm, hw, &period, NULL)) < 0)
    return fail(errbuf, errlen, err, "'%s': cannot set the period to %lu frames", dev, o->period_frames);
  snd_pcm_uframes_t buffer = period * o->periods;
  if ((err = snd_pcm_hw_params_set_buffer_size_near(pcm, hw, &buffer)) < 0)
    return fail(errbuf, errlen, err, "'%s': cannot set the buffer to %lu frames", dev, (unsigned long)buffer);
  if ((err = snd_pcm_hw_params(pcm, hw)) < 0) return fail(errbuf, errlen, err, "'%s': cannot apply the hardware parameters", dev);
  snd_pcm_hw_params_get_period_size(hw, &s->period, NULL);
  snd_pcm_hw_params_get_buffer_size(hw, &s->buffer);

  snd_pcm_uframes_t start = o->start_threshold > 0 ? (snd_pcm_uframes_t)o->start_threshold : (o->capture ? 1 : s->buffer);
  snd_pcm_uframes_t avail_min = o->avail_min > 0 ? (snd_pcm_uframes_t)o->avail_min : s->period;
  if ((err = snd_pcm_sw_params_current(pcm, sw)) < 0 ||
      (err = snd_pcm_sw_params_set_start_threshold(pcm, sw, start)) < 0 ||
      (err = snd_pcm_sw_params_set_avail_min(pcm, sw, avail_min)) < 0 || (err = snd_pcm_sw_params(pcm, sw)) < 0)
    return fail(errbuf, errlen, err, "'%s': cannot apply the software parameters", dev);
  if ((err = snd_pcm_prepare(pcm)) < 0) return fail(errbuf, errlen, err, "'%s': cannot prepare", dev);
  return 0;
}

int stream_open(stream_t **out, const stream_opts_t *o, stream_notify_fn notify, void *ctx, char *errbuf, size_t errlen) {
  stream_global_init();
  last_alsa_msg[0] = '\0';
  errbuf[0] = '\0';
  stream_t *s = calloc(1, sizeof(*s));
  if (s == NULL) return fail(errbuf, errlen, -ENOMEM, "out of memory");
  s->device = strdup(o->device);
  pthread_condattr_t ca;
  pthread_condattr_init(&ca);
  pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
  pthread_cond_init(&s->cv, &ca);
  pthread_condattr_destroy(&ca);
  pthread_mutex_init(&s->mu, NULL);
  pthread_mutex_init(&s->life_mu, NULL);
  s->capture = o->capture;
  s->rate = o->rate;
  s->channels = o->channels;
  s->pace = o->pace;
  s->notify = notify;
  s->notify_ctx = ctx;
  int err;
  if (s->device == NULL) {
    err = fail(errbuf, errlen, -ENOMEM, "out of memory");
    goto out_free;
  }
  err = snd_pcm_open(&s->pcm, o->device, o->capture ? SND_PCM_STREAM_CAPTURE : SND_PCM_STREAM_PLAYBACK, SND_PCM_NONBLOCK);
  if (err < 0) {
    s->pcm = NULL;
    fail(errbuf, errlen, err, "cannot open PCM '%s' for %s", o->device, o->capture ? "capture" : "playback");
    goto out_free;
  }
  if ((err = configure(s, o, errbuf, errlen)) < 0) goto out_free;
  s->period_samples = s->period * s->channels;
  size_t qp = o->queue_periods < 2 ? 2 : o->queue_periods;
  if (s->capture) {
    s->slot_cap = qp;
    s->slots = calloc(qp * s->period_samples, sizeof(int16_t));
  } else {
    s->ring_cap = qp * s->period_samples;
    s->ring = calloc(s->ring_cap, sizeof(int16_t));
  }
  if (s->slots == NULL && s->ring == NULL) {
    err = fail(errbuf, errlen, -ENOMEM, "out of memory for '%s'", o->device);
    goto out_free;
  }
  registry_add(s);
  *out = s;
  return 0;
out_free:
  stream_stop(s);
  free(s->ring);
  free(s->slots);
  free(s->device);
  pthread_mutex_destroy(&s->mu);
  pthread_mutex_destroy(&s->life_mu);
  pthread_cond_destroy(&s->cv);
  free(s);
  return err;
}

int stream_start(stream_t *s) {
  pthread_mutex_lock(&s->life_mu);
  int err = pthread_create(&s->thread, NULL, stream_thread_main, s);
  if (err == 0) s->thread_started = 1;
  pthread_mutex_unlock(&s->life_mu);
  return -err;
}

void stream_stop(stream_t *s) {
  pthread_mutex_lock(&s->life_mu);
  pthread_mutex_lock(&s->mu);
  s->stop = 1;
  pthread_cond_broadcast(&s->cv);
  pthread_mutex_unlock(&s->mu);
  if (s->thread_started) {
    pthread_join(s->thread, NULL);
    s->thread_started = 0;
  }
  if (s->pcm != NULL) {
    snd_pcm_close(s->pcm); /* drops what is still queued (the file plugin writes it out) */
    s->pcm = NULL;
  }
  pthread_mutex_unlock(&s->life_mu);
}

void stream_free(stream_t *s) {
  if (s == NULL) return;
  stream_unregister(s);
  stream_stop(s);
  free(s->ring);
  free(s->slots);
  free(s->device);
  pthread_mutex_destroy(&s->mu);
  pthread_mutex_destroy(&s->life_mu);
  pthread_cond_destroy(&s->cv);
  free(s);
}

size_t stream_write(stream_t *s, const int16_t *samples, size_t n) {
  pthread_mutex_lock(&s->mu);
  if (s->stop || s->fatal != 0) {
    pthread_mutex_unlock(&s->mu);
    return 0;
  }
  size_t space = s->ring_cap - s->ring_len;
  if (n > space) n = space;
  n -= n % s->channels;
  size_t tail = (s->ring_head + s->ring_len) % s->ring_cap;
  size_t first = s->ring_cap - tail < n ? s->ring_cap - tail : n;
  memcpy(s->ring + tail, samples, first * sizeof(int16_t));
  memcpy(s->ring, samples + first, (n - first) * sizeof(int16_t));
  s->ring_len += n;
  if (!s->started && s->ring_len >= s->period_samples) {
    s->started = 1;
    pthread_cond_broadcast(&s->cv);
  }
  pthread_mutex_unlock(&s->mu);
  return n;
}

int stream_pop_period(stream_t *s, int16_t *dst) {
  pthread_mutex_lock(&s->mu);
  int have = s->q_len > 0;
  if (have) {
    memcpy(dst, s->slots + s->q_head * s->period_samples, s->period_samples * sizeof(int16_t));
    s->q_head = (s->q_head + 1) % s->slot_cap;
    s->q_len--;
  }
  pthread_mutex_unlock(&s->mu);
  return have;
}

void stream_take_events(stream_t *s, unsigned *xruns, int *fatal_err, char *msg, size_t msglen) {
  pthread_mutex_lock(&s->mu);
  *xruns = s->pending_xruns;
  s->pending_xruns = 0;
  *fatal_err = 0;
  if (s->fatal != 0 && !s->fatal_reported) {
    s->fatal_reported = 1;
    *fatal_err = s->fatal;
    snprintf(msg, msglen, "%s", s->fatal_msg);
  }
  pthread_mutex_unlock(&s->mu);
}

void stream_get_stats(stream_t *s, stream_stats_t *out) {
  /* While the thread runs, its CPU clock; once it ended, what it recorded last. */
  uint64_t cpu_ns = 0;
  pthread_mutex_lock(&s->life_mu);
  clockid_t cid;
  struct timespec ts;
  int running = s->thread_started && pthread_getcpuclockid(s->thread, &cid) == 0 && clock_gettime(cid, &ts) == 0;
  if (running) cpu_ns = (uint64_t)ts.tv_sec * 1000000000 + (uint64_t)ts.tv_nsec;
  pthread_mutex_unlock(&s->life_mu);
  pthread_mutex_lock(&s->mu);
  *out = s->st;
  if (s->capture) {
    out->queued_frames = s->q_len * s->period;
  } else {
    out->queued_frames = s->ring_len / s->channels;
  }
  out->delay_frames += (int64_t)out->queued_frames;
  if (running && cpu_ns > out->thread_cpu_ns) out->thread_cpu_ns = cpu_ns;
  pthread_mutex_unlock(&s->mu);
}

void stream_inject(stream_t *s, int err, int times) {
  atomic_store(&s->inject_err, err);
  atomic_store(&s->inject_times, times);
}
