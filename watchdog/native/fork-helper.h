/* Shared declarations of the fork helper: the slot table entry, limits, and the I/O utilities in fork-helper-io.c. */
#ifndef FORK_HELPER_H
#define FORK_HELPER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define MAX_SLOTS 1024            /* concurrent requests (header being read + running); more wait in the backlog */
#define MAX_HEADER (256 * 1024)   /* Node caps request headers far below this */
#define EARLY_KILLS 64            /* remembered kills for ids whose header has not arrived yet */
#define OUT_LIMIT (1024 * 1024)   /* buffered reports before stderr reading pauses */

enum { KIND_LISTEN = 1, KIND_SIGNAL, KIND_CONTROL, KIND_OUT, KIND_CONN, KIND_STDERR, KIND_DRAIN };
/* SLOT_DRAINING: the process has exited and been reported; its connection is kept until the watchdog's half-close,
   reading and discarding the body it never read (see drain_input in fork-helper.c). */
enum { SLOT_FREE = 0, SLOT_HEADER, SLOT_RUNNING, SLOT_DRAINING };

/* One request: its connection (kept until the body is drained), then also its process and stderr pipe. */
struct slot {
  int state;
  uint32_t id;
  int conn;      /* connection fd (a copy of the process's stdin/stdout) until the body is drained, else -1 */
  int errfd;     /* read end of the process's stderr pipe while open, else -1 */
  int execfd;    /* read end of the exec-failure pipe: an errno arrives here if exec failed, else -1 */
  pid_t pid;
  int paused;    /* stderr not watched (backpressure) */
  unsigned char lenbuf[4];
  uint32_t len;  /* header length after the length field */
  size_t got;    /* header bytes read so far, length field included */
  char *hdr;
};

/* fork-helper.c: the slot table and event loop */
extern struct slot slots[MAX_SLOTS];
extern int epfd;
extern char **fn_argv; /* fprocess, fixed at start */
void watch(int op, int fd, uint32_t events, uint32_t kind, uint32_t index);
void free_slot(struct slot *s);

/* fork-helper-start.c: from accepted connection to running process */
void read_header(struct slot *s); /* spawns once the header is complete */
void report_failure(uint32_t id, int err);
void remember_early_kill(uint32_t id);

/* fork-helper-io.c */
__attribute__((noreturn)) void die(const char *what);
uint32_t rd32(const char *p);
void wr32(char *p, uint32_t v);
void set_nonblocking(int fd, int on);
/* envp = the `count` NAME=value strings in [strings, strings+size) plus `base` minus the names they override.
   NULL when the strings are malformed. The array must be freed; its strings are borrowed. */
char **build_env(const char *strings, size_t size, uint32_t count, char **base);

/* Report frames to the watchdog over stdout, buffered so a slow reader never blocks the helper. */
void out_init(int epfd, uint64_t epoll_tag);
void out_frame(char type, uint32_t id, const void *payload, uint32_t len);
int out_flush(void); /* -1: the watchdog is gone */
int out_over_limit(void);

#endif
