/*
 * fork-helper: starts the function process for each request of the watchdog's streaming and serializing modes.
 *
 * Why it exists: Node's child_process.spawn fork()s the whole watchdog and waits for exec synchronously, which blocks
 * the event loop for milliseconds per request. This process is tiny and static, so its fork() is cheap and it never
 * waits for an exec; it gives the child the watchdog's own unix-socket connection as stdin and stdout, so request
 * and response bytes never pass through here.
 *
 *   fork-helper <socket-path> <command> [args...]   started once by the watchdog, environment = the function's base
 *
 * The command is fixed at start: whoever can reach the socket can only run fprocess with other Http_* variables.
 * Protocol (integers are little-endian u32):
 *   request connection, watchdog -> helper: len, id, count, then `count` "NAME=value\0" strings (len counts the bytes
 *     after itself), then the request body and a half-close. Only the header is read here while the process runs.
 *     Once it has exited (and been reported), whatever body it left unread is read and discarded up to the watchdog's
 *     half-close, and only then is the helper's copy of the connection closed. Closing a unix socket with unread data
 *     would reset the watchdog's end (ECONNRESET / EPIPE on its pending body write), and Node then destroys the
 *     socket, possibly before it read the output already queued on it: the response would come back empty.
 *   stdin, watchdog -> helper: lines "k <id>\n" (SIGKILL that request's process). EOF: kill everything and exit.
 *   stdout, helper -> watchdog: frames type(u8) id len payload. 'R' ready, 'E' stderr bytes of id, 'X' id exited
 *     (payload i32: exit code, or -signal), 'F' id could not be started (payload: error text).
 * Every complete header gets exactly one 'X' or 'F'; its stderr frames come before it.
 *
 * This file: the slot table, the epoll loop, accepting, stderr forwarding, reaping (SIGCHLD via signalfd) and the
 * control channel. fork-helper-start.c turns a connection into a process; fork-helper-io.c has the report buffer.
 */
#define _GNU_SOURCE
#include "fork-helper.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/close_range.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

struct slot slots[MAX_SLOTS];
int epfd;
char **fn_argv;
static int listen_fd, sig_fd, listen_paused;
static const char *socket_path;
static int paused_count; /* running slots whose stderr is not watched until the report buffer drains */

void watch(int op, int fd, uint32_t events, uint32_t kind, uint32_t index) {
  struct epoll_event ev = {.events = events, .data.u64 = ((uint64_t)kind << 32) | index};
  if (epoll_ctl(epfd, op, fd, &ev) < 0) die("epoll_ctl");
}

/* A free slot means one more connection may be accepted, so resume listening if we had stopped. */
void free_slot(struct slot *s) {
  if (s->paused) paused_count--;
  if (s->conn >= 0) close(s->conn);
  if (s->errfd >= 0) close(s->errfd);
  if (s->execfd >= 0) close(s->execfd);
  free(s->hdr);
  memset(s, 0, sizeof *s); /* also clears `paused` */
  s->conn = s->errfd = s->execfd = -1;
  if (listen_paused) {
    listen_paused = 0;
    watch(EPOLL_CTL_ADD, listen_fd, EPOLLIN, KIND_LISTEN, 0);
  }
}

/* Forwards what the pipe holds. `at_exit`: the process is gone, so read what it left (at most a pipe's worth)
   whatever the limit; otherwise stop at the report-buffer limit and let the child block on its full pipe. */
