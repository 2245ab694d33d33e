/*
 * Wake-up stalls against resident memory: does this host make a process with more resident memory wake up late?
 *
 * The probe holds a region of the given size, touched in full, then sleeps 1 ms and reads 64 random pages of it,
 * again and again, and counts the wake-ups that came more than 1 ms and 2 ms late. Run it pinned to one CPU while
 * another CPU is busy (scripts/wake-stalls does both). No JVM is involved, so what it shows is the host's.
 *
 *   wake-stalls SECONDS MEBIBYTES [anon|file PATH]
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static long now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000L + t.tv_nsec;
}

int main(int argc, char **argv)
{
    if (argc < 3)
    {
        fprintf(stderr, "usage: %s SECONDS MEBIBYTES [anon|file PATH]\n", argv[0]);
        return 2;
    }
    const long seconds = atol(argv[1]);
    const long length = atol(argv[2]) << 20;
    const int fileBacked = argc > 4 && 0 == strcmp(argv[3], "file");

    char *region;
    if (fileBacked)
    {
        const int fd = open(argv[4], O_RDWR | O_CREAT | O_TRUNC, 0600);
        if (fd < 0 || ftruncate(fd, length) != 0)
        {
            perror(argv[4]);
            return 1;
        }
        region = mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    }
    else
    {
        region = mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    }
    if (MAP_FAILED == region)
    {
        perror("mmap");
        return 1;
    }
    memset(region, 1, length);

    volatile long sink = 0;
    long wakeUps = 0, lateOver1ms = 0, lateOver2ms = 0, worstNs = 0;
    const long pages = length / 4096;
    srand(1);
    const long startNs = now_ns();
    while (now_ns() - startNs < seconds * 1000000000L)
    {
        const long beforeNs = now_ns();
        usleep(1000);
        const long lateNs = now_ns() - beforeNs - 1000000L;
        for (int i = 0; i < 64; i++)
        {
            sink += region[(rand() % pages) * 4096L];
        }
        wakeUps++;
        lateOver1ms += lateNs > 1000000L;
        lateOver2ms += lateNs > 2000000L;
        worstNs = lateNs > worstNs ? lateNs : worstNs;
    }
    printf("%-5s %6ld MiB: %ld wake-ups in %ld s, late by over 1 ms %ld, over 2 ms %ld, worst %.1f ms\n",
        fileBacked ? "file" : "anon", length >> 20, wakeUps, seconds, lateOver1ms, lateOver2ms, worstNs / 1e6);
    return 0;
}
