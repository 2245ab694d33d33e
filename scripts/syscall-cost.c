/*
 * What a system call costs on this host, and what batching socket writes through io_uring saves.
 *
 * Times, in the calling thread's CPU: a trivial call (getppid), epoll_wait with a zero timeout over 16 idle sockets,
 * a 40-byte write to a loopback TCP socket (one call a frame, round robin over 16 connections, a reader on another
 * CPU draining them), and the same writes submitted through io_uring 1, 2, 4, 8 and 16 at a time. On loopback a
 * write also runs the receiver's TCP input, so its cost is the server's whole cost of sending a small frame.
 * The writer is pinned to WRITER_CPU, the reader to READER_CPU (scripts/syscall-cost sets both).
 *
 *   syscall-cost CALLS WRITER_CPU READER_CPU
 */
#define _GNU_SOURCE
#include <liburing.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define SOCKETS 16
#define FRAME 40

static int writers[SOCKETS];
static int readers[SOCKETS];
static volatile int done;
static int reader_cpu;

static double thread_cpu_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

static void pin(int cpu)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    sched_setaffinity(0, sizeof set, &set);
}

static void *drain(void *unused)
{
    char buf[65536];
    pin(reader_cpu);
    while (!done)
    {
        for (int i = 0; i < SOCKETS; i++)
        {
            while (recv(readers[i], buf, sizeof buf, MSG_DONTWAIT) > 0)
            {
            }
        }
    }
    return unused;
}

static void connect_pairs(void)
{
    int one = 1;
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t length = sizeof address;
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    if (bind(listener, (void *)&address, sizeof address) || getsockname(listener, (void *)&address, &length) ||
        listen(listener, SOCKETS))
    {
        perror("listen");
        exit(1);
    }
    for (int i = 0; i < SOCKETS; i++)
    {
        writers[i] = socket(AF_INET, SOCK_STREAM, 0);
        if (connect(writers[i], (void *)&address, sizeof address))
        {
            perror("connect");
            exit(1);
        }
        readers[i] = accept(listener, NULL, NULL);
        setsockopt(writers[i], IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
}

static void report(const char *what, double start_ns, int calls)
{
    printf("%-26s %6.2f us a call or frame\n", what, (thread_cpu_ns() - start_ns) / calls / 1e3);
}

int main(int argc, char **argv)
{
    if (argc < 4)
    {
        fprintf(stderr, "usage: %s CALLS WRITER_CPU READER_CPU\n", argv[0]);
        return 2;
    }
    int calls = atoi(argv[1]);
    reader_cpu = atoi(argv[3]);
    connect_pairs();
    pthread_t reader;
    pthread_create(&reader, NULL, drain, NULL);
    pin(atoi(argv[2]));

    double start = thread_cpu_ns();
    for (int i = 0; i < calls; i++)
    {
        syscall(SYS_getppid);
    }
    report("getppid", start, calls);

    int epoll = epoll_create1(0);
    struct epoll_event event = {.events = EPOLLIN}, ready[64];
    for (int i = 0; i < SOCKETS; i++)
    {
        event.data.fd = writers[i];
        epoll_ctl(epoll, EPOLL_CTL_ADD, writers[i], &event);
    }
    start = thread_cpu_ns();
    for (int i = 0; i < calls; i++)
    {
        epoll_wait(epoll, ready, 64, 0);
    }
    report("epoll_wait, timeout 0", start, calls);

    char frame[FRAME];
    memset(frame, 7, sizeof frame);
    start = thread_cpu_ns();
    for (int i = 0; i < calls; i++)
    {
        if (write(writers[i % SOCKETS], frame, FRAME) != FRAME)
        {
            perror("write");
            return 1;
        }
    }
    report("write, 40 B", start, calls);

    struct io_uring ring;
    if (io_uring_queue_init(64, &ring, 0))
    {
        fprintf(stderr, "io_uring is not available here\n");
        return 1;
    }
    for (int batch = 1; batch <= SOCKETS; batch *= 2)
    {
        char label[32];
        start = thread_cpu_ns();
        for (int sent = 0; sent < calls; sent += batch)
        {
            for (int k = 0; k < batch; k++)
            {
                io_uring_prep_send(io_uring_get_sqe(&ring), writers[k], frame, FRAME, 0);
            }
            io_uring_submit_and_wait(&ring, batch);
            struct io_uring_cqe *completion;
            unsigned head, seen = 0;
            io_uring_for_each_cqe(&ring, head, completion)
            {
                if (completion->res != FRAME)
                {
                    fprintf(stderr, "send: %d\n", completion->res);
                    return 1;
                }
                seen++;
            }
            io_uring_cq_advance(&ring, seen);
        }
        snprintf(label, sizeof label, "io_uring send, %d a call", batch);
        report(label, start, calls);
    }
    io_uring_queue_exit(&ring);
    done = 1;
    pthread_join(reader, NULL);
    return 0;
}