static void pump_stderr(struct slot *s, int at_exit) {
  char buf[16384];
  while (s->errfd >= 0) {
    if (!at_exit && out_over_limit()) {
      if (!s->paused) {
        s->paused = 1;
        paused_count++;
        watch(EPOLL_CTL_DEL, s->errfd, 0, 0, 0);
      }
      return;
    }
    ssize_t n = read(s->errfd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return;
    if (n <= 0) {
      close(s->errfd); /* EOF (or error): closing also removes it from epoll */
      s->errfd = -1;
      return;
    }
    out_frame('E', s->id, buf, (uint32_t)n);
  }
}

/* The watchdog caught up with the reports: watch the paused stderr pipes again. */
static void resume_stderr(void) {
  for (int i = 0; i < MAX_SLOTS; i++) {
    struct slot *s = &slots[i];
    if (!s->paused) continue;
    s->paused = 0;
    paused_count--;
    watch(EPOLL_CTL_ADD, s->errfd, EPOLLIN, KIND_STDERR, (uint32_t)i);
  }
}

static void accept_all(void) {
  for (;;) {
    struct slot *s = NULL;
    for (int i = 0; i < MAX_SLOTS && s == NULL; i++)
      if (slots[i].state == SLOT_FREE) s = &slots[i];
    if (s == NULL) { /* full: leave new connections in the backlog until a process exits */
      listen_paused = 1;
      watch(EPOLL_CTL_DEL, listen_fd, 0, 0, 0);
      return;
    }
    int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (errno != EAGAIN) perror("fork-helper: accept4");
      return;
    }
    s->state = SLOT_HEADER;
    s->conn = fd;
    watch(EPOLL_CTL_ADD, fd, EPOLLIN, KIND_CONN, (uint32_t)(s - slots));
    read_header(s); /* usually the header is already there: skip one epoll round trip */
  }
}

/* Reads and discards what the watchdog sent that the exited process never read, until the watchdog's half-close (or
   its reset, or any error); then frees the slot, whose close is the helper's last hold on the connection. */
static void drain_input(struct slot *s) {
  static char buf[65536];
  for (;;) {
    ssize_t n = recv(s->conn, buf, sizeof buf, MSG_DONTWAIT); /* the open file is blocking: the process shares it */
    if (n > 0) continue;
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    /* Explicitly: a lingering grandchild may still hold the connection, and epoll only forgets a registration
       when every descriptor of the open file is closed. */
    watch(EPOLL_CTL_DEL, s->conn, 0, 0, 0);
    free_slot(s);
    return;
  }
}

/* The process is gone: release its pipes and drain its connection. The report is already queued. */
static void start_drain(struct slot *s) {
  if (s->paused) {
    s->paused = 0;
    paused_count--;
  }
  if (s->errfd >= 0) close(s->errfd);
  if (s->execfd >= 0) close(s->execfd);
  s->errfd = s->execfd = -1;
  if (s->conn < 0) {
    free_slot(s);
    return;
  }
  s->state = SLOT_DRAINING;
  watch(EPOLL_CTL_ADD, s->conn, EPOLLIN | EPOLLRDHUP, KIND_DRAIN, (uint32_t)(s - slots));
  drain_input(s);
}

static void reap_children(void) {
  struct signalfd_siginfo info;
  while (read(sig_fd, &info, sizeof info) > 0) {
  } /* drain: SIGCHLDs coalesce, so the waitpid loop below is what counts */
  int status;
  pid_t pid;
  while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
    for (int i = 0; i < MAX_SLOTS; i++) {
      struct slot *s = &slots[i];
      if (s->state != SLOT_RUNNING || s->pid != pid) continue;
      pump_stderr(s, 1); /* what the process wrote before exiting is already in the pipe */
      int exec_errno;
      if (read(s->execfd, &exec_errno, sizeof exec_errno) == (ssize_t)sizeof exec_errno) {
        report_failure(s->id, exec_errno); /* it never became the function */
      } else {
        int32_t code = WIFSIGNALED(status) ? -WTERMSIG(status) : WEXITSTATUS(status);
        char payload[4];
        wr32(payload, (uint32_t)code);
        out_frame('X', s->id, payload, 4);
      }
      start_drain(s); /* closes the stderr pipe: a lingering grandchild's later stderr is not logged */
      break;
    }
  }
}

