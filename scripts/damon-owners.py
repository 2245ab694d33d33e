#!/usr/bin/env python3
"""Whose pages keep the host's DAMON monitor busy: each region of one aggregation, attributed to the processes and
mappings whose resident pages lie in it.

DAMON (physical-address mode) samples one page per region every sampling interval; a sample that finds the page
accessed clears its accessed bit, the dear step on a paravirtualised MMU (docs/performance.md, fourteenth and
nineteenth passes). A region's count of accesses in an aggregation is how many of its samples did so. A process whose
accessed pages sit in a region takes the share of those samples its pages make of the region: the figure printed as
"young samples". Pages of no listed process (the kernel's own: socket buffers, slab, page tables) are "(other)".

    damon-owners.py REGIONS LABEL=PID [LABEL=PID ...]

REGIONS is the text of the damon:damon_aggregated tracepoint for at least two aggregations (scripts/damon-owners
records it); the last complete one is used. Reading /proc/PID/pagemap's frame numbers needs root. A file page mapped by
two listed processes (a shared library) is counted to the last of them.
"""
import bisect
import collections
import re
import struct
import sys

PAGE = 4096
PRESENT = 1 << 63
PFN_MASK = (1 << 55) - 1


def last_complete_aggregation(path):
    passes, current, last_start = [], [], -1
    for line in open(path):
        match = re.search(r'(\d+)-(\d+): (\d+) (\d+)', line)
        if not match:
            continue
        start, end, accesses = int(match.group(1)), int(match.group(2)), int(match.group(3))
        if start < last_start:
            passes.append(current)
            current = []
        current.append((start, end, accesses))
        last_start = start
    return passes[-1] if passes else current


def page_owners(label, pid, owners):
    with open(f'/proc/{pid}/maps') as maps, open(f'/proc/{pid}/pagemap', 'rb', 0) as pagemap:
        for line in maps:
            fields = line.split()
            start, end = (int(x, 16) for x in fields[0].split('-'))
            name = fields[5] if len(fields) > 5 else ''
            if name == '[vsyscall]':
                continue
            if name.startswith('/'):
                name = name.rsplit('/', 1)[-1]
            elif not name:
                name = f'[anon {(end - start) >> 20} MiB at {start:x}]'
            owner = f'{label}: {name}'
            for page in range(start // PAGE, end // PAGE, 4096):
                count = min(4096, end // PAGE - page)
                try:
                    pagemap.seek(page * 8)
                    entries = pagemap.read(count * 8)
                except OSError:
                    break
                for (entry,) in struct.iter_unpack('<Q', entries):
                    if entry & PRESENT and entry & PFN_MASK:
                        owners[(entry & PFN_MASK) * PAGE] = owner


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    regions = last_complete_aggregation(sys.argv[1])
    owners = {}
    for argument in sys.argv[2:]:
        label, pid = argument.split('=')
        page_owners(label, pid, owners)
    addresses = sorted(owners)

    young = collections.Counter()
    pages = collections.Counter()
    for start, end, accesses in regions:
        size = (end - start) // PAGE
        inside = collections.Counter(
            owners[addresses[i]] for i in range(bisect.bisect_left(addresses, start), bisect.bisect_left(addresses, end)))
        pages.update(inside)
        if accesses:
            for owner, count in inside.items():
                young[owner] += accesses * count / size
            young['(other)'] += accesses * (size - sum(inside.values())) / size

    print(f'{len(regions)} regions, {sum(1 for r in regions if r[2])} accessed, '
          f'{sum(r[2] for r in regions)} accessed samples in the aggregation')
    for owner, samples in young.most_common(20):
        print(f'{samples:8.2f} young samples {pages[owner]:>9} resident pages  {owner}')


if __name__ == '__main__':
    main()
