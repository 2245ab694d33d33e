/*
 * Open-loop load for the relay (Relay.java): CONNECTIONS loopback connections, RATE 40-byte frames a second in all,
 * round robin, for SECONDS; every connection is drained of whatever comes back, without blocking.
 *
 *   relay-load PORT CONNECTIONS RATE SECONDS
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define FRAME 40

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc < 5)
    {
        fprintf(stderr, "usage: %s PORT CONNECTIONS RATE SECONDS\n", argv[0]);
        return 2;
    }
    int connections = atoi(argv[2]), one = 1;
    double rate = atof(argv[3]), seconds = atof(argv[4]);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[1])),
        .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int *sockets = malloc(connections * sizeof(int));
    for (int i = 0; i < connections; i++)
    {
        sockets[i] = socket(AF_INET, SOCK_STREAM, 0);
        if (connect(sockets[i], (void *)&address, sizeof address))
        {
            perror("connect");
            return 1;
        }
        setsockopt(sockets[i], IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        usleep(200);
    }
    sleep(1);

    char frame[FRAME], buf[65536];
    memset(frame, 1, sizeof frame);
    long sent = 0, received = 0;
    int next = 0;
    double start = now_s(), end = start + seconds;
    for (double t = start; t < end; t = now_s())
    {
        for (long due = (long)((t - start) * rate); sent < due; sent++)
        {
            if (write(sockets[next], frame, FRAME) != FRAME)
            {
                perror("write");
                return 1;
            }
            next = (next + 1) % connections;
        }
        for (int i = 0; i < connections; i++)
        {
            ssize_t n;
            while ((n = recv(sockets[i], buf, sizeof buf, MSG_DONTWAIT)) > 0)
            {
                received += n;
            }
        }
    }
    printf("sent %ld frames, received %.2f frames for each\n", sent, received / (double)FRAME / sent);
    return 0;
}
