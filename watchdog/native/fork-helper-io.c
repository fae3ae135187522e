/* The fork helper's utilities: little-endian fields, fd flags, per-request environments, the report buffer. */
#define _GNU_SOURCE
#include "fork-helper.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

void die(const char *what) {
  fprintf(stderr, "fork-helper: %s: %s\n", what, strerror(errno));
  exit(1);
}

uint32_t rd32(const char *p) {
  const unsigned char *u = (const unsigned char *)p;
  return (uint32_t)u[0] | (uint32_t)u[1] << 8 | (uint32_t)u[2] << 16 | (uint32_t)u[3] << 24;
}

void wr32(char *p, uint32_t v) {
  for (int i = 0; i < 4; i++) p[i] = (char)(v >> (8 * i));
}

void set_nonblocking(int fd, int on) {
  int flags = fcntl(fd, F_GETFL);
  if (flags < 0 || fcntl(fd, F_SETFL, on ? flags | O_NONBLOCK : flags & ~O_NONBLOCK) < 0) die("fcntl");
}

static size_t name_length(const char *entry) {
  const char *eq = strchr(entry, '=');
  return eq == NULL ? strlen(entry) : (size_t)(eq - entry);
}

char **build_env(const char *strings, size_t size, uint32_t count, char **base) {
  size_t nbase = 0;
  while (base[nbase] != NULL) nbase++;
  if (count > size) return NULL; /* each string takes at least one byte: also bounds the allocation below */
  char **envp = malloc((count + nbase + 1) * sizeof *envp);
  if (envp == NULL) return NULL;
  size_t n = 0, pos = 0;
  for (uint32_t i = 0; i < count; i++) {
    const char *end = memchr(strings + pos, '\0', size - pos);
    if (end == NULL || memchr(strings + pos, '=', (size_t)(end - strings - pos)) == NULL) {
      free(envp);
      return NULL;
    }
    envp[n++] = (char *)strings + pos;
    pos = (size_t)(end - strings) + 1;
  }
  /* Per-request values win over inherited ones of the same name, as with Node's spawn env object. */
  for (size_t b = 0; b < nbase; b++) {
    size_t len = name_length(base[b]);
    int overridden = 0;
    for (uint32_t i = 0; i < count && !overridden; i++)
      overridden = name_length(envp[i]) == len && memcmp(envp[i], base[b], len) == 0;
    if (!overridden) envp[n++] = base[b];
  }
  envp[n] = NULL;
  return envp;
}

static char *out_buf;
static size_t out_len, out_off, out_cap;
static int out_epfd, out_armed;
static uint64_t out_tag;

void out_init(int epfd, uint64_t epoll_tag) {
  out_epfd = epfd;
  out_tag = epoll_tag;
  set_nonblocking(STDOUT_FILENO, 1);
}

/* Watch stdout for writability only while something is pending, so an idle helper gets no wakeups. */
static void out_arm(int on) {
  if (on == out_armed) return;
  struct epoll_event ev = {.events = EPOLLOUT, .data.u64 = out_tag};
  if (epoll_ctl(out_epfd, on ? EPOLL_CTL_ADD : EPOLL_CTL_DEL, STDOUT_FILENO, &ev) < 0) die("epoll_ctl stdout");
  out_armed = on;
}

void out_frame(char type, uint32_t id, const void *payload, uint32_t len) {
  size_t need = 9 + (size_t)len;
  if (out_off > 0 && out_len + need > out_cap) { /* reclaim the flushed prefix before growing */
    memmove(out_buf, out_buf + out_off, out_len - out_off);
    out_len -= out_off;
    out_off = 0;
  }
  if (out_len + need > out_cap) {
    size_t cap = out_cap == 0 ? 65536 : out_cap;
    while (cap < out_len + need) cap *= 2;
    char *grown = realloc(out_buf, cap);
    if (grown == NULL) die("realloc");
    out_buf = grown;
    out_cap = cap;
  }
  char *p = out_buf + out_len;
  p[0] = type;
  wr32(p + 1, id);
  wr32(p + 5, len);
  if (len > 0) memcpy(p + 9, payload, len);
  out_len += need;
}

int out_flush(void) {
  while (out_off < out_len) {
    ssize_t n = write(STDOUT_FILENO, out_buf + out_off, out_len - out_off);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) {
      out_arm(1);
      return 0;
    }
    if (n < 0) return -1;
    out_off += (size_t)n;
  }
  out_off = out_len = 0;
  out_arm(0);
  return 0;
}

int out_over_limit(void) {
  return out_len - out_off > OUT_LIMIT;
}
