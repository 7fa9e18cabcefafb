/*
 * stream_io.c: the I/O thread of a stream (see stream.h): capture and playback
 * loops, xrun recovery, pacing for software PCMs, stall detection.
 *
 * The PCM is opened non-blocking; the thread waits with snd_pcm_wait() in
 * slices of WAIT_SLICE_MS so that a stop request is seen quickly even if the
 * device stops delivering (it then reports -EIO after the stall limit instead
 * of hanging close()). With `pace`, the thread instead sleeps until each
 * period is due: ALSA's software PCMs (null, file) never block.
 */
#define _GNU_SOURCE
#include "stream.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define WAIT_SLICE_MS 50
#define STALL_MIN_MS 1000
#define MAX_CONSECUTIVE_RECOVERIES 4

/* --- Helpers. */

static int64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Waits on s->cv until the monotonic time t or a stop request. */
static void wait_until(stream_t *s, int64_t t) {
  struct timespec ts = {.tv_sec = (time_t)(t / 1000000000), .tv_nsec = (long)(t % 1000000000)};
  pthread_mutex_lock(&s->mu);
  while (!s->stop && now_ns() < t) pthread_cond_timedwait(&s->cv, &s->mu, &ts);
  pthread_mutex_unlock(&s->mu);
}

static int stopping(stream_t *s) {
  pthread_mutex_lock(&s->mu);
  int stop = s->stop;
  pthread_mutex_unlock(&s->mu);
  return stop;
}

static void set_fatal(stream_t *s, int err, const char *fmt, ...) {
  pthread_mutex_lock(&s->mu);
  s->fatal = err < 0 ? err : -EIO;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(s->fatal_msg, sizeof(s->fatal_msg), fmt, ap);
  va_end(ap);
  s->notify(s, s->notify_ctx);
  pthread_mutex_unlock(&s->mu);
}

/* The result of an I/O call, or the injected fault (test hook) instead. */
static int take_injected(stream_t *s) {
  if (atomic_load(&s->inject_times) <= 0) return 0;
  atomic_fetch_sub(&s->inject_times, 1);
  return -atomic_load(&s->inject_err);
}

typedef struct io_state {
  int64_t period_ns, stall_ns, last_progress, next_due;
  int recoveries; /* consecutive, without a successful transfer in between */
} io_state_t;

/* After an I/O error: 0 when recovered (counted as an xrun), or 1 when fatal (reported). */
static int handle_error(stream_t *s, io_state_t *io, int err, const char *what) {
  if (err == -EINTR || err == -EAGAIN) return 0;
  int r;
  if (err == -EPIPE || err == -ESTRPIPE) {
    r = snd_pcm_recover(s->pcm, err, 1);
  } else if (err == -EIO || err == -EBADFD) {
    r = snd_pcm_prepare(s->pcm);
  } else {
    const char *alsa = stream_alsa_message();
    set_fatal(s, err, "%s on '%s' failed: %s%s%s%s", what, s->device, snd_strerror(err), alsa[0] ? " (ALSA: " : "", alsa,
              alsa[0] ? ")" : "");
    return 1;
  }
  if (r >= 0 && s->capture) r = snd_pcm_start(s->pcm);
  if (r < 0 || ++io->recoveries > MAX_CONSECUTIVE_RECOVERIES) {
    set_fatal(s, r < 0 ? r : err, "%s on '%s' failed: %s; recovery failed: %s", what, s->device, snd_strerror(err),
              r < 0 ? snd_strerror(r) : "the error persists");
    return 1;
  }
  pthread_mutex_lock(&s->mu);
  s->st.xruns++;
  s->pending_xruns++;
  s->notify(s, s->notify_ctx);
  pthread_mutex_unlock(&s->mu);
  return 0;
}

/* Waits for the device (non-paced streams): 0 ready or timed out, 1 fatal. */
static int wait_device(stream_t *s, io_state_t *io, const char *what) {
  int w = snd_pcm_wait(s->pcm, WAIT_SLICE_MS);
  if (w < 0) return handle_error(s, io, w, what);
  if (w == 0 && now_ns() - io->last_progress > io->stall_ns) {
    set_fatal(s, -EIO, "'%s' stalled: no period for %lld ms", s->device,
              (long long)((now_ns() - io->last_progress) / 1000000));
    return 1;
  }
  return 0;
}

/* Paced streams: sleeps until the next period is due, resynchronising after a long stall. */
static void pace_wait(stream_t *s, io_state_t *io) {
  int64_t now = now_ns();
  if (io->next_due == 0 || now - io->next_due > (int64_t)s->buffer * 1000000000 / s->rate) io->next_due = now;
  wait_until(s, io->next_due);
  io->next_due += io->period_ns;
}

static void update_delay(stream_t *s, int64_t *dev_delay) {
  snd_pcm_sframes_t d = 0;
  *dev_delay = snd_pcm_delay(s->pcm, &d) == 0 ? d : 0;
}

/* --- Capture. */

