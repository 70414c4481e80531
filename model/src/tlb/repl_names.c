/* repl_names.c — names of the replacement policies and the LFSR step. */
#include "mmulab/repl.h"

#include <string.h>

static const char *const names[REPL_COUNT] = {"lru", "plru", "fifo", "random"};

const char *repl_name(repl_policy policy)
{
    return (unsigned)policy < REPL_COUNT ? names[policy] : "unknown";
}

int repl_parse(const char *name, repl_policy *out, const char *what, mm_error *err)
{
    for (unsigned i = 0; i < REPL_COUNT; i++) {
        if (strcmp(name, names[i]) == 0) {
            *out = (repl_policy)i;
            return MM_OK;
        }
    }
    return mm_fail(err, MM_ERR_CONFIG, "%s: unknown replacement policy \"%s\" (lru, plru, fifo, random)",
                   what, name);
}

uint16_t repl_lfsr_next(uint16_t state)
{
    uint16_t out = state & 1u;
    state >>= 1;
    if (out)
        state ^= REPL_LFSR_TAPS;
    return state;
}
