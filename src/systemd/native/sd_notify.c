/*
 * sd_notify.c: a tiny N-API addon that sends one datagram to systemd's
 * NOTIFY_SOCKET. Node's dgram module cannot talk to AF_UNIX datagram sockets,
 * so this is the one piece done in C.
 *
 *   notify(socketPath: string, message: string): void
 *
 * A socketPath starting with '@' names a socket in Linux's abstract namespace:
 * the '@' becomes a NUL byte and the address length covers exactly the name
 * (abstract names are not NUL-terminated). Throws an Error carrying the errno
 * text (and `code`, e.g. "ENOENT") on failure.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <node_api.h>

/* Longest message accepted: systemd reads notifications into a buffer of this
 * size (NOTIFY_BUFFER_MAX, PIPE_BUF-ish); longer ones would be truncated. */
#define MESSAGE_MAX 4096

static void throw_errno(napi_env env, const char *what, int err) {
  char text[256];
  const char *code = NULL;
  napi_value msg_v, code_v, error;
  switch (err) {
    case ENOENT: code = "ENOENT"; break;
    case ECONNREFUSED: code = "ECONNREFUSED"; break;
    case EACCES: code = "EACCES"; break;
    case EPERM: code = "EPERM"; break;
    case EAGAIN: code = "EAGAIN"; break;
    case ENOBUFS: code = "ENOBUFS"; break;
    case EMSGSIZE: code = "EMSGSIZE"; break;
    case ENAMETOOLONG: code = "ENAMETOOLONG"; break;
    case EINVAL: code = "EINVAL"; break;
    case ENOTDIR: code = "ENOTDIR"; break;
    case EPROTOTYPE: code = "EPROTOTYPE"; break;
    default: code = "ESYSTEM"; break;
  }
  /* GNU strerror_r may return a static string instead of filling the buffer. */
  char buf[128];
  const char *reason = strerror_r(err, buf, sizeof(buf));
  snprintf(text, sizeof(text), "sd_notify: %s: %s", what, reason);
  if (napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &msg_v) != napi_ok ||
      napi_create_string_utf8(env, code, NAPI_AUTO_LENGTH, &code_v) != napi_ok ||
      napi_create_error(env, code_v, msg_v, &error) != napi_ok) {
    napi_throw_error(env, code, text);
    return;
  }
  napi_value errno_v;
  if (napi_create_int32(env, err, &errno_v) == napi_ok) {
    napi_set_named_property(env, error, "errno", errno_v);
  }
  napi_throw(env, error);
}

/* Reads argument `v` as UTF-8 into a malloc'd buffer; NULL (with a JS exception
 * pending) on failure. *len gets the byte length without the terminator. */
static char *get_string(napi_env env, napi_value v, const char *name, size_t max, size_t *len) {
  napi_valuetype type;
  if (napi_typeof(env, v, &type) != napi_ok || type != napi_string) {
    char text[64];
    snprintf(text, sizeof(text), "sd_notify: %s must be a string", name);
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", text);
    return NULL;
  }
  size_t n = 0;
  if (napi_get_value_string_utf8(env, v, NULL, 0, &n) != napi_ok) {
    napi_throw_error(env, NULL, "sd_notify: cannot read a string argument");
    return NULL;
  }
  if (n > max) {
    char text[96];
    snprintf(text, sizeof(text), "sd_notify: %s is too long (%zu bytes, at most %zu)", name, n, max);
    napi_throw_range_error(env, "ERR_OUT_OF_RANGE", text);
    return NULL;
  }
  char *buf = malloc(n + 1);
  if (buf == NULL) {
    napi_throw_error(env, NULL, "sd_notify: out of memory");
    return NULL;
  }
  size_t copied = 0;
  if (napi_get_value_string_utf8(env, v, buf, n + 1, &copied) != napi_ok || copied != n) {
    free(buf);
    napi_throw_error(env, NULL, "sd_notify: cannot read a string argument");
    return NULL;
  }
  *len = n;
  return buf;
}

static napi_value notify(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if (argc < 2) {
    napi_throw_type_error(env, "ERR_MISSING_ARGS", "sd_notify: notify(socketPath, message) takes two strings");
    return NULL;
  }

  struct sockaddr_un addr;
  size_t path_len = 0, msg_len = 0;
  /* Abstract names may fill all of sun_path (the '@' becomes its first byte);
   * filesystem paths need room for the terminating NUL as well. */
  char *path = get_string(env, argv[0], "socketPath", sizeof(addr.sun_path), &path_len);
  if (path == NULL) return NULL;
  if (path_len == sizeof(addr.sun_path) && path[0] != '@') {
    free(path);
    napi_throw_range_error(env, "ERR_OUT_OF_RANGE", "sd_notify: socketPath is too long for sun_path");
    return NULL;
  }
  char *msg = get_string(env, argv[1], "message", MESSAGE_MAX, &msg_len);
  if (msg == NULL) {
    free(path);
    return NULL;
  }

  if (path_len == 0 || (path[0] != '/' && path[0] != '@') || (path[0] == '@' && path_len < 2) ||
      memchr(path, '\0', path_len) != NULL) {
    free(path);
    free(msg);
    napi_throw_error(env, "EINVAL", "sd_notify: socketPath must be an absolute path or an @abstract name");
    return NULL;
  }

  memset(&addr, 0, sizeof(addr));
  addr.sun_family = AF_UNIX;
  memcpy(addr.sun_path, path, path_len); /* path_len <= sizeof(sun_path), checked above */
  socklen_t addr_len;
  if (path[0] == '@') {
    addr.sun_path[0] = '\0';
    /* Abstract: the name is exactly path_len bytes, the leading NUL included. */
    addr_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + path_len);
  } else {
    addr_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + path_len + 1);
  }
  free(path);

  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    int err = errno;
    free(msg);
    throw_errno(env, "socket", err);
    return NULL;
  }
  ssize_t sent;
  do {
    sent = sendto(fd, msg, msg_len, MSG_NOSIGNAL, (const struct sockaddr *)&addr, addr_len);
  } while (sent < 0 && errno == EINTR);
  int err = errno;
  close(fd);
  free(msg);
  if (sent < 0) {
    throw_errno(env, "sendto", err);
    return NULL;
  }
  if ((size_t)sent != msg_len) {
    napi_throw_error(env, "EMSGSIZE", "sd_notify: short write");
    return NULL;
  }
  return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_value fn;
  if (napi_create_function(env, "notify", NAPI_AUTO_LENGTH, notify, NULL, &fn) != napi_ok) return NULL;
  if (napi_set_named_property(env, exports, "notify", fn) != napi_ok) return NULL;
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
