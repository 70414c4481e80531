/*
 * aligned_workload.c — a small freestanding x86-64 Linux program (no libc,
 * static, not PIE) that the cachegrind cross-check (docs/validation.md) runs
 * under Valgrind. Every dynamically linked program on Debian executes
 * instructions in ld.so that straddle a page boundary, and glibc's string
 * functions make straddling data accesses; this program makes none: each
 * function is far smaller than a page and none spans a page boundary (the
 * test asserts the trace has no crossing), and every data access is a
 * naturally aligned 1-, 4- or 8-byte word. Its stream is therefore one the
 * MMU model and cachegrind must count identically.
 *
 * The work is real and varied, so the TLBs see sequential, strided and
 * random page streams over ~860 data pages: a sieve of Eratosthenes, a
 * pointer chase around one random cycle (Sattolo's algorithm), an
 * open-addressing hash table, and ten checksum kernels applied to the sieve
 * in a data-dependent order. Each kernel starts on its own 64 KiB boundary,
 * so all ten sit in one set of any ITLB with at most 16 sets and the
 * instruction stream exercises replacement, not only cold misses. The
 * program prints its results, so a broken build shows up as wrong numbers,
 * not only as different miss counts.
 */
#include <stddef.h>
#include <stdint.h>

#define SIEVE_BYTES (1u << 17)          /* odd numbers below 256 Ki: 32 pages */
#define CHASE_LINES (3u << 14)          /* one 8-byte link per 64-byte line: 768 pages */
#define CHASE_STEPS 60000u
#define TABLE_SLOTS (1u << 15)          /* 256 KiB of 8-byte keys: 64 pages */
#define TABLE_INSERTS 20000u
#define KERNEL_BLOCK 64u                /* bytes of the sieve per kernel call */
#define KERNEL_CALLS 3000u
#define KERNEL_COUNT 10u
#define PAGE_ALIGNED __attribute__((aligned(4096)))
/* 64 KiB apart: 16 pages, a multiple of the set count of the ITLB */
#define OWN_CODE_PAGE __attribute__((noinline, aligned(65536)))

static uint8_t composite[SIEVE_BYTES] PAGE_ALIGNED;
static uint64_t chase_next[CHASE_LINES * 8] PAGE_ALIGNED; /* link of line i at [8i] */
static uint64_t table_keys[TABLE_SLOTS] PAGE_ALIGNED;

/* Process entry: the kernel leaves rsp 16-byte aligned; a C function
 * expects it 8 past that, which the call restores. */
__asm__(".text\n"
        ".globl _start\n"
        "_start:\n"
        "    xor %ebp, %ebp\n"
        "    and $-16, %rsp\n"
        "    call workload_main\n"
        "    ud2\n");

static long raw_syscall3(long number, long a0, long a1, long a2)
{
    long ret;
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "a"(number), "D"(a0), "S"(a1), "d"(a2)
                     : "rcx", "r11", "memory");
    return ret;
}

static void write_text(const char *text, size_t length)
{
    raw_syscall3(1 /* write */, 1, (long)text, (long)length);
}

/* Appends "label value\n" to the buffer at *pos. */
static void append_line(char *buffer, size_t *pos, const char *label, uint64_t value)
{
    while (*label)
        buffer[(*pos)++] = *label++;
    char digits[24];
    size_t n = 0;
    do {
        digits[n++] = (char)('0' + value % 10);
        value /= 10;
    } while (value);
    while (n)
        buffer[(*pos)++] = digits[--n];
    buffer[(*pos)++] = '\n';
}

static uint64_t xorshift64(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *state = x;
    return x;
}

/* Primes below 2 * SIEVE_BYTES; composite[i] stands for 2i + 1. */
static uint64_t count_primes(void)
{
    for (uint64_t i = 1; (2 * i + 1) * (2 * i + 1) < 2ull * SIEVE_BYTES; i++) {
        if (composite[i])
            continue;
        uint64_t p = 2 * i + 1;
        for (uint64_t j = (p * p - 1) / 2; j < SIEVE_BYTES; j += p)
            composite[j] = 1;
    }
    uint64_t primes = 1; /* 2 */
    for (uint64_t i = 1; i < SIEVE_BYTES; i++)
        primes += !composite[i];
    return primes;
}

/* Links every line into one cycle in random order, then follows it. */
static uint64_t chase_cycle(uint64_t *rng)
{
    for (uint64_t i = 0; i < CHASE_LINES; i++)
        chase_next[8 * i] = i;
    for (uint64_t i = CHASE_LINES - 1; i > 0; i--) {
        uint64_t j = xorshift64(rng) % i;
        uint64_t t = chase_next[8 * i];
        chase_next[8 * i] = chase_next[8 * j];
        chase_next[8 * j] = t;
    }
    uint64_t at = 0, sum = 0;
    for (uint64_t step = 0; step < CHASE_STEPS; step++) {
        at = chase_next[8 * at];
        sum += at;
    }
    return sum;
}

/* Inserts keys into a linear-probing table; returns the keys seen twice. */
static uint64_t hash_duplicates(uint64_t *rng)
{
    uint64_t duplicates = 0;
    for (uint64_t n = 0; n < TABLE_INSERTS; n++) {
        uint64_t key = (xorshift64(rng) % (4 * TABLE_INSERTS)) + 1; /* 0 marks a free slot */
        uint64_t slot = (key * 0x9E3779B97F4A7C15ull) >> 49;        /* 15 bits */
        while (table_keys[slot] && table_keys[slot] != key)
            slot = (slot + 1) & (TABLE_SLOTS - 1);
        duplicates += table_keys[slot] == key;
        table_keys[slot] = key;
    }
    return duplicates;
}

