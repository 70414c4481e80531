/* bits.h — small bit helpers shared inside the model. */
#ifndef MMULAB_BITS_H
#define MMULAB_BITS_H

#include <stdint.h>

/* Index of the lowest set bit of a non-zero x. */
static inline unsigned mm_lowest_set_bit(uint64_t x)
{
#if defined(__GNUC__)
    return (unsigned)__builtin_ctzll(x);
#else
    unsigned n = 0;
    while (!(x & 1u)) {
        x >>= 1;
        n++;
    }
    return n;
#endif
}

#endif
