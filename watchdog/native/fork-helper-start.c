/* Starting one request's process: read its header without touching the body, then fork and exec fprocess. */
#define _GNU_SOURCE
#include "fork-helper.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

extern char **environ;

static uint32_t early_kills[EARLY_KILLS]; /* ids killed before their header arrived; ids only grow, so no reuse */
static unsigned early_kill_next;

void remember_early_kill(uint32_t id) {
  early_kills[early_kill_next++ % EARLY_KILLS] = id;
}

static int killed_early(uint32_t id) {
  for (unsigned i = 0; i < EARLY_KILLS; i++)
    if (early_kills[i] == id) return 1;
  return 0;
}

void report_failure(uint32_t id, int err) {
  const char *text = strerror(err);
  out_frame('F', id, text, (uint32_t)strlen(text));
}

/* In the child, between fork and exec: plain system calls only. An exec failure's errno goes up `execerr`. */
__attribute__((noreturn)) static void exec_child(int conn, int errw, int execerr, char **envp) {
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL); /* we block SIGCHLD and ignore SIGPIPE; the function must start with neither */
  signal(SIGPIPE, SIG_DFL);
  if (dup2(conn, 0) < 0 || dup2(conn, 1) < 0 || dup2(errw, 2) < 0) _exit(127); /* dup2 clears O_CLOEXEC */
  execvpe(fn_argv[0], fn_argv, envp);
  int err = errno;
  while (write(execerr, &err, sizeof err) < 0 && errno == EINTR) {
  }
  _exit(127);
}

/* fork(), not posix_spawn(): glibc's posix_spawn is a vfork that holds the helper until the child has exec'd
   (measured ~0.5 ms here), which serialises every start. Forking this ~1 MiB static process costs ~0.1 ms, and the
   exec then runs on another core while the helper serves the next request. */
static void spawn_slot(struct slot *s) {
  uint32_t count = rd32(s->hdr + 4);
  s->id = rd32(s->hdr);
  char **envp = build_env(s->hdr + 8, s->len - 8, count, environ);
  int errpipe[2] = {-1, -1}, execpipe[2] = {-1, -1};
  int rc = envp == NULL ? EINVAL : 0;
  if (rc == 0 && (pipe2(errpipe, O_CLOEXEC) < 0 || pipe2(execpipe, O_CLOEXEC) < 0)) rc = errno;
  if (rc == 0) {
    /* Non-blocking is a property of the open file, shared with the child: only our read ends get it, and the
       connection goes back to blocking because the function reads and writes it with plain blocking calls. */
    set_nonblocking(errpipe[0], 1);
    set_nonblocking(execpipe[0], 1);
    set_nonblocking(s->conn, 0);
    s->pid = fork();
    if (s->pid == 0) exec_child(s->conn, errpipe[1], execpipe[1], envp);
    if (s->pid < 0) rc = errno;
  }
  if (errpipe[1] >= 0) close(errpipe[1]);
  if (execpipe[1] >= 0) close(execpipe[1]);
  free(envp);
  free(s->hdr);
  s->hdr = NULL;
  /* On success our copy of the connection stays open (never read while the process runs): when the process exits
     without reading all of its stdin, it is what lets us drain the rest instead of resetting the watchdog's end. */
  if (rc != 0) {
    report_failure(s->id, rc);
    if (errpipe[0] >= 0) close(errpipe[0]);
    if (execpipe[0] >= 0) close(execpipe[0]);
    free_slot(s);
    return;
  }
  s->state = SLOT_RUNNING;
  s->errfd = errpipe[0];
  s->execfd = execpipe[0];
  watch(EPOLL_CTL_ADD, s->errfd, EPOLLIN, KIND_STDERR, (uint32_t)(s - slots));
  if (killed_early(s->id)) kill(s->pid, SIGKILL);
}

/* Reads exactly the header, in as many non-blocking steps as it takes, and never a byte of the body. */
void read_header(struct slot *s) {
  for (;;) {
    unsigned char *dst = s->got < 4 ? s->lenbuf + s->got : (unsigned char *)s->hdr + (s->got - 4);
    size_t want = s->got < 4 ? 4 - s->got : s->len - (s->got - 4);
    if (want == 0) break;
    ssize_t n = read(s->conn, dst, want);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return;
    if (n <= 0) { /* the watchdog gave up before sending a header: nobody waits for a report */
      free_slot(s);
      return;
    }
    s->got += (size_t)n;
    if (s->got == 4) {
      s->len = rd32((char *)s->lenbuf);
      s->hdr = s->len >= 8 && s->len <= MAX_HEADER ? malloc(s->len) : NULL;
      if (s->hdr == NULL) {
        free_slot(s);
        return;
      }
    }
  }
  watch(EPOLL_CTL_DEL, s->conn, 0, 0, 0);
  spawn_slot(s);
}