static void kill_all_and_exit(void) {
  for (int i = 0; i < MAX_SLOTS; i++)
    if (slots[i].state == SLOT_RUNNING) kill(slots[i].pid, SIGKILL);
  unlink(socket_path);
  exit(0);
}

static void on_control_line(const char *line) {
  uint32_t id;
  if (sscanf(line, "k %u", &id) != 1) return;
  for (int i = 0; i < MAX_SLOTS; i++)
    if (slots[i].state == SLOT_RUNNING && slots[i].id == id) {
      kill(slots[i].pid, SIGKILL);
      return;
    }
  remember_early_kill(id);
}

static void read_control(void) {
  static char line[64];
  static size_t used;
  char buf[4096];
  for (;;) {
    ssize_t n = read(STDIN_FILENO, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return;
    if (n <= 0) kill_all_and_exit(); /* the watchdog is gone: nobody will read the output */
    for (ssize_t i = 0; i < n; i++) {
      if (buf[i] == '\n') {
        line[used] = '\0';
        on_control_line(line);
        used = 0;
      } else if (used < sizeof line - 1) {
        line[used++] = buf[i];
      }
    }
  }
}

static void setup(const char *path) {
  /* Descriptors the watchdog's own parent leaked to us must not reach every function process. */
  close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
  signal(SIGPIPE, SIG_IGN); /* a vanished watchdog is seen as EPIPE on stdout / EOF on stdin, not a signal */
  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  if (sigprocmask(SIG_BLOCK, &chld, NULL) < 0) die("sigprocmask");
  if ((sig_fd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK)) < 0) die("signalfd");
  if ((epfd = epoll_create1(EPOLL_CLOEXEC)) < 0) die("epoll_create1");

  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  if (strlen(path) >= sizeof addr.sun_path) die("socket path too long");
  strcpy(addr.sun_path, path);
  unlink(path); /* a helper that was SIGKILLed left its socket behind; the directory is the watchdog's own */
  listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (listen_fd < 0 || bind(listen_fd, (struct sockaddr *)&addr, sizeof addr) < 0) die("bind");
  if (listen(listen_fd, 1024) < 0) die("listen");

  set_nonblocking(STDIN_FILENO, 1);
  out_init(epfd, (uint64_t)KIND_OUT << 32);
  watch(EPOLL_CTL_ADD, listen_fd, EPOLLIN, KIND_LISTEN, 0);
  watch(EPOLL_CTL_ADD, sig_fd, EPOLLIN, KIND_SIGNAL, 0);
  watch(EPOLL_CTL_ADD, STDIN_FILENO, EPOLLIN, KIND_CONTROL, 0);
  for (int i = 0; i < MAX_SLOTS; i++) slots[i].conn = slots[i].errfd = slots[i].execfd = -1;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: fork-helper <socket-path> <command> [args...]\n");
    return 2;
  }
  socket_path = argv[1];
  fn_argv = argv + 2;
  setup(socket_path);
  out_frame('R', 0, NULL, 0);
  struct epoll_event evs[64];
  for (;;) {
    if (out_flush() < 0) kill_all_and_exit(); /* EPIPE: the watchdog is gone */
    if (paused_count > 0 && !out_over_limit()) resume_stderr();
    int n = epoll_wait(epfd, evs, 64, -1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) die("epoll_wait");
    for (int i = 0; i < n; i++) {
      uint32_t kind = (uint32_t)(evs[i].data.u64 >> 32), index = (uint32_t)evs[i].data.u64;
      struct slot *s = &slots[index];
      if (kind == KIND_LISTEN) accept_all();
      else if (kind == KIND_SIGNAL) reap_children();
      else if (kind == KIND_CONTROL) read_control();
      else if (kind == KIND_CONN && s->state == SLOT_HEADER) read_header(s);
      else if (kind == KIND_STDERR && s->state == SLOT_RUNNING) pump_stderr(s, 0);
      else if (kind == KIND_DRAIN && s->state == SLOT_DRAINING) drain_input(s);
    }
  }
}
