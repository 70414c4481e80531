/*
 * import_target.c — the live process tests/os/import imports: it maps and
 * touches memory of a few kinds (4 KiB pages with holes between them, in
 * a small region and in one with more present ranges than the importer asks
 * the kernel for at once, a
 * 4 MiB region asking for transparent huge pages, a page made read-only,
 * and a hugetlbfs page when the kernel has one reserved), prints its pid and
 * their addresses, then sleeps until it is killed.
 */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS, madvise */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGE 4096u
#define SMALL_PAGES 16u
#define SPARSE_PAGES 2600u /* every other page touched: 1300 present ranges */
#define HUGE_BYTES (4u << 20)
#define TWO_MIB (2u << 20)

static void *map_anon(size_t len)
{
    void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

int main(void)
{
    /* every other page touched: present pages with not-present ones between */
    volatile char *small = map_anon(SMALL_PAGES * PAGE);
    /* over-allocated so a 2 MiB-aligned 4 MiB window fits inside */
    char *raw = map_anon(HUGE_BYTES + TWO_MIB);
    volatile char *ro = map_anon(PAGE);
    volatile char *sparse = map_anon(SPARSE_PAGES * PAGE);
    if (!small || !raw || !ro || !sparse) {
        perror("import_target: mmap");
        return 1;
    }
    for (unsigned i = 0; i < SMALL_PAGES; i += 2)
        small[i * PAGE] = (char)(i + 1);
    for (unsigned i = 0; i < SPARSE_PAGES; i += 2)
        sparse[i * PAGE] = 1;
    char *huge = (char *)(((uintptr_t)raw + TWO_MIB - 1) & ~(uintptr_t)(TWO_MIB - 1));
    /* the kernel may refuse (THP "never"): the test then skips its THP check */
    (void)madvise(huge, HUGE_BYTES, MADV_HUGEPAGE);
    memset(huge, 0x5a, HUGE_BYTES);
    ro[0] = 1;
    if (mprotect((void *)(uintptr_t)ro, PAGE, PROT_READ)) {
        perror("import_target: mprotect");
        return 1;
    }
    /* only with vm.nr_hugepages > 0 */
    void *hugetlb = mmap(NULL, TWO_MIB, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
    if (hugetlb != MAP_FAILED) {
        memset(hugetlb, 0x33, TWO_MIB);
        printf("hugetlb %#lx\n", (unsigned long)(uintptr_t)hugetlb);
    }
    printf("pid %d\nsmall %#lx %u\nsparse %#lx %u\nhuge %#lx %u\nro %#lx\nready\n",
           (int)getpid(), (unsigned long)(uintptr_t)small, SMALL_PAGES,
           (unsigned long)(uintptr_t)sparse, SPARSE_PAGES, (unsigned long)(uintptr_t)huge,
           HUGE_BYTES, (unsigned long)(uintptr_t)ro);
    fflush(stdout);
    for (;;)
        pause();
}
