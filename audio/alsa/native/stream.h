/*
 * stream.h: one ALSA PCM stream driven by its own I/O thread, independent of
 * N-API (alsa_pcm.c is the JavaScript glue).
 *
 * Capture: the thread reads one period at a time into a bounded queue of
 * periods; when the queue is full the oldest period is dropped (counted). It
 * calls `notify` when the queue becomes non-empty or an event is pending.
 *
 * Playback: the JS thread writes samples into a bounded ring; the thread takes
 * one period at a time from it and writes it to the device, padding with
 * silence when the ring runs short (an underrun, counted), so the device is
 * always fed and never xruns because of us. The first period waits for data.
 *
 * Both: -EPIPE / -ESTRPIPE are recovered (snd_pcm_recover) and counted as
 * xruns; any other error ends the thread with a pending fatal error.
 */
#ifndef DIALTONE_ALSA_STREAM_H
#define DIALTONE_ALSA_STREAM_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include <alsa/asoundlib.h>

#define STREAM_ERRMSG_MAX 512

typedef struct stream_opts {
  const char *device;
  int capture;                 /* 1 capture, 0 playback */
  unsigned rate;
  unsigned channels;           /* 1 or 2 */
  unsigned long period_frames; /* requested; the device may choose a near value */
  unsigned periods;            /* buffer = periods x period */
  unsigned queue_periods;      /* capture queue / playback ring length, in periods */
  long start_threshold;        /* frames; <= 0: capture 1, playback the buffer size */
  long avail_min;              /* frames; <= 0: one period */
  int pace;                    /* 1: pace I/O by the clock (software PCMs that never block) */
} stream_opts_t;

typedef struct stream_stats {
  uint64_t xruns;          /* -EPIPE / -ESTRPIPE recovered */
  uint64_t dropped_frames; /* capture: periods dropped because JS fell behind, in frames */
  uint64_t underruns;      /* playback: periods padded with silence */
  uint64_t frames;         /* frames transferred to / from the device */
  int64_t delay_frames;    /* playback: ring + device delay; capture: device delay + queue */
  uint64_t queued_frames;  /* playback: frames in the ring; capture: frames in the queue */
  uint64_t thread_cpu_ns;  /* CPU time of the I/O thread */
} stream_stats_t;

typedef struct stream stream_t;
typedef void (*stream_notify_fn)(stream_t *s, void *ctx);

struct stream {
  /* Fixed after stream_open. */
  snd_pcm_t *pcm;
  char *device;
  int capture;
  unsigned rate, channels;
  snd_pcm_uframes_t period, buffer;
  int pace;
  size_t period_samples; /* period x channels */
  stream_notify_fn notify;
  void *notify_ctx;

  pthread_mutex_t life_mu; /* serialises start / stop (main thread, atexit) */
  pthread_mutex_t mu;      /* guards everything below that is not atomic */
  pthread_cond_t cv;
  int stop;
  int thread_started;
  pthread_t thread;
  int started; /* playback: the first data arrived */

  int16_t *ring; /* playback ring, ring_cap samples */
  size_t ring_cap, ring_head, ring_len;

  int16_t *slots; /* capture queue, slot_cap periods */
  size_t slot_cap, q_head, q_len;

  stream_stats_t st;
  unsigned pending_xruns; /* xruns not yet reported to JS */
  int fatal;              /* negative errno once the thread died of an error */
  int fatal_reported;
  char fatal_msg[STREAM_ERRMSG_MAX];

  /* Test hook: the next inject_times I/O calls fail with -inject_err instead. */
  atomic_int inject_err;
  atomic_int inject_times;

  stream_t *reg_prev, *reg_next; /* the registry of open streams (stream.c) */
  int registered;
};

/* Installs the ALSA error handler that keeps the last message per thread. */
void stream_global_init(void);

/* The calling thread's last ALSA error message ("" if none since the clear). */
const char *stream_alsa_message(void);
void stream_alsa_message_clear(void);

/* Opens and configures the PCM. Returns 0 or a negative errno with a message in errbuf. */
int stream_open(stream_t **out, const stream_opts_t *o, stream_notify_fn notify, void *ctx, char *errbuf,
                size_t errlen);

/* The I/O thread's body (stream_io.c). */
void *stream_thread_main(void *arg);

/* Starts the I/O thread. 0 or a negative errno. */
int stream_start(stream_t *s);

/* Stops and joins the thread and closes the PCM; safe to call more than once. */
void stream_stop(stream_t *s);

/* Takes a stopped stream off the list that an atexit handler stops. */
void stream_unregister(stream_t *s);

/* Frees the stream (stream_stop first). */
void stream_free(stream_t *s);

/* Playback: copies up to n samples (whole frames) into the ring; returns how many were taken. */
size_t stream_write(stream_t *s, const int16_t *samples, size_t n);

/* Capture: moves the oldest queued period into dst (period_samples); 1 if one was there, else 0. */
int stream_pop_period(stream_t *s, int16_t *dst);

/* Takes the pending xrun count and, once, the fatal error (*fatal_err < 0, msg filled). */
void stream_take_events(stream_t *s, unsigned *xruns, int *fatal_err, char *msg, size_t msglen);

void stream_get_stats(stream_t *s, stream_stats_t *out);

/* Test hook: makes the next `times` reads or writes fail with -err, as if the device had. */
void stream_inject(stream_t *s, int err, int times);

#endif
