/*
 * What a write fault on a shared file mapping costs on this host, against populating the same pages writable with
 * madvise(MADV_POPULATE_WRITE) (Linux 5.14 and later), as the journal's segment agent does (PagePopulator).
 *
 * Maps a 64 MiB file shared, then three rounds of: write to the first word of each page of one half (a fault a page)
 * and populate the other half a MiB a call; msync, which writes the pages back and write-protects them, and the same
 * again (a write-protect fault a page, against a populate). Prints microseconds a page. Round 0 also allocates the
 * file's blocks; the later rounds find the pages in the page cache. Run it pinned (scripts/page-fault-cost does).
 *
 *   page-fault-cost FILE
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

#define LENGTH (64UL << 20)
#define PAGE 4096UL
#define CALL (1UL << 20)

static double now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

static double touch_us_a_page(char *from, unsigned long length)
{
    const double start = now_ns();
    for (unsigned long at = 0; at < length; at += PAGE)
    {
        // a write access that changes nothing, as PageToucher's compare-and-set of 0 to 0: one fault, not two
        __sync_val_compare_and_swap((int *)(from + at), 0, 0);
    }
    return (now_ns() - start) / 1e3 / (length / PAGE);
}

static double populate_us_a_page(char *from, unsigned long length)
{
    const double start = now_ns();
    for (unsigned long at = 0; at < length; at += CALL)
    {
        if (madvise(from + at, CALL, MADV_POPULATE_WRITE) != 0)
        {
            perror("madvise(MADV_POPULATE_WRITE)");
            return -1;
        }
    }
    return (now_ns() - start) / 1e3 / (length / PAGE);
}

int main(int argc, char **argv)
{
    if (argc != 2)
    {
        fprintf(stderr, "usage: page-fault-cost FILE\n");
        return 2;
    }
    const int fd = open(argv[1], O_RDWR | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || ftruncate(fd, LENGTH) != 0)
    {
        perror(argv[1]);
        return 1;
    }
    const unsigned long half = LENGTH / 2;
    for (int round = 0; round < 3; round++)
    {
        char *map = mmap(NULL, LENGTH, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (map == MAP_FAILED)
        {
            perror("mmap");
            return 1;
        }
        const double fault = touch_us_a_page(map, half);
        const double populate = populate_us_a_page(map + half, half);
        msync(map, LENGTH, MS_SYNC);
        const double protectFault = touch_us_a_page(map, half);
        const double protectPopulate = populate_us_a_page(map + half, half);
        printf("round %d: first write %.1f us a page, populated %.1f; after msync %.1f, populated %.1f\n",
            round, fault, populate, protectFault, protectPopulate);
        munmap(map, LENGTH);
    }
    close(fd);
    unlink(argv[1]);
    return 0;
}
