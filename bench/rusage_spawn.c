/* rusage_spawn COMMAND [ARG...]: runs COMMAND and prints, on its own last line of stderr,
 * "rusage_spawn <exit code> <user us> <system us> <peak resident KiB>" of that child alone.
 *
 * Why not Python's os.wait4: a child's ru_maxrss includes the resident size of the process it was
 * started from, up to its exec (the kernel keeps the old memory's high-water mark across exec), so a
 * child of Python reads Python's 14-16 MiB however little it uses. This spawner is a few hundred KiB
 * when it forks, below any NEURON's peak, so the figure is the command's own. Built by bench/packages.py. */
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char** argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: rusage_spawn COMMAND [ARG...]\n");
        return 2;
    }
    pid_t pid = fork();
    if (pid < 0) {
        perror("rusage_spawn: fork");
        return 2;
    }
    if (pid == 0) {
        execvp(argv[1], argv + 1);
        perror(argv[1]);
        _exit(127);
    }
    int status = 0;
    struct rusage usage;
    if (wait4(pid, &status, 0, &usage) < 0) {
        perror("rusage_spawn: wait4");
        return 2;
    }
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    /* On a line of its own, whether or not the command ended its last line. */
    fprintf(stderr, "\nrusage_spawn %d %ld %ld %ld\n", code,
            (long)usage.ru_utime.tv_sec * 1000000L + (long)usage.ru_utime.tv_usec,
            (long)usage.ru_stime.tv_sec * 1000000L + (long)usage.ru_stime.tv_usec, usage.ru_maxrss);
    return code;
}
