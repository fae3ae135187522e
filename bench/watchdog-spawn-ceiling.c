/*
 * Benchmark helper for bench/watchdog.mjs, not product code: how many times per second this machine can start
 * `argv[2]` with stdin from /dev/null, keeping argv[1] processes in flight, for argv[3] seconds. No HTTP, no
 * watchdog: the ceiling for any fork-per-request mode running that command here.
 *   watchdog-spawn-ceiling <in-flight> <command> <seconds>
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  if (argc < 4) return 2;
  int limit = atoi(argv[1]), live = 0;
  double seconds = atof(argv[3]), start = now();
  long started = 0;
  char *child_argv[] = {argv[2], NULL};
  while (now() - start < seconds) {
    pid_t pid = fork(); /* as the fork helper does: a tiny process forks cheaply */
    if (pid == 0) {
      int fd = open("/dev/null", O_RDONLY);
      dup2(fd, 0);
      dup2(fd, 1);
      execve(argv[2], child_argv, environ);
      _exit(127);
    }
    if (pid > 0) started++, live++;
    int status;
    while (live >= limit && waitpid(-1, &status, 0) > 0) live--;
    while (live > 0 && waitpid(-1, &status, WNOHANG) > 0) live--;
  }
  while (waitpid(-1, NULL, 0) > 0) {
  }
  printf("%.1f\n", (double)started / (now() - start));
  return 0;
}