static void capture_loop(stream_t *s, io_state_t *io, int16_t *buf) {
  size_t got = 0;
  if (s->pace) io->next_due = now_ns() + io->period_ns; /* a period has to be recorded first */
  while (!stopping(s)) {
    if (s->pace && got == 0) {
      pace_wait(s, io);
      if (stopping(s)) break;
    }
    /* The file plugin leaves the buffer as it was past the end of its infile: read silence there. */
    memset(buf + got * s->channels, 0, (s->period - got) * s->channels * sizeof(int16_t));
    int inj = take_injected(s);
    snd_pcm_sframes_t r = inj < 0 ? inj : snd_pcm_readi(s->pcm, buf + got * s->channels, s->period - got);
    if (r == -EAGAIN) {
      if (wait_device(s, io, "snd_pcm_wait")) return;
      continue;
    }
    if (r < 0) {
      if (handle_error(s, io, (int)r, "snd_pcm_readi")) return;
      continue;
    }
    if (r == 0) {
      wait_until(s, now_ns() + io->period_ns);
      continue;
    }
    io->recoveries = 0;
    io->last_progress = now_ns();
    got += (size_t)r;
    if (got < s->period) continue;
    got = 0;
    int64_t dev_delay;
    update_delay(s, &dev_delay);
    pthread_mutex_lock(&s->mu);
    if (s->q_len == s->slot_cap) {
      s->q_head = (s->q_head + 1) % s->slot_cap;
      s->q_len--;
      s->st.dropped_frames += s->period;
    }
    memcpy(s->slots + ((s->q_head + s->q_len) % s->slot_cap) * s->period_samples, buf,
           s->period_samples * sizeof(int16_t));
    s->q_len++;
    s->st.frames += s->period;
    s->st.delay_frames = dev_delay; /* the queue is added in stream_get_stats */
    s->notify(s, s->notify_ctx);
    pthread_mutex_unlock(&s->mu);
  }
}

/* --- Playback. */

/* Moves up to one period from the ring into buf, padding with silence (an underrun). */
static void take_period(stream_t *s, int16_t *buf) {
  pthread_mutex_lock(&s->mu);
  size_t n = s->ring_len < s->period_samples ? s->ring_len : s->period_samples;
  size_t first = s->ring_cap - s->ring_head < n ? s->ring_cap - s->ring_head : n;
  memcpy(buf, s->ring + s->ring_head, first * sizeof(int16_t));
  memcpy(buf + first, s->ring, (n - first) * sizeof(int16_t));
  s->ring_head = (s->ring_head + n) % s->ring_cap;
  s->ring_len -= n;
  if (n < s->period_samples) s->st.underruns++;
  pthread_mutex_unlock(&s->mu);
  memset(buf + n, 0, (s->period_samples - n) * sizeof(int16_t));
}

static void playback_loop(stream_t *s, io_state_t *io, int16_t *buf) {
  pthread_mutex_lock(&s->mu);
  while (!s->stop && !s->started) pthread_cond_wait(&s->cv, &s->mu);
  pthread_mutex_unlock(&s->mu);
  io->last_progress = now_ns();
  while (!stopping(s)) {
    if (s->pace) {
      pace_wait(s, io);
      if (stopping(s)) break;
    } else {
      snd_pcm_sframes_t avail = snd_pcm_avail_update(s->pcm);
      if (avail < 0) {
        if (handle_error(s, io, (int)avail, "snd_pcm_avail_update")) return;
        continue;
      }
      if ((snd_pcm_uframes_t)avail < s->period) {
        if (wait_device(s, io, "snd_pcm_wait")) return;
        continue;
      }
    }
    take_period(s, buf);
    /* A period taken from the ring is written even if a stop comes meanwhile, unless the device is full. */
    snd_pcm_uframes_t off = 0;
    while (off < s->period) {
      int inj = take_injected(s);
      snd_pcm_sframes_t r = inj < 0 ? inj : snd_pcm_writei(s->pcm, buf + off * s->channels, s->period - off);
      if (r == -EAGAIN) {
        if (stopping(s)) break;
        if (wait_device(s, io, "snd_pcm_wait")) return;
      } else if (r < 0) {
        if (handle_error(s, io, (int)r, "snd_pcm_writei")) return;
      } else {
        off += (snd_pcm_uframes_t)r;
        io->recoveries = 0;
        io->last_progress = now_ns();
      }
    }
    int64_t dev_delay;
    update_delay(s, &dev_delay);
    pthread_mutex_lock(&s->mu);
    s->st.frames += off;
    s->st.delay_frames = dev_delay; /* the ring is added in stream_get_stats */
    pthread_mutex_unlock(&s->mu);
  }
}

void *stream_thread_main(void *arg) {
  stream_t *s = arg;
  pthread_setname_np(pthread_self(), s->capture ? "alsa-capture" : "alsa-playback"); /* top -H, /proc/.../comm */
  int16_t *buf = malloc(s->period_samples * sizeof(int16_t));
  if (buf == NULL) {
    set_fatal(s, -ENOMEM, "out of memory for '%s'", s->device);
    return NULL;
  }
  stream_alsa_message_clear();
  io_state_t io = {0};
  io.period_ns = (int64_t)s->period * 1000000000 / s->rate;
  io.stall_ns = (int64_t)s->buffer * 8 * 1000000000 / s->rate;
  if (io.stall_ns < (int64_t)STALL_MIN_MS * 1000000) io.stall_ns = (int64_t)STALL_MIN_MS * 1000000;
  io.last_progress = now_ns();
  if (s->capture) capture_loop(s, &io, buf);
  else playback_loop(s, &io, buf);
  free(buf);
  struct timespec cpu;
  if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu) == 0) {
    pthread_mutex_lock(&s->mu);
    s->st.thread_cpu_ns = (uint64_t)cpu.tv_sec * 1000000000 + (uint64_t)cpu.tv_nsec;
    pthread_mutex_unlock(&s->mu);
  }
  return NULL;
}

