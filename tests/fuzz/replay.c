/* replay.c -- runs a fuzz target's inputs without libFuzzer, in ordinary builds (tests) */

/* Linked with one fuzz_<target>.c as build/<variant>/fuzz/replay_<target>. Usage:
 *   replay_<target> [FILE|DIR]...    each FILE, and every file of each DIR (not below it);
 *                                    no argument: tests/fuzz/corpus/<target>/
 * Inputs run in name order. A failed check or a sanitizer report ends the run, naming the
 * input on stderr; otherwise the last line is "replay fuzz_<target>: N inputs ok". */
#include <dirent.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"

#if defined(__SANITIZE_ADDRESS__)
#define REPLAY_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(undefined_behavior_sanitizer)
#define REPLAY_SANITIZER 1
#endif
#endif
#ifdef REPLAY_SANITIZER
#include <sanitizer/common_interface_defs.h>
#endif

#define CORPUS_DIR "tests/fuzz/corpus/"

/* The input being run, for the crash report (set before each run, read by the handlers). */
static char current[4096];
static size_t current_len;

static void say_current(void)
{
    static const char head[] = "replay: the input that failed: ";
    ssize_t w = write(STDERR_FILENO, head, sizeof head - 1);
    w = write(STDERR_FILENO, current, current_len);
    w = write(STDERR_FILENO, "\n", 1);
    (void)w;
}

/* A failed check (abort) or a fault: name the input, then die of the same signal. */
static void on_signal(int sig)
{
    say_current();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void catch_crashes(void)
{
    static const int sigs[] = {SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        sigaction(sigs[i], &sa, NULL);
    }
#ifdef REPLAY_SANITIZER
    /* ASan and UBSan end the process with _exit after their report, not with a signal */
    __sanitizer_set_death_callback(say_current);
#endif
}

/* Reads the whole file into a buffer of exactly its size (so ASan sees any read past the
 * end, as under libFuzzer); NULL with a message on failure. */
static uint8_t *read_file(const char *name, size_t *size)
{
    FILE *f = fopen(name, "rb");
    if (!f) {
        perror(name);
        return NULL;
    }
    long len = fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
    uint8_t *buf =
        len >= 0 && fseek(f, 0, SEEK_SET) == 0 ? malloc(len > 0 ? (size_t)len : 1) : NULL;
    bool ok = buf && fread(buf, 1, (size_t)len, f) == (size_t)len;
    fclose(f);
    if (!ok) {
        fprintf(stderr, "%s: cannot read it\n", name);
        free(buf);
        return NULL;
    }
    *size = (size_t)len;
    return buf;
}

static bool run_file(const char *name)
{
    size_t size = 0;
    uint8_t *data = read_file(name, &size);
    if (!data)
        return false;
    snprintf(current, sizeof current, "%s", name);
    current_len = strlen(current);
    LLVMFuzzerTestOneInput(data, size);
    free(data);
    return true;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Runs every regular file of dir whose name does not start with '.', in name order; adds
 * them to *count. */
static bool run_dir(const char *dir, size_t *count)
{
    DIR *d = opendir(dir);
    if (!d) {
        perror(dir);
        return false;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    bool ok = true;
    const struct dirent *e;
    while (ok && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            size_t more = cap ? cap * 2 : 64;
            char **grown = realloc(names, more * sizeof *names);
            if (!grown) {
                ok = false;
                break;
            }
            names = grown;
            cap = more;
        }
        size_t len = strlen(dir) + 1 + strlen(e->d_name) + 1;
        char *path = malloc(len);
        if (!path) {
            ok = false;
            break;
        }
        snprintf(path, len, "%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
            free(path);
            continue;
        }
        names[n++] = path;
    }
    closedir(d);
    if (n > 0)
        qsort(names, n, sizeof *names, by_name);
    for (size_t i = 0; i < n; i++) {
        if (ok && run_file(names[i]))
            (*count)++;
        else
            ok = false;
        free(names[i]);
    }
    free(names);
    return ok;
}

static bool run_path(const char *path, size_t *count)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        perror(path);
        return false;
    }
    if (S_ISDIR(st.st_mode))
        return run_dir(path, count);
    if (!run_file(path))
        return false;
    (*count)++;
    return true;
}

int main(int argc, char **argv)
{
    /* the target's name from ours: replay_service runs fuzz_service */
    const char *self = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
    const char *target = strncmp(self, "replay_", 7) == 0 ? self + 7 : self;
    catch_crashes();
    LLVMFuzzerInitialize(&argc, &argv);

    size_t count = 0;
    bool ok = true;
    if (argc < 2) {
        char dir[256];
        snprintf(dir, sizeof dir, CORPUS_DIR "%s", target);
        ok = run_dir(dir, &count);
        if (ok && count == 0) {
            fprintf(stderr, "replay fuzz_%s: no inputs in %s\n", target, dir);
            ok = false;
        }
    }
    for (int i = 1; i < argc && ok; i++)
        ok = run_path(argv[i], &count);
    if (!ok)
        return EXIT_FAILURE;
    printf("replay fuzz_%s: %zu inputs ok\n", target, count);
    return EXIT_SUCCESS;
}