/* The checksum kernels: each digests one KERNEL_BLOCK-byte block. */
typedef uint64_t (*checksum_kernel)(const uint8_t *block);

static OWN_CODE_PAGE uint64_t sum_fnv1a(const uint8_t *b)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (unsigned i = 0; i < KERNEL_BLOCK; i++)
        h = (h ^ b[i]) * 0x100000001b3ull;
    return h;
}

static OWN_CODE_PAGE uint64_t sum_djb2(const uint8_t *b)
{
    uint64_t h = 5381;
    for (unsigned i = 0; i < KERNEL_BLOCK; i++)
        h = h * 33 + b[i];
    return h;
}

static OWN_CODE_PAGE uint64_t sum_sdbm(const uint8_t *b)
{
    uint64_t h = 0;
    for (unsigned i = 0; i < KERNEL_BLOCK; i++)
        h = b[i] + (h << 6) + (h << 16) - h;
    return h;
}

static OWN_CODE_PAGE uint64_t sum_adler32(const uint8_t *b)
{
    uint32_t lo = 1, hi = 0;
    for (unsigned i = 0; i < KERNEL_BLOCK; i++) {
        lo = (lo + b[i]) % 65521u;
        hi = (hi + lo) % 65521u;
    }
    return ((uint64_t)hi << 16) | lo;
}

static OWN_CODE_PAGE uint64_t sum_fletcher32(const uint8_t *b)
{
    const uint32_t *w = (const uint32_t *)(const void *)b;
    uint64_t lo = 0, hi = 0;
    for (unsigned i = 0; i < KERNEL_BLOCK / 4; i++) {
        lo = (lo + w[i]) % 0xffffffffull;
        hi = (hi + lo) % 0xffffffffull;
    }
    return (hi << 32) | lo;
}

static OWN_CODE_PAGE uint64_t sum_rotate_xor(const uint8_t *b)
{
    const uint64_t *w = (const uint64_t *)(const void *)b;
    uint64_t h = 0;
    for (unsigned i = 0; i < KERNEL_BLOCK / 8; i++)
        h = ((h << 13) | (h >> 51)) ^ w[i];
    return h;
}

static OWN_CODE_PAGE uint64_t sum_crc32(const uint8_t *b)
{
    uint32_t crc = 0xffffffffu;
    for (unsigned i = 0; i < KERNEL_BLOCK; i++) {
        crc ^= b[i];
        for (unsigned k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

static OWN_CODE_PAGE uint64_t sum_one_at_a_time(const uint8_t *b)
{
    uint32_t h = 0;
    for (unsigned i = 0; i < KERNEL_BLOCK; i++) {
        h += b[i];
        h += h << 10;
        h ^= h >> 6;
    }
    h += h << 3;
    h ^= h >> 11;
    h += h << 15;
    return h;
}

static OWN_CODE_PAGE uint64_t sum_weighted(const uint8_t *b)
{
    uint64_t h = 0;
    for (unsigned i = 0; i < KERNEL_BLOCK; i++)
        h += (uint64_t)(i + 1) * b[i];
    return h;
}

static OWN_CODE_PAGE uint64_t sum_word_mix(const uint8_t *b)
{
    const uint64_t *w = (const uint64_t *)(const void *)b;
    uint64_t h = 0x9E3779B97F4A7C15ull;
    for (unsigned i = 0; i < KERNEL_BLOCK / 8; i++) {
        h ^= w[i] * 0xff51afd7ed558ccdull;
        h = (h ^ (h >> 33)) * 0xc4ceb9fe1a85ec53ull;
    }
    return h;
}

/* Walks the sieve block by block; each block's digest picks the kernel
 * for the next one, so the code pages are visited in a scrambled order. */
static uint64_t run_kernels(void)
{
    static const checksum_kernel kernels[KERNEL_COUNT] = {
        sum_fnv1a, sum_djb2,  sum_sdbm,          sum_adler32,  sum_fletcher32,
        sum_rotate_xor, sum_crc32, sum_one_at_a_time, sum_weighted, sum_word_mix,
    };
    uint64_t digest = 0, pick = 0;
    for (uint64_t call = 0; call < KERNEL_CALLS; call++) {
        uint64_t block = (call * 37) % (SIEVE_BYTES / KERNEL_BLOCK);
        uint64_t h = kernels[pick](composite + block * KERNEL_BLOCK);
        digest ^= h + call;
        pick = (h ^ (h >> 29) ^ call) % KERNEL_COUNT;
    }
    return digest;
}

void workload_main(void) __attribute__((noreturn, used));
void workload_main(void)
{
    uint64_t rng = 0x2545F4914F6CDD1Dull;
    char out[160];
    size_t pos = 0;
    append_line(out, &pos, "primes ", count_primes());
    append_line(out, &pos, "chase ", chase_cycle(&rng));
    append_line(out, &pos, "duplicates ", hash_duplicates(&rng));
    append_line(out, &pos, "kernels ", run_kernels());
    write_text(out, pos);
    for (;;)
        raw_syscall3(231 /* exit_group */, 0, 0, 0);
}
