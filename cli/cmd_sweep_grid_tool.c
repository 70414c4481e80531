/*
 * cmd_sweep_grid_tool.c — running a command-line tool (sbatch, squeue) for
 * `mmulab sweep --backend slurm` and catching what it prints on stdout and
 * stderr, so that its words can go into mmulab's one-line errors.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sweep_grid_run.h"

extern char **environ;

typedef struct {
    char *text;
    size_t len, cap;
} capture;

/* Appends what fd has; false at end of file (or on an error). Out of
 * memory it still reads, dropping the text, so the tool never blocks on a
 * full pipe. */
static bool drain(int fd, capture *c)
{
    char chunk[4096];
    ssize_t n = read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR)
        return true;
    if (n <= 0)
        return false;
    if (c->len + (size_t)n + 1 > c->cap) {
        size_t cap = c->cap ? c->cap : 8192;
        while (c->len + (size_t)n + 1 > cap)
            cap *= 2;
        char *grown = realloc(c->text, cap);
        if (!grown)
            return true;
        c->text = grown;
        c->cap = cap;
    }
    memcpy(c->text + c->len, chunk, (size_t)n);
    c->len += (size_t)n;
    c->text[c->len] = '\0';
    return true;
}

int sg_run_tool(char *const argv[], char **out, char **err)
{
    capture got[2] = {{0}, {0}};
    int pipes[2][2] = {{-1, -1}, {-1, -1}};
    int status = -1, saved = 0;
    posix_spawn_file_actions_t actions;
    bool actions_ready = false;
    pid_t pid;
    if (pipe(pipes[0]) || pipe(pipes[1]))
        goto done;
    if ((saved = posix_spawn_file_actions_init(&actions)))
        goto done;
    actions_ready = true;
    if ((saved = posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY,
                                                  0)) ||
        (saved = posix_spawn_file_actions_adddup2(&actions, pipes[0][1], STDOUT_FILENO)) ||
        (saved = posix_spawn_file_actions_adddup2(&actions, pipes[1][1], STDERR_FILENO)) ||
        (saved = posix_spawn_file_actions_addclose(&actions, pipes[0][0])) ||
        (saved = posix_spawn_file_actions_addclose(&actions, pipes[1][0])))
        goto done;
    if ((saved = posix_spawnp(&pid, argv[0], &actions, NULL, argv, environ)))
        goto done;
    close(pipes[0][1]);
    close(pipes[1][1]);
    pipes[0][1] = pipes[1][1] = -1;
    /* both at once, so a tool filling one pipe cannot block on the other */
    struct pollfd fds[2] = {{pipes[0][0], POLLIN, 0}, {pipes[1][0], POLLIN, 0}};
    while (fds[0].fd >= 0 || fds[1].fd >= 0) {
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        for (int k = 0; k < 2; k++)
            if (fds[k].fd >= 0 && fds[k].revents && !drain(fds[k].fd, &got[k]))
                fds[k].fd = -1;
    }
    int raw;
    while (waitpid(pid, &raw, 0) < 0)
        if (errno != EINTR) {
            saved = errno;
            goto done;
        }
    status = WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw);
done:
    if (!saved && status < 0)
        saved = errno;
    if (actions_ready)
        posix_spawn_file_actions_destroy(&actions);
    for (int k = 0; k < 2; k++)
        for (int e = 0; e < 2; e++)
            if (pipes[k][e] >= 0)
                close(pipes[k][e]);
    *out = got[0].text ? got[0].text : strdup("");
    *err = got[1].text ? got[1].text : strdup("");
    errno = saved;
    return status;
}
